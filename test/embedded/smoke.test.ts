/**
 * The newcomer's path on the embedded engine, with real processes (README "Two commands"): no
 * database server, no ENCRYPTION_KEY, a fresh DATA_DIR. Create a key with the admin CLI, start the
 * gateway, create another key while it runs, connect something over REST and GraphQL, stop it
 * with SIGTERM, start it again and find everything still there. And the three ways a bad
 * configuration must stop the start.
 */
import { connectorsFileWithStandIns } from '../support/provider-stand-in';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ConnectDocument,
  ConnectionDocument,
  ConnectionsDocument,
  SubmitCredentialsDocument,
} from '../graphql/generated/graphql';
import { gql } from '../support/graphql';
import { client, request } from '../support/http';
import {
  admin,
  finished,
  freePort,
  killStarted,
  run,
  startedProcesses,
  stop,
  waitUntilReady,
  type RunningProcess,
} from '../support/processes';

jest.setTimeout(120_000);

const OPENAI_CREDENTIAL = 'sk-newcomerSmokeCanary000000000000001';
const ANTHROPIC_CREDENTIAL = 'sk-ant-newcomerSmokeCanary00000000002';

// Nothing this file started may outlive it, even when a test failed half-way.
afterAll(killStarted);

describe('newcomer path on the embedded engine', () => {
  let workDir: string;
  let dataDir: string;
  let env: Record<string, string>;
  let baseUrl: string;
  let apiKey: string;
  let connectionId: string;
  let graphqlConnectionId: string;
  let gateway: RunningProcess | undefined;
  const outputs: string[] = [];

  beforeAll(async () => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-smoke-'));
    dataDir = path.join(workDir, 'data');
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    // OpenAI checks keys at the provider: the newcomer's made-up key goes to a loopback stand-in.
    const connectorsFile = (await connectorsFileWithStandIns())!;
    env = { DATA_DIR: dataDir, PORT: String(port), LOG_LEVEL: 'info', CONNECTORS_FILE: connectorsFile };
  });

  afterAll(async () => {
    if (gateway && gateway.child.exitCode === null) await stop(gateway).catch(() => undefined);
    fs.rmSync(workDir, { recursive: true, force: true });
  });

  it('creates the data dir, a 0600 encryption key and an API key with `admin keys create`', async () => {
    expect(fs.existsSync(dataDir)).toBe(false);
    const result = await admin(['keys', 'create', '--owner', 'newcomer'], env);
    outputs.push(result.stdout);
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    const created = JSON.parse(lines[0]!) as { ownerId: string; apiKey: string };
    expect(created.apiKey).toMatch(/^alm_live_[0-9A-Za-z]{32}$/);
    apiKey = created.apiKey;

    const keyFile = path.join(dataDir, 'encryption.key');
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(Buffer.from(fs.readFileSync(keyFile, 'utf8').trim(), 'base64')).toHaveLength(32);
    // The data dir holds the key and the database: only its owner may enter it.
    expect(fs.statSync(dataDir).mode & 0o777).toBe(0o700);
    // The CLI released the embedded database when it finished.
    expect(fs.existsSync(path.join(dataDir, 'gateway.lock'))).toBe(false);
  });

  it('starts the gateway (`npm start`), which becomes ready and warns that the key was generated', async () => {
    gateway = run('dist/main.js', [], env);
    await waitUntilReady(baseUrl, gateway);
    expect((await request('GET', `${baseUrl}/healthz`)).status).toBe(200);
    expect(fs.existsSync(path.join(dataDir, 'gateway.lock'))).toBe(true);
    const warning = gateway
      .stdout()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .find((entry) => entry.msg.includes('ENCRYPTION_KEY is not set'));
    expect(warning?.level).toBe(40);
  });

  it('lists the catalog, creates an api_key connection and connects it over REST', async () => {
    const api = client(baseUrl, apiKey);
    const catalog = await api.get('/api/v1/connectors');
    expect(catalog.status).toBe(200);
    expect(catalog.body.connectors.length).toBeGreaterThanOrEqual(200);
    expect(catalog.body.connectors.map((c: { slug: string }) => c.slug)).toContain('openai');

    const connect = await api.post('/api/v1/connections', { connectorSlug: 'openai', label: 'Newcomer' });
    expect(connect.status).toBe(201);
    expect(connect.body.connection.status).toBe('pending');
    expect(connect.body.credentialSubmitUrl).toBe(
      `${baseUrl.replace('127.0.0.1', 'localhost')}/api/v1/connections/${connect.body.connection.id}/credentials`,
    );
    connectionId = connect.body.connection.id;

    const submit = await api.post(`/api/v1/connections/${connectionId}/credentials`, {
      credentials: { apiKey: OPENAI_CREDENTIAL },
    });
    expect(submit.status).toBe(200);
    expect(submit.body.connection.status).toBe('connected');
    expect(submit.text).not.toContain(OPENAI_CREDENTIAL);

    const fetched = await api.get(`/api/v1/connections/${connectionId}`);
    expect(fetched.body.connection).toMatchObject({
      id: connectionId,
      status: 'connected',
      label: 'Newcomer',
    });
  });

  it('does the same over GraphQL', async () => {
    const list = await gql(baseUrl, apiKey, ConnectionsDocument, {});
    expect(list.body.data!.connections.nodes.map((n) => [n.id, n.status])).toEqual([
      [connectionId, 'CONNECTED'],
    ]);

    const connect = await gql(baseUrl, apiKey, ConnectDocument, { input: { connectorSlug: 'anthropic' } });
    expect(connect.body.errors).toBeUndefined();
    graphqlConnectionId = connect.body.data!.connect.connection.id;
    const submit = await gql(baseUrl, apiKey, SubmitCredentialsDocument, {
      input: { connectionId: graphqlConnectionId, credentials: { apiKey: ANTHROPIC_CREDENTIAL } },
    });
    expect(submit.body.errors).toBeUndefined();
    expect(submit.body.data!.submitCredentials.connection.status).toBe('CONNECTED');
    expect(submit.text).not.toContain(ANTHROPIC_CREDENTIAL);
  });

  it('creates and lists keys with `admin` while the gateway runs, through its engine (no stop needed)', async () => {
    const created = await admin(['keys', 'create', '--owner', 'newcomer'], env);
    outputs.push(created.stdout);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    const { ownerId, apiKey: second } = JSON.parse(created.stdout) as { ownerId: string; apiKey: string };
    expect(second).toMatch(/^alm_live_[0-9A-Za-z]{32}$/);
    // The running gateway takes the new key at once: the CLI wrote to the gateway's own database.
    expect((await client(baseUrl, second).get('/api/v1/connectors')).status).toBe(200);

    const listed = await admin(['keys', 'list', '--owner', 'newcomer'], env);
    expect(listed.code).toBe(0);
    const list = JSON.parse(listed.stdout) as { ownerId: string; keys: unknown[] };
    expect(list.ownerId).toBe(ownerId);
    expect(list.keys).toHaveLength(2);
    // The CLI left the gateway's lock alone, and the gateway still serves the first key.
    expect(fs.existsSync(path.join(dataDir, 'gateway.lock'))).toBe(true);
    expect((await client(baseUrl, apiKey).get('/api/v1/connectors')).status).toBe(200);
  });

  it('exits 0 within 15 s on SIGTERM and releases the lock', async () => {
    const started = Date.now();
    const result = await stop(gateway!);
    outputs.push(result.stdout);
    expect(result.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(fs.existsSync(path.join(dataDir, 'gateway.lock'))).toBe(false);
    expect(result.stdout).toContain('"msg":"stopped"');
  });

  it('keeps every connection, connected, and the API key across a restart', async () => {
    gateway = run('dist/main.js', [], env);
    await waitUntilReady(baseUrl, gateway);

    const rest = await client(baseUrl, apiKey).get(`/api/v1/connections/${connectionId}`);
    expect(rest.status).toBe(200);
    expect(rest.body.connection).toMatchObject({ id: connectionId, status: 'connected', label: 'Newcomer' });
    const graph = await gql(baseUrl, apiKey, ConnectionDocument, { id: graphqlConnectionId });
    expect(graph.body.data!.connection).toMatchObject({ id: graphqlConnectionId, status: 'CONNECTED' });

    // The secret sealed before the restart still opens: re-submitting over it works, and a
    // fresh connection can be created, so the generated key was reused, not regenerated.
    const resubmit = await client(baseUrl, apiKey).post(`/api/v1/connections/${connectionId}/credentials`, {
      credentials: { apiKey: OPENAI_CREDENTIAL },
    });
    expect(resubmit.status).toBe(200);
    expect(gateway.stdout()).not.toMatch(/"level":50/);

    const result = await stop(gateway);
    outputs.push(result.stdout);
    expect(result.code).toBe(0);
  });

  it('never wrote a submitted credential to any process output', () => {
    const all = [...outputs, ...startedProcesses.map((c) => c.stdout() + c.stderr())].join('\n');
    expect(all.length).toBeGreaterThan(0);
    expect(all).not.toContain(OPENAI_CREDENTIAL);
    expect(all).not.toContain(ANTHROPIC_CREDENTIAL);
  });
});

describe('a bad configuration stops the start', () => {
  let workDir: string;
  let starts = 0;

  beforeAll(() => {
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-smoke-bad-'));
  });
  afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

  /** Starts `npm start` with its own fresh DATA_DIR and waits for it to give up. */
  async function start(extra: Record<string, string>) {
    const dataDir = path.join(workDir, `data-${++starts}`);
    const port = await freePort();
    const proc = run('dist/main.js', [], {
      DATA_DIR: dataDir,
      PORT: String(port),
      LOG_LEVEL: 'info',
      ...extra,
    });
    const result = await finished(proc, 60_000);
    // It never got as far as listening.
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    return { ...result, dataDir };
  }

  it('names PORT when it is not a number', async () => {
    const result = await start({ PORT: 'abc' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/PORT/);
    expect(result.stderr).toContain('abc');
    expect(result.stderr).not.toMatch(/\n\s+at /); // an explained error, not a stack trace
  });

  it('names the entry and the field of a broken CONNECTORS_FILE entry', async () => {
    const file = path.join(workDir, 'connectors.json');
    fs.writeFileSync(
      file,
      JSON.stringify([
        {
          slug: 'acme-ok',
          name: 'Acme',
          description: 'A fine entry.',
          authType: 'none',
          availability: 'available',
          tools: [{ name: 'ping', description: 'Ping.' }],
        },
        {
          slug: 'acme-broken',
          name: 'Acme Broken',
          description: 'An entry with a plain-http token endpoint.',
          authType: 'oauth',
          availability: 'available',
          tools: [{ name: 'ping', description: 'Ping.' }],
          oauth: {
            authorizationUrl: 'https://acme.example/authorize',
            tokenUrl: 'http://acme.example/token',
            scopes: ['read'],
          },
        },
      ]),
    );
    const result = await start({ CONNECTORS_FILE: file });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain('CONNECTORS_FILE');
    expect(result.stderr).toContain('#1');
    expect(result.stderr).toContain('acme-broken');
    expect(result.stderr).toContain('oauth.tokenUrl');
    expect(result.stderr).not.toContain('acme-ok');
  });

  it('refuses NODE_ENV=production without ENCRYPTION_KEY, naming ENCRYPTION_KEY', async () => {
    const result = await start({ NODE_ENV: 'production' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/ENCRYPTION_KEY/);
    // It stopped before generating a key: production never falls back to one kept on disk.
    expect(fs.existsSync(path.join(result.dataDir, 'encryption.key'))).toBe(false);
  });
});
