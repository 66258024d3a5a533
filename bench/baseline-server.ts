/**
 * The raw baseline of `npm run bench` (README "Performance"): node:http and a pg Pool doing the same
 * work as the gateway's hot path and nothing else. SHA-256 of the Bearer key, one indexed lookup,
 * then the owner's newest live connections as the same JSON the gateway sends. No framework, no
 * ORM, no logging: the practical ceiling the gateway is measured against.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import { Pool } from 'pg';

const PAGE = 50;
const pool = new Pool({ connectionString: process.env.BASELINE_DATABASE_URL, max: 10 });

interface Row {
  id: string;
  connector_slug: string;
  auth_type: string;
  label: string | null;
  config: Record<string, string>;
  status: string;
  last_error: { code: string; message: string; at: string } | null;
  token_expires_at: Date | null;
  scopes: string[] | null;
  account: string | null;
  last_refreshed_at: Date | null;
  last_checked_at: Date | null;
  created_at: Date;
  updated_at: Date;
  connected_at: Date | null;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

function view(row: Row) {
  return {
    id: row.id,
    connectorSlug: row.connector_slug,
    authType: row.auth_type,
    label: row.label,
    config: row.config,
    status: row.status,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    connectedAt: iso(row.connected_at),
    lastError: row.last_error,
    expiresAt: iso(row.token_expires_at),
    scopes: row.scopes,
    account: row.account,
    lastRefreshedAt: iso(row.last_refreshed_at),
    lastCheckedAt: iso(row.last_checked_at),
  };
}

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(json),
  });
  res.end(json);
}

async function listConnections(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const token = /^Bearer ([^\s]+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (!token) return send(res, 401, { error: { code: 'UNAUTHORIZED' } });
  const hash = createHash('sha256').update(token).digest('hex');
  const keys = await pool.query<{ owner_id: string }>(
    'SELECT owner_id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
    [hash],
  );
  const ownerId = keys.rows[0]?.owner_id;
  if (!ownerId) return send(res, 401, { error: { code: 'UNAUTHORIZED' } });
  const { rows } = await pool.query<Row>(
    `SELECT id, connector_slug, auth_type, label, config, status, last_error, token_expires_at, scopes, account,
            last_refreshed_at, last_checked_at, created_at, updated_at, connected_at
       FROM connections WHERE owner_id = $1 AND deleted_at IS NULL
      ORDER BY created_at DESC, id DESC LIMIT $2`,
    [ownerId, PAGE + 1],
  );
  const page = rows.slice(0, PAGE);
  const last = page[page.length - 1];
  const nextCursor =
    rows.length > PAGE && last
      ? Buffer.from(JSON.stringify([last.created_at.toISOString(), last.id])).toString('base64url')
      : null;
  send(res, 200, { connections: page.map(view), nextCursor });
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/api/v1/connections') {
    listConnections(req, res).catch(() => send(res, 500, { error: { code: 'INTERNAL' } }));
  } else if (req.url === '/readyz') {
    send(res, 200, { status: 'ready' });
  } else {
    send(res, 404, { error: { code: 'NOT_FOUND' } });
  }
});
server.keepAliveTimeout = 5_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address();
  process.send?.({ port: typeof address === 'object' && address ? address.port : 0 });
});
process.on('SIGTERM', () => {
  server.close();
  void pool.end().then(() => process.exit(0));
});
