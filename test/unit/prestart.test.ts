/**
 * The process reads its settings once: the embedded pre-start (main's first import) reads them,
 * and main takes them from it rather than reading the environment a second time.
 */
import fs from 'node:fs';
import path from 'node:path';
import type * as ConfigModule from '../../src/config';
import type * as PrestartModule from '../../src/db/embedded-prestart';

const KEY = Buffer.alloc(32, 3).toString('base64');

async function loadPrestart(env: Record<string, string>): Promise<{
  startupConfig: typeof PrestartModule.startupConfig;
  reads: () => number;
}> {
  const saved = { ...process.env };
  let reads = 0;
  let prestart!: typeof PrestartModule;
  try {
    for (const name of Object.keys(process.env)) delete process.env[name];
    Object.assign(process.env, env);
    await jest.isolateModulesAsync(async () => {
      jest.doMock('../../src/config', () => {
        const actual = jest.requireActual<typeof ConfigModule>('../../src/config');
        return {
          ...actual,
          loadConfig: (...args: Parameters<typeof actual.loadConfig>) => {
            reads += 1;
            return actual.loadConfig(...args);
          },
        };
      });
      prestart = await import('../../src/db/embedded-prestart');
    });
  } finally {
    for (const name of Object.keys(process.env)) delete process.env[name];
    Object.assign(process.env, saved);
    jest.dontMock('../../src/config');
  }
  return { startupConfig: prestart.startupConfig, reads: () => reads };
}

describe('embedded pre-start', () => {
  it('reads the settings once and hands main the same settings', async () => {
    const { startupConfig, reads } = await loadPrestart({
      DATABASE_URL: 'postgres://u@db/x',
      ENCRYPTION_KEY: KEY,
      PORT: '4321',
    });
    const config = startupConfig();
    expect(config).toMatchObject({ databaseUrl: 'postgres://u@db/x', port: 4321 });
    expect(startupConfig()).toBe(config);
    expect(reads()).toBe(1);
  });

  it('keeps a bad setting for main to report, rather than failing its import', async () => {
    const { startupConfig, reads } = await loadPrestart({ PORT: 'eighty' });
    expect(() => startupConfig()).toThrow(/^PORT: /);
    expect(reads()).toBe(1);
  });

  it('is where main takes its settings from: main.ts never reads them itself', () => {
    const main = fs.readFileSync(path.resolve(__dirname, '../../src/main.ts'), 'utf8');
    expect(main).not.toMatch(/\bloadConfig\b/);
    expect(main).toMatch(/startupConfig\(\)/);
  });
});
