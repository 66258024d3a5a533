/** The admin CLI as an operator runs it: a real child process against the run's database. */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { TEST_ENCRYPTION_KEY, testDatabaseUrl, testPoolerEnv } from './env';

const ROOT = path.resolve(__dirname, '../..');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of the child: the run's database and key, nothing inherited that could change its behaviour. */
function cliEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (
      /^(DATABASE_URL|ENCRYPTION_KEY|ENCRYPTION_KEYS_PREVIOUS|CONNECTORS_FILE|DATA_DIR|CONNECTOR_.*|WEBHOOK_.*)$/.test(
        name,
      )
    )
      continue;
    env[name] = value;
  }
  return {
    ...env,
    NODE_ENV: 'test',
    DATABASE_URL: testDatabaseUrl(),
    ...testPoolerEnv(),
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    ...extra,
  };
}

/** `npm run --silent admin -- <args>`, without npm in between: the built CLI, as the image runs it. */
export function admin(args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/cli/admin.js', ...args], {
      cwd: ROOT,
      env: cliEnv(extraEnv),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The one JSON line a successful command prints. */
export function onlyJsonLine<T>(result: CliResult): T {
  expect(result.code).toBe(0);
  expect(result.stdout.endsWith('\n')).toBe(true);
  const lines = result.stdout.split('\n').filter((line) => line !== '');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as T;
}
