/** Settings shared by the test harness. */
export const TEST_ENCRYPTION_KEY = Buffer.alloc(32, 7).toString('base64');
/** Set by global-setup: the fresh database this run uses (a new PostgreSQL database, or the embedded engine). */
export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run the tests through jest (global-setup).');
  return url;
}
