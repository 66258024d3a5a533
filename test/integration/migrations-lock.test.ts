/**
 * Several instances started together on a new release (docs/architecture.md#migrations): each
 * applies the pending migrations under one advisory lock, so they do not race to apply the same
 * one.
 */
import 'reflect-metadata';
import { Client } from 'pg';
import { openDatabase } from '../../src/db/data-source';
import { migrations } from '../../src/db/migrations';
import { testPoolMode } from '../support/env';

const onPostgres = process.env.TEST_DATABASE_KIND === 'postgres';

(onPostgres ? describe : describe.skip)(
  'migrations on PostgreSQL (the embedded engine has one process)',
  () => {
    const adminUrl = process.env.TEST_DATABASE_URL!;
    const name = `gw_migrate_race_${process.pid}_${Date.now()}`;
    const scratch = new URL(adminUrl);
    scratch.pathname = `/${name}`;

    async function admin(sql: string) {
      const client = new Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(sql);
      } finally {
        await client.end();
      }
    }

    beforeAll(() => admin(`CREATE DATABASE "${name}"`));
    afterAll(() => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));

    it('lets four instances start at once on an empty database, applying each migration once', async () => {
      const opened = await Promise.allSettled(
        Array.from({ length: 4 }, () =>
          // Through PgBouncer (CI's pooler pass) this races four instances under the transaction lock.
          openDatabase({
            url: scratch.toString(),
            poolSize: 1,
            lockMigrations: true,
            poolMode: testPoolMode(),
          }),
        ),
      );
      expect(opened.map((o) => o.status)).toEqual(Array(4).fill('fulfilled'));
      const sources = opened.map(
        (o) => (o as PromiseFulfilledResult<Awaited<ReturnType<typeof openDatabase>>>).value,
      );
      try {
        const rows: { name: string }[] = await sources[0]!.query(
          'SELECT name FROM typeorm_migrations ORDER BY id',
        );
        expect(rows.map((r) => r.name)).toEqual(migrations.map((m) => new m().name));
      } finally {
        await Promise.all(sources.map((s) => s.destroy()));
      }
    });
  },
);
