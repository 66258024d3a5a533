/**
 * The sealing of stored secrets (docs/security.md#encrypted-at-rest): AES-256-GCM round trip, fresh
 * nonces, tamper detection, context binding, key rotation, and malformed input that only ever fails
 * with a CipherError.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { CipherError, keyIdOf, SecretCipher, type SealContext } from '../../src/shared/crypto/cipher';

const KEY_A = Buffer.alloc(32, 1);
const KEY_B = Buffer.alloc(32, 2);

/** Real contexts: a table and a field named like identifiers, and a row id that is a UUID. */
const identifier = fc.stringMatching(/^[a-z][a-z0-9_]{0,30}$/);
const context: fc.Arbitrary<SealContext> = fc.record({
  table: identifier,
  rowId: fc.uuid(),
  field: identifier,
});
const plaintext = fc.string({ unit: 'binary', maxLength: 300 });

/** Splits a sealed value into its four dot-separated parts. */
function parts(sealed: string): [string, string, string, string] {
  const [version, keyId, nonce, body] = sealed.split('.');
  return [version!, keyId!, nonce!, body!];
}

function flipBit(base64url: string, bit: number): string {
  const bytes = Buffer.from(base64url, 'base64url');
  const index = Math.floor(bit / 8) % bytes.length;
  bytes[index] = bytes[index]! ^ (1 << (bit % 8));
  return bytes.toString('base64url');
}

function expectCipherError(fn: () => unknown): void {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(CipherError);
}

describe('SecretCipher', () => {
  const cipher = new SecretCipher(KEY_A);

  it('opens what it sealed, for any Unicode text and any context', () => {
    fc.assert(
      fc.property(plaintext, context, (text, ctx) => {
        expect(cipher.open(cipher.seal(text, ctx), ctx)).toBe(text);
      }),
    );
  });

  it('round-trips arbitrary graphemes, including multi-code-point ones', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 100 }), context, (text, ctx) => {
        expect(cipher.open(cipher.seal(text, ctx), ctx)).toBe(text);
      }),
    );
  });

  it('stores the version and the current key id in the clear, and never the plaintext', () => {
    const ctx = { table: 'connections', rowId: '7b0a4c1e-0000-4000-8000-000000000001', field: 'secret' };
    const sealed = cipher.seal('sk-canary-value-123', ctx);
    const [version, keyId, nonce] = parts(sealed);
    expect(version).toBe('v1');
    expect(keyId).toBe(keyIdOf(KEY_A));
    expect(Buffer.from(nonce, 'base64url')).toHaveLength(12);
    expect(sealed).not.toContain('sk-canary');
  });

  it('seals one value twice into two different ciphertexts with different nonces', () => {
    fc.assert(
      fc.property(plaintext, context, (text, ctx) => {
        const first = cipher.seal(text, ctx);
        const second = cipher.seal(text, ctx);
        expect(first).not.toBe(second);
        expect(parts(first)[2]).not.toBe(parts(second)[2]);
      }),
    );
  });

  it('refuses to open a ciphertext with any single bit of its nonce flipped', () => {
    fc.assert(
      fc.property(plaintext, context, fc.nat({ max: 12 * 8 - 1 }), (text, ctx, bit) => {
        const [version, keyId, nonce, body] = parts(cipher.seal(text, ctx));
        const tampered = [version, keyId, flipBit(nonce, bit), body].join('.');
        expectCipherError(() => cipher.open(tampered, ctx));
      }),
    );
  });

  it('refuses to open a ciphertext with any single bit of its body or tag flipped', () => {
    fc.assert(
      fc.property(plaintext, context, fc.nat(), (text, ctx, bit) => {
        const [version, keyId, nonce, body] = parts(cipher.seal(text, ctx));
        const bodyBits = Buffer.from(body, 'base64url').length * 8;
        const tampered = [version, keyId, nonce, flipBit(body, bit % bodyBits)].join('.');
        expectCipherError(() => cipher.open(tampered, ctx));
      }),
    );
  });

  it('refuses to open a ciphertext moved to another row, field or table', () => {
    fc.assert(
      fc.property(
        plaintext,
        context,
        context,
        fc.constantFrom('rowId', 'field', 'table'),
        (text, ctx, other, which) => {
          fc.pre(other[which] !== ctx[which]);
          const moved = { ...ctx, [which]: other[which] };
          expectCipherError(() => cipher.open(cipher.seal(text, ctx), moved));
        },
      ),
    );
  });

  it('refuses to open with the wrong key even when the key id is forged', () => {
    const ctx = { table: 'connections', rowId: 'a7b0a4c1-0000-4000-8000-000000000002', field: 'secret' };
    const [version, , nonce, body] = parts(new SecretCipher(KEY_A).seal('secret', ctx));
    const forged = [version, keyIdOf(KEY_B), nonce, body].join('.');
    expectCipherError(() => new SecretCipher(KEY_B).open(forged, ctx));
  });

  describe('key rotation', () => {
    const ctx = { table: 'connections', rowId: '0f5e2b8a-1111-4111-8111-111111111111', field: 'secret' };

    it('opens values sealed under a previous key, and marks them stale', () => {
      fc.assert(
        fc.property(plaintext, (text) => {
          const old = new SecretCipher(KEY_A).seal(text, ctx);
          const rotated = new SecretCipher(KEY_B, [KEY_A]);
          expect(rotated.open(old, ctx)).toBe(text);
          expect(rotated.isStale(old)).toBe(true);
          expect(rotated.keyIdOfSealed(old)).toBe(keyIdOf(KEY_A));
        }),
      );
    });

    it('does not mark values sealed under the current key stale', () => {
      const rotated = new SecretCipher(KEY_B, [KEY_A]);
      expect(rotated.isStale(rotated.seal('x', ctx))).toBe(false);
      expect(rotated.keyIdOfSealed(rotated.seal('x', ctx))).toBe(keyIdOf(KEY_B));
    });

    it('cannot open an old value once the previous key is dropped', () => {
      const old = new SecretCipher(KEY_A).seal('old secret', ctx);
      expectCipherError(() => new SecretCipher(KEY_B).open(old, ctx));
    });

    it('refuses keys that are not 32 bytes', () => {
      expectCipherError(() => new SecretCipher(Buffer.alloc(16)));
      expectCipherError(() => new SecretCipher(KEY_A, [Buffer.alloc(31)]));
    });
  });

  describe('malformed sealed values', () => {
    const ctx = { table: 'connections', rowId: '3c1d2e4f-2222-4222-8222-222222222222', field: 'secret' };
    const good = cipher.seal('value', ctx);
    const [version, keyId, nonce, body] = parts(good);

    it.each([
      ['an empty string', ''],
      ['three parts', [version, keyId, nonce].join('.')],
      ['five parts', [version, keyId, nonce, body, 'x'].join('.')],
      ['another version', ['v2', keyId, nonce, body].join('.')],
      ['an empty key id', [version, '', nonce, body].join('.')],
      ['an unknown key id', [version, 'ffffffffffff', nonce, body].join('.')],
      ['a nonce that is not base64', [version, keyId, '!!!!', body].join('.')],
      ['a short nonce', [version, keyId, randomBytes(8).toString('base64url'), body].join('.')],
      [
        'a body shorter than the tag',
        [version, keyId, nonce, randomBytes(10).toString('base64url')].join('.'),
      ],
      ['a body that is not base64', [version, keyId, nonce, '%%%%%%%%'].join('.')],
      ['a body with the tag cut off', [version, keyId, nonce, body.slice(0, -4)].join('.')],
    ])('rejects %s with a CipherError', (_name, sealed) => {
      expectCipherError(() => cipher.open(sealed, ctx));
    });

    it('throws only CipherError for arbitrary strings', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (junk) => {
          expectCipherError(() => cipher.open(junk, ctx));
        }),
      );
    });

    it('throws only CipherError for arbitrary parts behind a valid version and key id', () => {
      const part = fc.oneof(
        fc.base64String(),
        fc.string(),
        fc.uint8Array().map((b) => Buffer.from(b).toString('base64url')),
      );
      fc.assert(
        fc.property(part, part, (n, b) => {
          expectCipherError(() => cipher.open([version, keyId, n, b].join('.'), ctx));
        }),
      );
    });
  });
});

describe('SecretCipher context binding', () => {
  it('does not confuse contexts whose parts differ only in where a separator falls', () => {
    const cipher = new SecretCipher(randomBytes(32));
    const sealed = cipher.seal('secret', { table: 'a|b', rowId: 'c', field: 'f' });
    expect(() => cipher.open(sealed, { table: 'a', rowId: 'b|c', field: 'f' })).toThrow(CipherError);
    fc.assert(
      // The same characters split at two different points into table and row id.
      fc.property(fc.string({ minLength: 1 }), fc.nat(), fc.nat(), (text, i, j) => {
        const a = i % (text.length + 1);
        const b = j % (text.length + 1);
        fc.pre(a !== b);
        const s = cipher.seal('x', { table: text.slice(0, a), rowId: text.slice(a), field: 'f' });
        expect(() => cipher.open(s, { table: text.slice(0, b), rowId: text.slice(b), field: 'f' })).toThrow(
          CipherError,
        );
      }),
      { numRuns: 200 },
    );
  });
});

describe('derived keys', () => {
  it('derives one stable 32-byte key per purpose, unlike the encryption key and unlike each other', () => {
    const cipher = new SecretCipher(KEY_A);
    const mac = cipher.derivedKey('idempotency-fingerprint');
    expect(mac).toHaveLength(32);
    expect(mac.equals(new SecretCipher(KEY_A).derivedKey('idempotency-fingerprint'))).toBe(true);
    expect(mac.equals(KEY_A)).toBe(false);
    expect(mac.equals(cipher.derivedKey('another-purpose'))).toBe(false);
    expect(mac.equals(new SecretCipher(KEY_B).derivedKey('idempotency-fingerprint'))).toBe(false);
  });

  it("lists the purpose's key under every configured key, the current one first", () => {
    const rotated = new SecretCipher(KEY_B, [KEY_A]);
    const keys = rotated.derivedKeys('p');
    expect(keys).toHaveLength(2);
    expect(keys[0]!.equals(new SecretCipher(KEY_B).derivedKey('p'))).toBe(true);
    expect(keys[1]!.equals(new SecretCipher(KEY_A).derivedKey('p'))).toBe(true);
  });
});
