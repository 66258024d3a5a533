/**
 * Once per `npm test` (not for the unit project, which needs none): a fresh database for this run, migrated, handed to the workers as
 * TEST_DATABASE_URL. With DATABASE_URL set (CI, against a real PostgreSQL) a new database is
 * created on that server; without it the embedded engine runs here, in a temporary directory,
 * behind its socket server — exactly what `npm start` uses.
 */
import 'reflect-metadata';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureBuilt } = require('../../scripts/build') as { ensureBuilt: () => boolean };
import { openDatabase } from '../../src/db/data-source';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/db/embedded';

interface SetupState {
  embedded?: EmbeddedDatabase;
  embeddedDir?: string;
  adminUrl?: string;
  databaseName?: string;
}

declare global {
  var __gatewayTestState: SetupState | undefined;
}

export default async function globalSetup(): Promise<void> {
  // The integration and browser projects both name this setup: the first one to run sets up.
  if (globalThis.__gatewayTestState) return;
  // The processes the tests start run the built gateway (dist/main.js, as the image does).
  ensureBuilt();
  const state: SetupState = {};
  const serverUrl = process.env.DATABASE_URL;
  let url: string;
  if (serverUrl) {
    const name = `gw_test_${Date.now()}_${process.pid}`;
    const admin = new Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${name}"`);
    await admin.end();
    const parsed = new URL(serverUrl);
    parsed.pathname = `/${name}`;
    url = parsed.toString();
    state.adminUrl = serverUrl;
    state.databaseName = name;
  } else {
    state.embeddedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-test-'));
    state.embedded = await startEmbeddedDatabase(state.embeddedDir, 40);
    url = state.embedded.url;
  }
  const dataSource = await openDatabase({
    url,
    poolSize: 1,
    poolMode: process.env.DATABASE_POOL_MODE === 'transaction' ? 'transaction' : 'session',
  });
  await dataSource.destroy();
  process.env.TEST_DATABASE_URL = url;
  process.env.TEST_DATABASE_KIND = serverUrl ? 'postgres' : 'embedded';
  globalThis.__gatewayTestState = state;
}
