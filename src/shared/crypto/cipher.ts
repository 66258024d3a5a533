/**
 * Sealing of stored secrets (docs/security.md#encrypted-at-rest): AES-256-GCM, a fresh 96-bit nonce
 * per seal, additional authenticated data binding the ciphertext to its row and field, and the key
 * id stored with it so keys can rotate.
 *
 * Sealed form: `v1.<keyId>.<nonce>.<ciphertext+tag>` (base64url parts). The key id is derived
 * from the key itself, so ENCRYPTION_KEYS_PREVIOUS needs no ids written beside it.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** Where a sealed value lives; a ciphertext only opens under the same context. */
export interface SealContext {
  table: string;
  rowId: string;
  field: string;
}

/** A sealed value as stored: a distinct type so a plaintext can never be stored by mistake. */
export type Sealed = string & { readonly __sealed: unique symbol };

export class CipherError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CipherError';
  }
}

export function keyIdOf(key: Buffer): string {
  return createHash('sha256').update('alumia/key-id/').update(key).digest('hex').slice(0, 12);
}

/** JSON of the parts, so no choice of table, row or field can collide with another (no separator games). */
function aad(keyId: string, context: SealContext): Buffer {
  return Buffer.from(JSON.stringify([VERSION, keyId, context.table, context.rowId, context.field]), 'utf8');
}

export class SecretCipher {
  readonly currentKeyId: string;
  private readonly keys = new Map<string, Buffer>();

  constructor(current: Buffer, previous: readonly Buffer[] = []) {
    for (const key of [current, ...previous]) {
      if (key.length !== 32) throw new CipherError('encryption keys must be 32 bytes');
      this.keys.set(keyIdOf(key), key);
    }
    this.currentKeyId = keyIdOf(current);
  }

  seal(plaintext: string, context: SealContext): Sealed {
    const key = this.keys.get(this.currentKeyId)!;
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(aad(this.currentKeyId, context));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return [VERSION, this.currentKeyId, nonce.toString('base64url'), body.toString('base64url')].join(
      '.',
    ) as Sealed;
  }

  open(sealed: string, context: SealContext): string {
    const parts = sealed.split('.');
    const [version, keyId, nonceText, bodyText] = parts;
    if (parts.length !== 4 || version !== VERSION || !keyId || !nonceText || !bodyText) {
      throw new CipherError('not a sealed value');
    }
    const key = this.keys.get(keyId);
    if (!key) throw new CipherError(`sealed under key ${keyId}, which is not configured`);
    const nonce = Buffer.from(nonceText, 'base64url');
    const body = Buffer.from(bodyText, 'base64url');
    if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) throw new CipherError('not a sealed value');
    const decipher = createDecipheriv('aes-256-gcm', key, nonce);
    decipher.setAAD(aad(keyId, context));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(body.subarray(0, body.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw new CipherError('sealed value failed authentication (wrong key, row or field, or tampered)');
    }
  }

  /**
   * A 32-byte key for one purpose (an HMAC, say), derived from the current encryption key with
   * HKDF-SHA-256: it reveals nothing about the encryption key, and each purpose gets its own.
   */
  derivedKey(purpose: string): Buffer {
    return this.derive(this.keys.get(this.currentKeyId)!, purpose);
  }

  /** The same purpose's key under every configured key, the current one first (for rotation). */
  derivedKeys(purpose: string): Buffer[] {
    const current = this.keys.get(this.currentKeyId)!;
    const others = [...this.keys.entries()].filter(([id]) => id !== this.currentKeyId).map(([, key]) => key);
    return [current, ...others].map((key) => this.derive(key, purpose));
  }

  private derive(key: Buffer, purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `alumia/derived/${purpose}`, 32));
  }

  /** The key id a sealed value was made with, or undefined when it is not a sealed value. */
  keyIdOfSealed(sealed: string): string | undefined {
    const parts = sealed.split('.');
    return parts.length === 4 && parts[0] === VERSION ? parts[1] : undefined;
  }

  /** True when the value was sealed under a key other than the current one. */
  isStale(sealed: string): boolean {
    return this.keyIdOfSealed(sealed) !== this.currentKeyId;
  }
}
