/** Settings shared by the test harness. */
export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');
/** Set by global-setup: the fresh database this run uses (a new PostgreSQL database, or the embedded engine). */
/**
 * The pooler settings of the run (CI's pass through PgBouncer sets DATABASE_POOL_MODE=transaction):
 * what a gateway started against testDatabaseUrl() must be told.
 */
export function testPoolerEnv(): Record<string, string> {
  return throughPooler() ? { DATABASE_POOL_MODE: 'transaction' } : {};
}

/** True in the run through a transaction pooler (PgBouncer in CI). */
export function throughPooler(): boolean {
  return process.env.DATABASE_POOL_MODE === 'transaction';
}

/** The pool mode openDatabase must be told in this run. */
export function testPoolMode(): 'session' | 'transaction' {
  return throughPooler() ? 'transaction' : 'session';
}

export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run the tests through jest (global-setup).');
  return url;
}
