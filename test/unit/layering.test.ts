/**
 * Nothing reaches up: config.ts reads the environment and passes settings down, so no feature
 * and nothing in shared/ imports it. Only the places that assemble the gateway do (main, the
 * admin CLI, gateway.ts, app, container, the database opener and the GraphQL server's start).
 */
import fs from 'node:fs';
import path from 'node:path';

const SRC = path.resolve(__dirname, '../../src');
const ASSEMBLY = [
  /^main\.ts$/,
  /^gateway\.ts$/,
  /^app\.ts$/,
  /^container\.ts$/,
  /^cli\//,
  /^db\//,
  /^graphql\/server\.ts$/,
];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)].map((match) => match[1]!);
}

describe('layering', () => {
  it('no feature and nothing in shared/ imports config.ts', () => {
    const config = path.join(SRC, 'config');
    const reachingUp = sourceFiles(SRC)
      .map((file) => path.relative(SRC, file).split(path.sep).join('/'))
      .filter((file) => file !== 'config.ts' && !ASSEMBLY.some((pattern) => pattern.test(file)))
      .filter((file) =>
        importsOf(path.join(SRC, file)).some(
          (spec) => spec.startsWith('.') && path.resolve(path.dirname(path.join(SRC, file)), spec) === config,
        ),
      );
    expect(reachingUp).toEqual([]);
  });
});
