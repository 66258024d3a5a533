/**
 * The admin CLI as an operator runs it (README "Admin CLI"): a real child process against the run's
 * database, one JSON object on stdout, messages on stderr, exit 0/1/2.
 *
 * The database is shared with the other suites running in parallel, so assertions only ever
 * concern rows this file created.
 */
import { createHash, randomBytes } from 'node:crypto';
import { ConnectionSecrets } from '../../src/connections/connection-secrets';
import { keyIdOf, SecretCipher, type Sealed } from '../../src/shared/crypto/cipher';
import { admin, onlyJsonLine } from '../support/admin-cli';
import { TEST_ENCRYPTION_KEY } from '../support/env';
import { startGateway, type TestGateway } from '../support/gateway';
import { client, untilStatus } from '../support/http';

const KEY_FORMAT = /^alm_live_[0-9A-Za-z]{32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function uniqueOwner(label: string): string {
  return `cli-${label}-${process.pid}-${Date.now()}-${randomBytes(3).toString('hex')}`;
}

jest.setTimeout(120_000);

describe('admin CLI: keys', () => {
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());

  it('creates, lists and revokes keys for an owner, printing one JSON object each time', async () => {
    const owner = uniqueOwner('keys');

    // keys create: exactly {"ownerId","apiKey"}, and the key works at once.
    const first = onlyJsonLine<{ ownerId: string; apiKey: string }>(
      await admin(['keys', 'create', '--owner', owner]),
    );
    expect(Object.keys(first).sort()).toEqual(['apiKey', 'ownerId']);
    expect(first.ownerId).toMatch(UUID);
    expect(first.apiKey).toMatch(KEY_FORMAT);
    expect((await client(gw.baseUrl, first.apiKey).get('/api/v1/connectors')).status).toBe(200);

    // Same owner again: same ownerId, a new key; both work.
    const second = onlyJsonLine<{ ownerId: string; apiKey: string }>(
      await admin(['keys', 'create', '--owner', owner]),
    );
    expect(second.ownerId).toBe(first.ownerId);
    expect(second.apiKey).toMatch(KEY_FORMAT);
    expect(second.apiKey).not.toBe(first.apiKey);
    expect((await client(gw.baseUrl, second.apiKey).get('/api/v1/connectors')).status).toBe(200);

    // keys list: both, by display prefix, with no key material.
    const listed = await admin(['keys', 'list', '--owner', owner]);
    const list = onlyJsonLine<{
      ownerId: string;
      keys: { id: string; prefix: string; createdAt: string; revokedAt: string | null }[];
    }>(listed);
    expect(list.ownerId).toBe(first.ownerId);
    expect(list.keys).toHaveLength(2);
    expect(list.keys.map((k) => k.prefix).sort()).toEqual(
      [first.apiKey.slice(0, 15), second.apiKey.slice(0, 15)].sort(),
    );
    for (const key of list.keys) {
      expect(key.id).toMatch(UUID);
      expect(Object.keys(key).sort()).toEqual(['createdAt', 'id', 'prefix', 'revokedAt']);
      expect(key.revokedAt).toBeNull();
    }
    for (const apiKey of [first.apiKey, second.apiKey]) {
      expect(listed.stdout).not.toContain(apiKey);
      expect(listed.stdout).not.toContain(apiKey.slice(15));
      expect(listed.stdout).not.toContain(createHash('sha256').update(apiKey).digest('hex'));
    }

    // keys revoke <prefix>: that key gets 401 within the cache bound (the running gateway has it
    // cached: it was just used), the other still works.
    const prefix = first.apiKey.slice(0, 15);
    const revoked = onlyJsonLine<{ id: string; prefix: string; revoked: boolean }>(
      await admin(['keys', 'revoke', prefix]),
    );
    expect(revoked).toEqual({ id: expect.stringMatching(UUID), prefix, revoked: true });
    const refused = await untilStatus(
      () => client(gw.baseUrl, first.apiKey).get('/api/v1/connectors'),
      401,
      gw.services.invalidations.boundMs,
    );
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect((await client(gw.baseUrl, second.apiKey).get('/api/v1/connectors')).status).toBe(200);

    // The list now shows it revoked.
    const after = onlyJsonLine<{ keys: { prefix: string; revokedAt: string | null }[] }>(
      await admin(['keys', 'list', '--owner', owner]),
    );
    expect(after.keys.find((k) => k.prefix === prefix)?.revokedAt).toEqual(expect.any(String));
    expect(after.keys.find((k) => k.prefix !== prefix)?.revokedAt).toBeNull();
  });

  it('revokes a key by its id as well', async () => {
    const owner = uniqueOwner('by-id');
    const created = onlyJsonLine<{ apiKey: string }>(await admin(['keys', 'create', '--owner', owner]));
    const list = onlyJsonLine<{ keys: { id: string }[] }>(await admin(['keys', 'list', '--owner', owner]));
    const id = list.keys[0]!.id;
    expect(onlyJsonLine<{ id: string }>(await admin(['keys', 'revoke', id])).id).toBe(id);
    expect((await client(gw.baseUrl, created.apiKey).get('/api/v1/connectors')).status).toBe(401);
  });

  it('exits 1 with a message on stderr and nothing on stdout for an unknown prefix', async () => {
    const result = await admin(['keys', 'revoke', 'alm_live_zzzzzz']);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/alm_live_zzzzzz/);
  });

  it('exits 1 with a message on stderr for an owner that does not exist', async () => {
    const result = await admin(['keys', 'list', '--owner', uniqueOwner('nobody')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/owner/i);
  });
});

describe('admin CLI: usage errors', () => {
  // No database work: these run side by side to keep the suite short.
  it.concurrent.each([
    ['no command', []],
    ['an unknown command', ['keys', 'rotate']],
    ['keys create without --owner', ['keys', 'create']],
    ['keys list without --owner', ['keys', 'list']],
    ['keys revoke without a prefix', ['keys', 'revoke']],
    ['an unknown option', ['keys', 'create', '--owner', 'x', '--force']],
    ['--owner without a value', ['keys', 'create', '--owner']],
    ['secrets reseal with an extra argument', ['secrets', 'reseal', 'now']],
  ])('exits 2 with the usage on stderr for %s', async (_name, args) => {
    const result = await admin(args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/usage:/);
  });
});

describe('admin CLI: secrets reseal', () => {
  // The gateway seals under a fresh key A; the reseal makes the run's shared test key (B) current
  // with A as previous. Rows of the suites running in parallel are already under B, so they are
  // left as they are and those suites keep working.
  const keyA = randomBytes(32);
  const keyB = Buffer.from(TEST_ENCRYPTION_KEY, 'base64');
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startGateway({ env: { ENCRYPTION_KEY: keyA.toString('base64') } });
  });
  afterAll(() => gw.close());

  async function storedSecret(id: string): Promise<Sealed> {
    const rows: { secret: Sealed | null }[] = await gw.dataSource.query(
      'SELECT secret FROM connections WHERE id = $1',
      [id],
    );
    expect(rows[0]?.secret).toEqual(expect.any(String));
    return rows[0]!.secret!;
  }

  it('re-seals stored secrets under the current key, so the old key is no longer needed', async () => {
    const owner = await gw.newOwner('cli-reseal');
    const api = client(gw.baseUrl, owner.apiKey);
    const credential = `sk-reseal${randomBytes(12).toString('hex')}`;
    const connect = await api.post('/api/v1/connections', { connectorSlug: 'openai' });
    expect(connect.status).toBe(201);
    const id = connect.body.connection.id as string;
    expect(
      (await api.post(`/api/v1/connections/${id}/credentials`, { credentials: { apiKey: credential } }))
        .status,
    ).toBe(200);

    const before = await storedSecret(id);
    const cipherB = new SecretCipher(keyB);
    expect(cipherB.keyIdOfSealed(before)).toBe(keyIdOf(keyA));
    expect(() => new ConnectionSecrets(cipherB).open(id, before)).toThrow();

    const result = await admin(['secrets', 'reseal'], {
      ENCRYPTION_KEY: keyB.toString('base64'),
      ENCRYPTION_KEYS_PREVIOUS: keyA.toString('base64'),
    });
    const { resealed } = onlyJsonLine<{ resealed: number }>(result);
    expect(Number.isInteger(resealed)).toBe(true);
    expect(resealed).toBeGreaterThanOrEqual(1);
    expect(result.stdout).not.toContain(credential);
    expect(result.stderr).not.toContain(credential);

    const after = await storedSecret(id);
    expect(after).not.toBe(before);
    expect(cipherB.keyIdOfSealed(after)).toBe(keyIdOf(keyB));
    expect(after).not.toContain(credential);
    expect(new ConnectionSecrets(cipherB).open(id, after)).toEqual({
      kind: 'api_key',
      credentials: { apiKey: credential },
    });
    // Key A alone no longer opens it: the value really was re-sealed, not copied.
    expect(() => new ConnectionSecrets(new SecretCipher(keyA)).open(id, after)).toThrow();

    // A second run leaves a row that is already under the current key as it is.
    const again = await admin(['secrets', 'reseal'], {
      ENCRYPTION_KEY: keyB.toString('base64'),
      ENCRYPTION_KEYS_PREVIOUS: keyA.toString('base64'),
    });
    expect(again.code).toBe(0);
    expect(await storedSecret(id)).toBe(after);
  });

  it('reports secrets no configured key opens, leaves them untouched, and re-seals the rest', async () => {
    const owner = await gw.newOwner('cli-reseal-unreadable');
    const api = client(gw.baseUrl, owner.apiKey);
    const connect = await api.post('/api/v1/connections', { connectorSlug: 'openai' });
    const id = connect.body.connection.id as string;
    await api.post(`/api/v1/connections/${id}/credentials`, {
      credentials: { apiKey: 'sk-lost-key-0123456789abcdef' },
    });
    // Sealed under a key nobody configures any more (a lost key).
    const lost = new ConnectionSecrets(new SecretCipher(randomBytes(32))).seal(id, {
      kind: 'api_key',
      credentials: { apiKey: 'sk-lost-key-0123456789abcdef' },
    });
    await gw.dataSource.query('UPDATE connections SET secret = $1 WHERE id = $2', [lost, id]);
    const result = await admin(['secrets', 'reseal'], {
      ENCRYPTION_KEY: keyB.toString('base64'),
      ENCRYPTION_KEYS_PREVIOUS: keyA.toString('base64'),
    });
    expect(result.code).toBe(0);
    const out = onlyJsonLine<{ resealed: number; unreadable: string[] }>(result);
    expect(out.unreadable).toContain(id);
    expect(await storedSecret(id)).toBe(lost);
  });
});
