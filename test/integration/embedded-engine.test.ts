/**
 * Many connections into one database session at once must never see each other's statements:
 * each parameterised query answers with its own parameters. On the embedded engine this proves
 * the session queue (src/db/embedded-socket.ts); on PostgreSQL it holds trivially.
 */
import { Pool } from 'pg';
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
