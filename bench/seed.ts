/**
 * The bench's data: the same rows in every database it seeds. Deterministic (ids and times derive
 * from names), so the gateway's database and the baseline's hold identical data.
 */
import { createHash } from 'node:crypto';
import type { Client } from 'pg';
import { hashApiKey } from '../src/owners/api-key';

export interface SeedOptions {
  owners: number;
  connectionsPerOwner: number;
  /** The connectors the rows use, with their auth types (one live row per connector and owner). */
  connectors: { slug: string; authType: string }[];
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The API key of owner `i`: well formed, and the same in every run. */
export function benchKey(i: number): string {
  const digest = createHash('sha512').update(`bench-key-${i}`).digest();
  let out = 'alm_live_';
  for (let j = 0; out.length < 9 + 32; j++) out += BASE62[digest[j]! % 62];
  return out;
}

export async function seed(client: Client, options: SeedOptions): Promise<void> {
  const names: string[] = [];
  const hashes: string[] = [];
  const prefixes: string[] = [];
  for (let i = 0; i < options.owners; i++) {
    const key = benchKey(i);
    names.push(`bench-owner-${i}`);
    hashes.push(hashApiKey(key));
    prefixes.push(key.slice(0, 15));
  }
  const slugs = options.connectors.slice(0, options.connectionsPerOwner);
  await client.query('BEGIN');
  await client.query(
    `INSERT INTO owners (id, name, created_at)
     SELECT md5(n)::uuid, n, timestamptz '2026-01-01' FROM unnest($1::text[]) AS n`,
    [names],
  );
  await client.query(
    `INSERT INTO api_keys (id, owner_id, key_hash, prefix, created_at)
     SELECT md5('key' || k.n)::uuid, md5(k.n)::uuid, k.h, k.p, timestamptz '2026-01-01'
       FROM unnest($1::text[], $2::text[], $3::text[]) AS k(n, h, p)`,
    [names, hashes, prefixes],
  );
  // A realistic mix: connected OAuth rows with token facts, connected API-key rows, some pending
  // and errored ones; every connected row carries a sealed-sized secret the list must not read.
  await client.query(
    `INSERT INTO connections (id, owner_id, connector_slug, auth_type, label, status, last_error, secret,
                              token_expires_at, scopes, account, last_refreshed_at, created_at, updated_at,
                              connected_at)
     SELECT md5(o.n || s.slug)::uuid, md5(o.n)::uuid, s.slug, s.auth,
            CASE WHEN s.i % 3 = 0 THEN 'workspace ' || s.i END,
            CASE WHEN s.i % 10 = 9 THEN 'pending' WHEN s.i % 10 = 8 THEN 'error' ELSE 'connected' END,
            CASE WHEN s.i % 10 = 8 THEN jsonb_build_object('code', 'PROVIDER_ERROR',
                 'message', 'The provider refused the credentials.', 'at', '2026-02-01T00:00:00.000Z') END,
            CASE WHEN s.i % 10 < 8 THEN 'v1.AAAAAAAA.' || repeat(md5(o.n || s.slug), 6) END,
            CASE WHEN s.auth = 'oauth' AND s.i % 10 < 8 THEN t.at + interval '1 hour' END,
            CASE WHEN s.auth = 'oauth' AND s.i % 10 < 8 THEN ARRAY['read', 'write'] END,
            CASE WHEN s.auth = 'oauth' AND s.i % 10 < 8 THEN 'user' || s.i || '@example.com' END,
            CASE WHEN s.auth = 'oauth' AND s.i % 10 < 8 THEN t.at + interval '5 minutes' END,
            t.at, t.at, CASE WHEN s.i % 10 < 8 THEN t.at END
       FROM unnest($1::text[]) AS o(n)
      CROSS JOIN unnest($2::text[], $3::text[]) WITH ORDINALITY AS s(slug, auth, i)
      CROSS JOIN LATERAL (SELECT timestamptz '2026-03-01' + (s.i * interval '1 hour')
                                 + (('x' || substr(md5(o.n), 1, 6))::bit(24)::int * interval '1 second') AS at) t`,
    [names, slugs.map((c) => c.slug), slugs.map((c) => c.authType)],
  );
  await client.query('COMMIT');
  await client.query('ANALYZE');
}
