/**
 * POST /api/v1/connections/:id/credentials (openapi/openapi.yaml): validation per credential field,
 * encryption at rest, replacement on re-submission, and concurrent submits.
 */
import { randomBytes } from 'node:crypto';
import { ConnectionSecrets } from '../../src/connections/connection-secrets';
import type { Sealed } from '../../src/shared/crypto/cipher';
import { resolveCipher } from '../../src/shared/crypto/keyring';
import { client } from '../support/http';
import { startGateway, type TestGateway } from '../support/gateway';
import { sleep } from '../support/wait';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const openaiKey = () => `sk-${randomBytes(24).toString('hex')}`;
const twilioSid = () => `AC${randomBytes(16).toString('hex')}`;

describe('POST /api/v1/connections/:id/credentials', () => {
  let gw: TestGateway;
  let secrets: ConnectionSecrets;

  beforeAll(async () => {
    gw = await startGateway({
      env: { CONNECTOR_GITHUB_CLIENT_ID: 'gh-client-id', CONNECTOR_GITHUB_CLIENT_SECRET: 'gh-client-secret' },
    });
    secrets = new ConnectionSecrets(resolveCipher(gw.config).cipher);
  });
  afterAll(() => gw.close());

  async function owner() {
    const created = await gw.newOwner('creds');
    return { ...created, api: client(gw.baseUrl, created.apiKey) };
  }
  type Owner = Awaited<ReturnType<typeof owner>>;

  async function connect(o: Owner, connectorSlug: string): Promise<string> {
    const res = await o.api.post('/api/v1/connections', { connectorSlug });
    expect(res.status).toBe(201);
    return res.body.connection.id as string;
  }

  async function row(id: string) {
    const rows: Record<string, any>[] = await gw.dataSource.query(
      'SELECT status, secret, connected_at, updated_at FROM connections WHERE id = $1',
      [id],
    );
    return rows[0]!;
  }

  /** Opens a connection's stored secret as the gateway would, and returns its api_key credentials. */
  function openCredentials(id: string, sealed: string): Record<string, string> {
    const secret = secrets.open(id, sealed as Sealed);
    if (secret.kind !== 'api_key') throw new Error(`expected an api_key secret, got ${secret.kind}`);
    return secret.credentials;
  }

  const submit = (o: Owner, id: string, body: unknown) =>
    o.api.post(`/api/v1/connections/${id}/credentials`, body);

  function detailFields(res: { status: number; body: any }): string[] {
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('BAD_REQUEST');
    return (res.body.error.details ?? []).map((d: { field: string }) => d.field).sort();
  }

  describe('validation', () => {
    let o: Owner;
    let openai: string;
    let twilio: string;

    beforeAll(async () => {
      o = await owner();
      openai = await connect(o, 'openai');
      twilio = await connect(o, 'twilio');
    });

    // Every rejected submission leaves the connection exactly as it was.
    afterEach(async () => {
      for (const id of [openai, twilio]) {
        const stored = await row(id);
        expect(stored.status).toBe('pending');
        expect(stored.secret).toBeNull();
        expect(stored.connected_at).toBeNull();
      }
    });

    it.each([
      ['a missing required field', {}, ['credentials.apiKey']],
      ['an empty string', { apiKey: '' }, ['credentials.apiKey']],
      ['a null value', { apiKey: null }, ['credentials.apiKey']],
      [
        'an unknown key',
        { apiKey: `sk-${'a'.repeat(30)}`, organization: 'org-1' },
        ['credentials.organization'],
      ],
      ['a non-string value', { apiKey: 1234567890 }, ['credentials.apiKey']],
      ['an object value', { apiKey: { nested: 'sk-aaaaaaaaaaaaaaaaaaaaaaaa' } }, ['credentials.apiKey']],
      ['a value of 4097 characters', { apiKey: `sk-${'a'.repeat(4094)}` }, ['credentials.apiKey']],
      ['a value not matching the pattern', { apiKey: 'pk-not-an-openai-key-at-all' }, ['credentials.apiKey']],
      [
        'a pattern match that is not the whole value',
        { apiKey: `xsk-${'a'.repeat(30)}` },
        ['credentials.apiKey'],
      ],
    ])('rejects %s with 400 naming the field (openai)', async (_name, credentials, fields) => {
      expect(detailFields(await submit(o, openai, { credentials }))).toEqual(fields);
    });

    it('names every missing required field of a two-field connector (twilio)', async () => {
      expect(detailFields(await submit(o, twilio, { credentials: {} }))).toEqual([
        'credentials.accountSid',
        'credentials.authToken',
      ]);
      expect(detailFields(await submit(o, twilio, { credentials: { accountSid: twilioSid() } }))).toEqual([
        'credentials.authToken',
      ]);
    });

    it('names each bad field at once: a bad pattern, a missing field and an unknown key (twilio)', async () => {
      const res = await submit(o, twilio, { credentials: { accountSid: 'AC-too-short', region: 'us1' } });
      expect(detailFields(res)).toEqual([
        'credentials.accountSid',
        'credentials.authToken',
        'credentials.region',
      ]);
    });

    it('does not echo a rejected value in the error', async () => {
      const value = `pk_${randomBytes(16).toString('hex')}`;
      const res = await submit(o, openai, { credentials: { apiKey: value } });
      expect(res.status).toBe(400);
      expect(res.text).not.toContain(value);
    });

    it.each([
      ['no credentials field', {}, 'credentials'],
      ['credentials as an array', { credentials: [{ apiKey: `sk-${'a'.repeat(30)}` }] }, 'credentials'],
      ['credentials as a string', { credentials: `sk-${'a'.repeat(30)}` }, 'credentials'],
      ['credentials as null', { credentials: null }, 'credentials'],
      [
        'an extra top-level field',
        { credentials: { apiKey: `sk-${'a'.repeat(30)}` }, status: 'connected' },
        'status',
      ],
    ])('rejects a body with %s with 400 naming the field', async (_name, body, field) => {
      expect(detailFields(await submit(o, openai, body))).toContain(field);
    });
  });

  it.each([
    ['an OAuth connection', 'github'],
    ['a `none` connection', 'web-fetch'],
  ])('refuses credentials for %s with 400', async (_name, slug) => {
    const o = await owner();
    const res = await o.api.post('/api/v1/connections', { connectorSlug: slug });
    const { id } = res.body.connection;
    const answer = await submit(o, id, { credentials: { apiKey: openaiKey() } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('BAD_REQUEST');
    expect((await row(id)).secret).toBeNull();
  });

  it('accepts a value of exactly 4096 characters', async () => {
    const o = await owner();
    const id = await connect(o, 'openai');
    const apiKey = `sk-${'b'.repeat(4093)}`;
    const res = await submit(o, id, { credentials: { apiKey } });
    expect(res.status).toBe(200);
    expect(openCredentials(id, (await row(id)).secret)).toEqual({ apiKey });
  });

  it('connects on success: 200 {connection} connected with connectedAt, credentials sealed at rest', async () => {
    const o = await owner();
    const id = await connect(o, 'twilio');
    const credentials = { accountSid: twilioSid(), authToken: randomBytes(16).toString('hex') };
    const res = await submit(o, id, { credentials });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['connection']);
    expect(res.body.connection).toMatchObject({ id, status: 'connected', lastError: null });
    expect(res.body.connection.connectedAt).toMatch(ISO);
    expect(res.text).not.toContain(credentials.authToken);
    expect(res.text).not.toContain(credentials.accountSid);

    const stored = await row(id);
    expect(stored.status).toBe('connected');
    expect(stored.secret).toMatch(/^v1\./);
    expect(stored.secret).not.toContain(credentials.authToken);
    expect(stored.secret).not.toContain(credentials.accountSid);
    expect(secrets.open(id, stored.secret as Sealed)).toEqual({ kind: 'api_key', credentials });

    const got = await o.api.get(`/api/v1/connections/${id}`);
    expect(got.body.connection.status).toBe('connected');
  });

  it('replaces the credentials on re-submission, keeping the first connectedAt', async () => {
    const o = await owner();
    const id = await connect(o, 'openai');
    const first = openaiKey();
    const second = openaiKey();
    const r1 = await submit(o, id, { credentials: { apiKey: first } });
    expect(r1.status).toBe(200);
    const sealed1 = (await row(id)).secret as string;
    await sleep(5);

    const r2 = await submit(o, id, { credentials: { apiKey: second } });
    expect(r2.status).toBe(200);
    expect(r2.body.connection.connectedAt).toBe(r1.body.connection.connectedAt);
    expect(Date.parse(r2.body.connection.updatedAt)).toBeGreaterThan(
      Date.parse(r1.body.connection.updatedAt),
    );

    const sealed2 = (await row(id)).secret as string;
    expect(sealed2).not.toBe(sealed1);
    expect(sealed2).not.toContain(second);
    expect(sealed2).not.toContain(first);
    expect(openCredentials(id, sealed2)).toEqual({ apiKey: second });
  });

  it('settles 10 concurrent submissions into one consistent connected row holding one of them', async () => {
    const o = await owner();
    const id = await connect(o, 'openai');
    const keys = Array.from({ length: 10 }, openaiKey);
    const responses = await Promise.all(keys.map((apiKey) => submit(o, id, { credentials: { apiKey } })));
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(200));
    expect(new Set(responses.map((r) => r.body.connection.connectedAt)).size).toBe(1);

    const stored = await row(id);
    expect(stored.status).toBe('connected');
    const opened = openCredentials(id, stored.secret);
    expect(keys).toContain(opened.apiKey);
    expect(Object.keys(opened)).toEqual(['apiKey']);
    const live: { n: number }[] = await gw.dataSource.query(
      'SELECT count(*)::int AS n FROM connections WHERE owner_id = $1 AND deleted_at IS NULL',
      [o.ownerId],
    );
    expect(live[0]!.n).toBe(1);
  });
});
