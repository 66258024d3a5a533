import fs from 'node:fs';
import { Client } from 'pg';

export default async function globalTeardown(): Promise<void> {
  // Named by two projects: the first teardown (after every test has run) cleans up, once.
  const state = globalThis.__gatewayTestState;
  if (!state) return;
  globalThis.__gatewayTestState = undefined;
  if (state.embedded) await state.embedded.stop();
  if (state.embeddedDir) fs.rmSync(state.embeddedDir, { recursive: true, force: true });
  if (state.adminUrl && state.databaseName && !process.env.KEEP_TEST_DATABASE) {
    const admin = new Client({ connectionString: state.adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${state.databaseName}" WITH (FORCE)`);
    await admin.end();
  }
}
