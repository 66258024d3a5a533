/**
 * The embedded engine's own socket server (src/db/embedded-socket.ts): who may connect, and what
 * a connection that goes away mid-sequence leaves behind. Many connections into one database session at once must never see each other's statements:
 * each parameterised query answers with its own parameters. On the embedded engine this proves
 * the session queue (src/db/embedded-socket.ts); on PostgreSQL it holds trivially.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client, Pool } from 'pg';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/db/embedded';
import { testDatabaseUrl } from '../support/env';

describe('the database under concurrent extended-protocol queries', () => {
  it('answers 400 concurrent parameterised queries on 10 connections each with its own row', async () => {
    const pool = new Pool({ connectionString: testDatabaseUrl(), max: 10 });
    try {
      const results = await Promise.all(
        Array.from({ length: 400 }, (_, n) =>
          pool.query<{ n: number; label: string }>('SELECT $1::int AS n, $2::text AS label', [n, `q${n}`]),
        ),
      );
      results.forEach((result, n) => expect(result.rows).toEqual([{ n, label: `q${n}` }]));
    } finally {
      await pool.end();
    }
  });

  it('mixes transactions and plain queries on many connections without crossing them', async () => {
    // pglite-socket's own queue fails this one ("portal \"\" does not exist", rows of other queries).
    const pool = new Pool({ connectionString: testDatabaseUrl(), max: 10 });
    const table = `probe_mix_${process.pid}`;
    try {
      await pool.query(`CREATE TABLE IF NOT EXISTS ${table} (id int primary key, v int)`);
      await pool.query(
        `INSERT INTO ${table} SELECT g, 0 FROM generate_series(1, 50) g ON CONFLICT DO NOTHING`,
      );
      const outcomes = await Promise.all(
        Array.from({ length: 200 }, async (_, n) => {
          const id = (n % 50) + 1;
          if (n % 3 !== 0)
            return (await pool.query(`SELECT id FROM ${table} WHERE id = $1`, [id])).rows[0]?.id === id;
          const c = await pool.connect();
          try {
            await c.query('BEGIN');
            await c.query(`UPDATE ${table} SET v = v + 1 WHERE id = $1`, [id]);
            const r = await c.query(`SELECT id FROM ${table} WHERE id = $1`, [id]);
            await c.query('COMMIT');
            return r.rows[0]?.id === id;
          } finally {
            c.release();
          }
        }),
      );
      expect(outcomes.every(Boolean)).toBe(true);
      const total = await pool.query(`SELECT sum(v)::int AS s FROM ${table}`);
      expect(total.rows[0].s).toBe(67);
    } finally {
      await pool.query(`DROP TABLE IF EXISTS ${table}`);
      await pool.end();
    }
  });

  it('keeps a transaction to itself while other connections query', async () => {
    const pool = new Pool({ connectionString: testDatabaseUrl(), max: 4 });
    const tx = await pool.connect();
    try {
      await tx.query('BEGIN');
      await tx.query('CREATE TEMP TABLE probe_tx (v int) ON COMMIT DROP');
      const outside = Promise.all(
        Array.from({ length: 20 }, (_, n) => pool.query('SELECT $1::int AS n', [n])),
      );
      await tx.query('INSERT INTO probe_tx VALUES (1), (2)');
      const inside = await tx.query('SELECT count(*)::int AS c FROM probe_tx');
      await tx.query('COMMIT');
      expect(inside.rows[0].c).toBe(2);
      (await outside).forEach((r, n) => expect(r.rows[0].n).toBe(n));
    } finally {
      tx.release();
      await pool.end();
    }
  });
});

describe('the embedded engine on its loopback TCP fallback (a DATA_DIR too deep for a unix socket)', () => {
  let base: string;
  let db: EmbeddedDatabase;
  const opened: Client[] = [];

  beforeAll(async () => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-embedded-tcp-'));
    const deep = path.join(
      base,
      'a-data-directory-deep-enough',
      'that-its-socket-path-cannot-fit-in-sun-path',
    );
    db = await startEmbeddedDatabase(deep, 6);
  }, 120_000);
  afterAll(async () => {
    for (const client of opened) await client.end().catch(() => undefined);
    await db?.stop();
    fs.rmSync(base, { recursive: true, force: true });
  });

  async function connected(config: ConstructorParameters<typeof Client>[0]): Promise<Client> {
    const client = new Client(config);
    client.on('error', () => undefined);
    opened.push(client);
    await client.connect();
    return client;
  }

  it('refuses anyone on the machine without its per-start password', async () => {
    const url = new URL(db.url);
    expect(url.hostname).toBe('127.0.0.1');
    expect(decodeURIComponent(url.password)).toMatch(/^[A-Za-z0-9_-]{32,}$/);
    const at = { host: url.hostname, port: Number(url.port), user: 'postgres', database: 'postgres' };
    await expect(connected({ ...at, password: 'guess' })).rejects.toThrow(/password authentication failed/);
    await expect(connected({ ...at, password: '' })).rejects.toThrow();
    // The URL the gateway is handed (password included) works.
    const app = await connected({ connectionString: db.url });
    expect((await app.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('a connection dropped after an error mid-sequence does not leave the backend waiting for Sync', async () => {
    const dropped = await connected({ connectionString: db.url });
    const wire = (dropped as unknown as { connection: WireConnection }).connection;
    const failed = new Promise((resolve) => wire.once('errorMessage', resolve));
    wire.parse({ text: 'SELECT 1/0' });
    wire.bind({});
    wire.execute({});
    wire.flush();
    await failed;
    wire.stream.destroy();

    const next = await connected({ connectionString: db.url });
    expect((await next.query('SELECT $1::int AS n', [7])).rows).toEqual([{ n: 7 }]);
    expect((await next.query('SELECT 2 AS m')).rows).toEqual([{ m: 2 }]);
  });

  it("a connection dropped mid-sequence has its unfinished statement rolled back, not committed by the next one's Sync", async () => {
    const setup = await connected({ connectionString: db.url });
    await setup.query('CREATE TABLE IF NOT EXISTS probe_dropped (v int)');
    await setup.query('TRUNCATE probe_dropped');
    const dropped = await connected({ connectionString: db.url });
    const wire = (dropped as unknown as { connection: WireConnection }).connection;
    const inserted = new Promise((resolve) => wire.once('commandComplete', resolve));
    wire.parse({ text: 'INSERT INTO probe_dropped VALUES (1)' });
    wire.bind({});
    wire.execute({});
    wire.flush();
    await inserted;
    wire.stream.destroy();

    expect((await setup.query('SELECT $1::int AS n', [1])).rows).toEqual([{ n: 1 }]);
    expect((await setup.query('SELECT count(*)::int AS c FROM probe_dropped')).rows).toEqual([{ c: 0 }]);
  });
});

/** The parts of pg's wire connection these tests drive by hand (an extended sequence with no Sync). */
interface WireConnection {
  parse(query: { text: string }): void;
  bind(config: object): void;
  execute(config: object): void;
  flush(): void;
  once(event: string, listener: (...args: unknown[]) => void): void;
  stream: { destroy(): void };
}
