/**
 * Behind a connection pooler (README "Behind a connection pooler"): with
 * `DATABASE_POOL_MODE=transaction` the gateway relies on no server session. Its hot reads send no
 * named prepared statement, its connections send no `statement_timeout` startup parameter, and
 * migrations run in one transaction under a transaction-scoped lock, so two instances starting
 * on a fresh database at once apply each migration exactly once. PostgreSQL only (the embedded
 * engine has no pooler in front); CI also runs the whole integration suite through PgBouncer.
 */
import { Client } from 'pg';
import { openDatabase } from '../../src/db/data-source';
import { migrations } from '../../src/db/migrations';
import { testDatabaseUrl, throughPooler } from '../support/env';
import { startGateway } from '../support/gateway';
import { client } from '../support/http';

const onPostgres = process.env.TEST_DATABASE_KIND === 'postgres';

/** A URL to a new, empty database on the test server; dropped by the returned function. */
async function freshDatabase(label: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `gw_pooler_${label}_${Date.now()}_${process.pid}`;
  const admin = new Client({ connectionString: testDatabaseUrl() });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const url = new URL(testDatabaseUrl());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const again = new Client({ connectionString: testDatabaseUrl() });
      await again.connect();
      await again.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await again.end();
    },
  };
}

(onPostgres ? describe : describe.skip)(
  'behind a transaction pooler (DATABASE_POOL_MODE=transaction)',
  () => {
    it('migrates a fresh database once when two instances start on it together', async () => {
      const fresh = await freshDatabase('race');
      try {
        const opened = await Promise.all([
          openDatabase({ url: fresh.url, poolSize: 1, poolMode: 'transaction', lockMigrations: true }),
          openDatabase({ url: fresh.url, poolSize: 1, poolMode: 'transaction', lockMigrations: true }),
        ]);
        const [row] = (await opened[0].query(
          'SELECT count(*)::int AS total, count(DISTINCT name)::int AS distinct FROM typeorm_migrations',
        )) as Array<{ total: number; distinct: number }>;
        expect(row).toEqual({ total: migrations.length, distinct: migrations.length });
        await Promise.all(opened.map((dataSource) => dataSource.destroy()));
      } finally {
        await fresh.drop();
      }
    });

    // DATABASE_MIGRATION_URL reaches the server directly (session mode): not this run's pooler URL.
    (throughPooler() ? it.skip : it)(
      'migrates through DATABASE_MIGRATION_URL when it is given, and serves through DATABASE_URL',
      async () => {
        const fresh = await freshDatabase('direct');
        try {
          const dataSource = await openDatabase({
            url: fresh.url,
            poolSize: 1,
            poolMode: 'transaction',
            lockMigrations: true,
            migrationUrl: fresh.url,
          });
          const rows = (await dataSource.query('SELECT name FROM typeorm_migrations')) as unknown[];
          expect(rows).toHaveLength(migrations.length);
          await dataSource.destroy();
        } finally {
          await fresh.drop();
        }
      },
    );

    // Through the pooler a session-mode data source could not even connect: that is the point.
    (throughPooler() ? it.skip : it)(
      'sends no statement_timeout startup parameter in transaction mode (and 15 s otherwise)',
      async () => {
        const session = await openDatabase({ url: testDatabaseUrl(), poolSize: 1 });
        const pooled = await openDatabase({ url: testDatabaseUrl(), poolSize: 1, poolMode: 'transaction' });
        try {
          const timeout = async (dataSource: typeof session) =>
            ((await dataSource.query('SHOW statement_timeout')) as Array<{ statement_timeout: string }>)[0]!
              .statement_timeout;
          expect(await timeout(session)).toBe('15s');
          expect(await timeout(pooled)).not.toBe('15s');
        } finally {
          await session.destroy();
          await pooled.destroy();
        }
      },
    );

    // A session-mode gateway cannot use this run's pooler: through it, transaction mode only.
    const modes: Array<['session' | 'transaction', boolean]> = throughPooler()
      ? [['transaction', false]]
      : [
          ['session', true],
          ['transaction', false],
        ];
    it.each(modes)('in %s mode, the hot reads use named prepared statements: %s', async (mode, named) => {
      const gw = await startGateway({ env: { DATABASE_POOL_MODE: mode } });
      const sent: Array<{ name?: string; text: string }> = [];
      const original = Client.prototype.query;
      try {
        const { apiKey } = await gw.newOwner('pooler');
        Client.prototype.query = function (this: Client, ...args: unknown[]) {
          const first = args[0];
          if (typeof first === 'object' && first !== null && 'text' in first)
            sent.push(first as { name?: string; text: string });
          return (original as (...a: unknown[]) => unknown).apply(this, args);
        } as typeof original;
        const res = await client(gw.baseUrl, apiKey).get('/api/v1/connections');
        expect(res.status).toBe(200);
      } finally {
        Client.prototype.query = original;
        await gw.close();
      }
      const listing = sent.filter((statement) => /FROM connections/i.test(statement.text));
      expect(listing.length).toBeGreaterThan(0);
      expect(listing.some((statement) => statement.name !== undefined)).toBe(named);
    });
  },
);
