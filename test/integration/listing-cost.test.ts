/**
 * Listing cost (README "Performance"): listing stays O(page) however many connections an owner has.
 *
 * - One owner holds 100,000 connection rows (30 live, the rest revoked and soft-deleted, their
 *   creation times interleaved with the live ones), another holds 20,000 live ones (connectors
 *   the catalog has since dropped), and 100 more owners hold 200 rows each; the table is ANALYZEd.
 * - The SQL the gateway really sends for `GET /api/v1/connections` is caught on pg's
 *   `Client.prototype.query` (the gateway runs in this process) and re-run here under
 *   `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)` with the very same values: a keyset scan on
 *   `connections_owner_created_live_idx`, no Sort, no Seq Scan, at most limit+1 index entries.
 *   The same statement's generic plan (what a named prepared statement settles on after a few
 *   runs) is held to the same rules.
 * - GraphQL asking for `connector` on every node costs the same number of statements for 30
 *   nodes as for 1 (no N+1), and the catalog answers without any SQL beyond authentication.
 *
 * Plans and statements are attached to the failure messages; a passing run prints nothing.
 */
import { Client, escapeLiteral } from 'pg';
import type { CatalogEntry } from '../../src/connectors/catalog.types';
import { startGateway, type TestGateway } from '../support/gateway';
import { gqlRaw } from '../support/graphql';
import { client } from '../support/http';
import { testDatabaseUrl } from '../support/env';
import {
  blocksOf,
  explainAnalyze,
  flattenPlan,
  statementReader,
  summarizePlan,
  type Explained,
  type PlanNode,
  type Statement,
} from '../support/explain';

const PAGE = 20;
/** The main owner's rows: LIVE_COUNT live (one per catalog connector), the rest revoked. */
const MAIN_ROWS = 100_000;
const LIVE_COUNT = 30;
const WIDE_LIVE = 20_000;
const OTHER_OWNERS = 100;
const OTHER_ROWS_EACH = 200;
const OTHER_LIVE_EACH = 20;
const SEED_BATCH = 10_000;
const LIST_INDEX = 'connections_owner_created_live_idx';

const isAuthLookup = (s: Statement) => /\b(api_keys|browser_sessions)\b/i.test(s.text);
/**
 * The instance's own timer (the cache invalidation poll), not any request's doing; and the rate
 * limiter's lease, one per chunk of a key's points, never per row (rate-limits.test.ts counts it).
 */
const isBackground = (s: Statement) => /\b(cache_invalidations|rate_limit_windows)\b/i.test(s.text);
const isListQuery = (s: Statement) =>
  /\bfrom\s+(?:"?public"?\.)?"?connections"?(?![\w"])/i.test(s.text) && /\border\s+by\b/i.test(s.text);
const describeStatements = (statements: Statement[]) =>
  statements
    .map((s, i) => `  ${i + 1}. ${s.name ? `[${s.name}] ` : ''}${s.text.replace(/\s+/g, ' ')}`)
    .join('\n');

/** Holds a plan to the keyset rules; a failure carries the plan summary and the statement. */
function expectKeysetPlan(explained: Explained, statement: Statement, maxRows: number): void {
  const nodes = flattenPlan(explained.plan);
  const context = `\nplan: ${summarizePlan(explained)}\nstatement: ${statement.text}\nvalues: ${JSON.stringify(statement.values)}`;
  const fail = (what: string) => {
    throw new Error(`${what}${context}`);
  };
  const sorts = nodes.filter((n) => /Sort/.test(n['Node Type']));
  if (sorts.length > 0) fail(`the plan sorts (${sorts.map((n) => n['Node Type']).join(', ')})`);
  const onConnections = nodes.filter((n) => n['Relation Name'] === 'connections');
  if (onConnections.length !== 1) fail(`expected one scan of connections, saw ${onConnections.length}`);
  const scan = onConnections[0]!;
  if (scan['Node Type'] !== 'Index Scan' && scan['Node Type'] !== 'Index Only Scan') {
    fail(`connections is read by a ${scan['Node Type']}, not an index scan`);
  }
  if (scan['Index Name'] !== LIST_INDEX) fail(`the scan uses ${scan['Index Name']}, not ${LIST_INDEX}`);
  // Every index entry the scan visited: those it returned, and those a filter threw away.
  const read =
    (scan['Actual Rows'] ?? 0) * (scan['Actual Loops'] ?? 1) +
    (scan['Rows Removed by Filter'] ?? 0) +
    (scan['Rows Removed by Index Recheck'] ?? 0);
  if (read > maxRows) fail(`the scan read ${read} rows, more than limit+1 = ${maxRows}`);
  // Pages touched (index and heap) stay those of a page of rows, not of the owner's 100,000.
  if (blocksOf(scan) > 10 * maxRows) fail(`the scan touched ${blocksOf(scan)} buffers`);
}

describe('listing cost: O(page) listing, no N+1, catalog from memory', () => {
  let gw: TestGateway;
  /** Our own connection for seeding and EXPLAIN: never the gateway's pool. */
  let db: Client;
  let querySpy: jest.SpyInstance;
  let catalog: readonly CatalogEntry[];
  let main: { ownerId: string; apiKey: string };
  let wide: { ownerId: string; apiKey: string };
  let single: { ownerId: string; apiKey: string };
  const cleanupOwners: string[] = [];
  /** The main owner's live rows, newest first (created_at DESC, id DESC, as PostgreSQL orders uuids). */
  let mainLive: { id: string; slug: string; createdAt: Date }[];
  const toStatement = statementReader();

  /** Runs `action` and returns every statement the gateway sent meanwhile. */
  async function capture<T>(action: () => Promise<T>): Promise<{ result: T; statements: Statement[] }> {
    querySpy.mockClear();
    const result = await action();
    const statements = querySpy.mock.calls
      .map((args: unknown[]) => toStatement(args))
      .filter((s) => !isBackground(s));
    querySpy.mockClear();
    return { result, statements };
  }

  /** The one list statement of a capture (exactly one, or the failure shows them all). */
  function listStatementOf(statements: Statement[]): Statement {
    const lists = statements.filter(isListQuery);
    if (lists.length !== 1) {
      throw new Error(
        `expected exactly one ordered read of connections, saw ${lists.length}:\n${describeStatements(statements)}`,
      );
    }
    return lists[0]!;
  }

  /** A 200 without GraphQL errors; otherwise fails with the answer and the gateway's error logs. */
  function expectOk(res: { status: number; text: string; body?: any }, what: string): void {
    if (res.status === 200 && res.body?.errors === undefined) return;
    const errors = gw.logs.filter((line) => /"level":(50|60)/.test(line)).slice(-3);
    throw new Error(
      `${what}: HTTP ${res.status} ${res.text.slice(0, 500)}\ngateway errors:\n${errors.join('\n')}`,
    );
  }

  const explain = (statement: Statement): Promise<Explained> =>
    explainAnalyze(db, statement.text, statement.values);

  /** A value as a literal for EXECUTE, spelled as pg sends it (dates in ISO, arrays as array literals). */
  function literal(value: unknown): string {
    if (value === null || value === undefined) return 'NULL';
    if (value instanceof Date) return escapeLiteral(value.toISOString());
    if (Array.isArray(value)) {
      const items = value.map((v) =>
        v === null || v === undefined ? 'NULL' : `"${String(v).replace(/["\\]/g, '\\$&')}"`,
      );
      return escapeLiteral(`{${items.join(',')}}`);
    }
    return escapeLiteral(String(value));
  }

  /**
   * The generic plan of the statement: what PostgreSQL may settle on once a named prepared
   * statement has run a few times. SET LOCAL keeps the setting in our transaction (the embedded
   * engine is one backend behind every connection).
   */
  async function explainGeneric(statement: Statement): Promise<Explained> {
    const name = `listing_cost_${process.pid}_${Date.now()}`;
    await db.query('BEGIN');
    try {
      await db.query('SET LOCAL plan_cache_mode = force_generic_plan');
      await db.query(`PREPARE ${name} AS ${statement.text}`);
      const args = statement.values.length ? `(${statement.values.map(literal).join(', ')})` : '';
      const res = await db.query<{ 'QUERY PLAN': [{ Plan: PlanNode; 'Execution Time': number }] }>(
        `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) EXECUTE ${name}${args}`,
      );
      const [top] = res.rows[0]!['QUERY PLAN'];
      return { plan: top.Plan, executionMs: top['Execution Time'] };
    } finally {
      await db.query(`DEALLOCATE ${name}`).catch(() => undefined);
      await db.query('COMMIT');
    }
  }

  async function seed(): Promise<void> {
    const slugs = catalog.map((c) => c.slug);
    const authTypes = catalog.map((c) => c.authType);
    const liveEntries = catalog.filter((c) => c.availability === 'available').slice(0, LIVE_COUNT);
    expect(liveEntries).toHaveLength(LIVE_COUNT);

    // The main owner's live rows: a minute apart, a day old; the two either side of the page
    // boundary share a created_at, so the id tie-break decides where page 2 starts.
    const base = Date.now() - 24 * 3600_000;
    const at = liveEntries.map((_, i) => new Date(base - i * 60_000));
    at[PAGE] = at[PAGE - 1]!;
    const inserted = await db.query<{ id: string; connector_slug: string; created_at: Date }>(
      `INSERT INTO connections (owner_id, connector_slug, auth_type, label, status, created_at, updated_at, connected_at)
       SELECT $1, s, a, 'live ' || s, 'connected', t, t, t
       FROM unnest($2::text[], $3::text[], $4::timestamptz[]) AS u(s, a, t)
       RETURNING id, connector_slug, created_at`,
      [
        main.ownerId,
        liveEntries.map((c) => c.slug),
        liveEntries.map((c) => c.authType),
        at.map((d) => d.toISOString()),
      ],
    );
    mainLive = inserted.rows
      .map((r) => ({ id: r.id, slug: r.connector_slug, createdAt: r.created_at }))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1));

    // Its revoked history: one every 5 s over the last ~6 days, newer and older than the live rows.
    const revoked = MAIN_ROWS - LIVE_COUNT;
    for (let lo = 1; lo <= revoked; lo += SEED_BATCH) {
      await db.query(
        `INSERT INTO connections (owner_id, connector_slug, auth_type, label, status, created_at, updated_at, deleted_at)
         SELECT $1, ($2::text[])[1 + g % $4], ($3::text[])[1 + g % $4], NULL, 'revoked',
                now() - g * interval '5 seconds', now() - g * interval '5 seconds' + interval '1 minute',
                now() - g * interval '5 seconds' + interval '1 minute'
         FROM generate_series($5::int, $6::int) AS g`,
        [main.ownerId, slugs, authTypes, slugs.length, lo, Math.min(lo + SEED_BATCH - 1, revoked)],
      );
    }

    // An owner with 20,000 live connections (to connectors the catalog no longer has): its
    // newest rows are g = 1, 2, 3, … (labelled so), one second apart.
    for (let lo = 1; lo <= WIDE_LIVE; lo += SEED_BATCH) {
      await db.query(
        `INSERT INTO connections (owner_id, connector_slug, auth_type, label, status, created_at, updated_at, connected_at)
         SELECT $1, 'retired-' || lpad(g::text, 5, '0'), 'api_key', 'wide ' || g, 'connected',
                now() - g * interval '1 second', now() - g * interval '1 second', now() - g * interval '1 second'
         FROM generate_series($2::int, $3::int) AS g`,
        [wide.ownerId, lo, Math.min(lo + SEED_BATCH - 1, WIDE_LIVE)],
      );
    }

    // Everyone else: 100 owners, 20 live and 180 revoked rows each.
    const others = await db.query<{ id: string }>(
      `INSERT INTO owners (name) SELECT $1 || g FROM generate_series(1, $2::int) AS g RETURNING id`,
      [`listing-cost-other-${process.pid}-${Date.now()}-`, OTHER_OWNERS],
    );
    cleanupOwners.push(...others.rows.map((r) => r.id));
    await db.query(
      `INSERT INTO connections (owner_id, connector_slug, auth_type, label, status, created_at, updated_at, deleted_at)
       SELECT o, ($2::text[])[1 + g % $4], ($3::text[])[1 + g % $4], NULL,
              CASE WHEN g <= $5 THEN 'connected' ELSE 'revoked' END,
              now() - g * interval '1 minute', now() - g * interval '1 minute',
              CASE WHEN g <= $5 THEN NULL ELSE now() END
       FROM unnest($1::uuid[]) AS o, generate_series(1, $6::int) AS g`,
      [others.rows.map((r) => r.id), slugs, authTypes, slugs.length, OTHER_LIVE_EACH, OTHER_ROWS_EACH],
    );
    await db.query('ANALYZE connections');
  }

  beforeAll(async () => {
    querySpy = jest.spyOn(Client.prototype as unknown as { query: (...args: unknown[]) => unknown }, 'query');
    gw = await startGateway();
    db = new Client({ connectionString: testDatabaseUrl() });
    await db.connect();
    catalog = gw.services.connectors.list();
    main = await gw.newOwner('listing-main');
    wide = await gw.newOwner('listing-wide');
    single = await gw.newOwner('listing-single');
    cleanupOwners.push(main.ownerId, wide.ownerId, single.ownerId);
    await seed();
  }, 180_000);

  afterAll(async () => {
    querySpy?.mockRestore();
    // The run's database is thrown away afterwards; removing the rows keeps later files in this
    // worker from scanning them meanwhile. Connections and keys go with their owners (CASCADE).
    if (db) {
      if (cleanupOwners.length > 0) {
        await db.query('DELETE FROM owners WHERE id = ANY($1::uuid[])', [cleanupOwners]);
      }
      await db.end();
    }
    await gw?.close();
  }, 120_000);

  it('seeded the owner with 100,000 rows, 30 of them live, in a table with other owners’ rows', async () => {
    const res = await db.query<{ total: number; live: number; all_rows: number }>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE deleted_at IS NULL)::int AS live,
              (SELECT count(*)::int FROM connections) AS all_rows
       FROM connections WHERE owner_id = $1`,
      [main.ownerId],
    );
    expect(res.rows[0]!.total).toBe(MAIN_ROWS);
    expect(res.rows[0]!.live).toBe(LIVE_COUNT);
    expect(res.rows[0]!.all_rows).toBeGreaterThanOrEqual(
      MAIN_ROWS + WIDE_LIVE + OTHER_OWNERS * OTHER_ROWS_EACH,
    );
  });

  describe('GET /api/v1/connections on an owner with 100,000 rows', () => {
    const pageOne = () => client(gw.baseUrl, main.apiKey).get(`/api/v1/connections?limit=${PAGE}`);

    it('answers the 20 newest live rows, newest first, from a keyset index scan that stops at the page', async () => {
      const { result: res, statements } = await capture(pageOne);
      expectOk(res, 'page 1');
      expect(res.body.connections.map((c: { id: string }) => c.id)).toEqual(
        mainLive.slice(0, PAGE).map((r) => r.id),
      );
      expect(res.body.connections.every((c: { status: string }) => c.status === 'connected')).toBe(true);
      expect(typeof res.body.nextCursor).toBe('string');
      // The API-key lookup (unless cached) and the list itself: observed 2; nothing per row.
      if (statements.length > 3)
        throw new Error(`more than 3 statements:\n${describeStatements(statements)}`);

      const list = listStatementOf(statements);
      expectKeysetPlan(await explain(list), list, PAGE + 1);
      expectKeysetPlan(await explainGeneric(list), list, PAGE + 1);
    });

    it('continues on page 2 from nextCursor with the remaining live rows, no overlap, same kind of plan', async () => {
      const first = await pageOne();
      expectOk(first, 'page 1');
      const cursor: string = first.body.nextCursor;
      expect(typeof cursor).toBe('string');
      const { result: res, statements } = await capture(() =>
        client(gw.baseUrl, main.apiKey).get(
          `/api/v1/connections?limit=${PAGE}&cursor=${encodeURIComponent(cursor)}`,
        ),
      );
      expectOk(res, 'page 2');
      const firstIds: string[] = first.body.connections.map((c: { id: string }) => c.id);
      const secondIds: string[] = res.body.connections.map((c: { id: string }) => c.id);
      expect(secondIds).toEqual(mainLive.slice(PAGE).map((r) => r.id));
      expect(secondIds.filter((id) => firstIds.includes(id))).toEqual([]);
      expect([...firstIds, ...secondIds]).toEqual(mainLive.map((r) => r.id));
      expect(res.body.nextCursor).toBeNull();

      const list = listStatementOf(statements);
      // The cursor reaches SQL as values: the position is a bound, not an OFFSET.
      expect(list.text).not.toMatch(/\boffset\b/i);
      expectKeysetPlan(await explain(list), list, PAGE + 1);
      expectKeysetPlan(await explainGeneric(list), list, PAGE + 1);
    });

    it('reads limit+1 index entries for an owner with 20,000 live connections too', async () => {
      const { result: res, statements } = await capture(() =>
        client(gw.baseUrl, wide.apiKey).get(`/api/v1/connections?limit=${PAGE}`),
      );
      expectOk(res, 'page 1 of the wide owner');
      expect(res.body.connections.map((c: { label: string }) => c.label)).toEqual(
        Array.from({ length: PAGE }, (_, i) => `wide ${i + 1}`),
      );
      expect(typeof res.body.nextCursor).toBe('string');
      const list = listStatementOf(statements);
      expectKeysetPlan(await explain(list), list, PAGE + 1);
      expectKeysetPlan(await explainGeneric(list), list, PAGE + 1);
    });
  });

  describe('GraphQL connections { nodes { connector } }', () => {
    const query =
      '{ connections(first: 50) { nodes { id connectorSlug connector { slug name authType } } } }';
    type Nodes = {
      id: string;
      connectorSlug: string;
      connector: { slug: string; name: string; authType: string };
    }[];
    const listWithConnectors = (apiKey: string) => gqlRaw(gw.baseUrl, apiKey, { query });

    it('runs the same, small number of statements for 30 nodes as for 1 (no N+1)', async () => {
      const made = await client(gw.baseUrl, single.apiKey).post('/api/v1/connections', {
        connectorSlug: 'web-fetch',
      });
      expect(made.status).toBe(201);
      // One warm-up each, so neither count includes anything once-only.
      await listWithConnectors(main.apiKey);
      await listWithConnectors(single.apiKey);

      const many = await capture(() => listWithConnectors(main.apiKey));
      const one = await capture(() => listWithConnectors(single.apiKey));
      expectOk(many.result, 'GraphQL list, 30 nodes');
      expectOk(one.result, 'GraphQL list, 1 node');
      const manyNodes = (many.result.body.data as { connections: { nodes: Nodes } }).connections.nodes;
      const oneNodes = (one.result.body.data as { connections: { nodes: Nodes } }).connections.nodes;
      expect(manyNodes.map((n) => n.id)).toEqual(mainLive.map((r) => r.id));
      expect(oneNodes.map((n) => n.connector.slug)).toEqual(['web-fetch']);

      // Authentication is not per node, and a warm key is verified again whenever a revocation-feed
      // poll comes late (a busy machine): count what the listing itself sends.
      const listing = (statements: Statement[]) => statements.filter((s) => !isAuthLookup(s)).length;
      const counts = {
        many: listing(many.statements),
        one: listing(one.statements),
        statements: `30 nodes:\n${describeStatements(many.statements)}\n1 node:\n${describeStatements(one.statements)}`,
      };
      // Observed: 1 each (the list), never per node; auth adds at most one lookup.
      if (counts.many !== counts.one || counts.many > 2 || counts.many < 1) {
        throw new Error(
          `statement counts ${counts.many} (30 nodes) vs ${counts.one} (1 node)\n${counts.statements}`,
        );
      }
      for (const capture of [many, one]) {
        listStatementOf(capture.statements);
        expect(capture.statements.filter(isAuthLookup).length).toBeLessThanOrEqual(1);
        const other = capture.statements.filter((s) => !isAuthLookup(s) && !isListQuery(s));
        if (other.length > 0)
          throw new Error(`statements beyond auth and list:\n${describeStatements(other)}`);
      }
    });

    it('gives every node the connector the catalog has, as GET /api/v1/connectors/:slug shows it', async () => {
      const res = await listWithConnectors(main.apiKey);
      expectOk(res, 'GraphQL list');
      const nodes = (res.body.data as { connections: { nodes: Nodes } }).connections.nodes;
      expect(nodes).toHaveLength(LIVE_COUNT);
      const api = client(gw.baseUrl, main.apiKey);
      for (const node of nodes) {
        const rest = await api.get(`/api/v1/connectors/${node.connectorSlug}`);
        expectOk(rest, `GET /api/v1/connectors/${node.connectorSlug}`);
        expect({ ...node.connector, authType: node.connector.authType.toLowerCase() }).toEqual({
          slug: rest.body.connector.slug,
          name: rest.body.connector.name,
          authType: rest.body.connector.authType,
        });
        expect(node.connector.slug).toBe(node.connectorSlug);
      }
    });
  });

  describe('the catalog is served from memory', () => {
    it('answers the connector list and one connector, over REST and GraphQL, with no SQL beyond auth', async () => {
      // The spy is live: a connections list does reach the database.
      const control = await capture(() => client(gw.baseUrl, main.apiKey).get('/api/v1/connections?limit=1'));
      expectOk(control.result, 'control list');
      expect(control.statements.filter(isListQuery)).toHaveLength(1);

      const api = client(gw.baseUrl, main.apiKey);
      const calls: [string, () => Promise<{ status: number; text: string; body: any }>][] = [
        ['GET /api/v1/connectors', () => api.get('/api/v1/connectors')],
        ['GET /api/v1/connectors/openai', () => api.get('/api/v1/connectors/openai')],
        [
          'GraphQL connectors',
          () =>
            gqlRaw(gw.baseUrl, main.apiKey, {
              query:
                '{ connectors { slug name authType configured tools { name } credentialFields { key } } }',
            }),
        ],
        [
          'GraphQL connector(slug)',
          () => gqlRaw(gw.baseUrl, main.apiKey, { query: '{ connector(slug: "github") { slug name } }' }),
        ],
      ];
      for (const [label, call] of calls) {
        const { result, statements } = await capture(call);
        expectOk(result, label);
        const beyondAuth = statements.filter((s) => !isAuthLookup(s));
        if (beyondAuth.length > 0 || statements.length > 1) {
          throw new Error(`${label} ran SQL beyond authentication:\n${describeStatements(statements)}`);
        }
      }
    });
  });
});
