/**
 * API key format (docs/security.md#api-keys): `alm_live_` + 32 base62 characters, about 190 bits.
 */
import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'alm_live_';
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const KEY_PATTERN = /^alm_live_[0-9A-Za-z]{32}$/;
const DISPLAY_CHARS = 6;

/** `length` uniformly random base62 characters (32 of them carry about 190 bits). */
export function randomBase62(length = 32): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(48)) {
      // 248 = 4 * 62: rejecting larger bytes keeps every character equally likely.
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

export function generateApiKey(): string {
  return API_KEY_PREFIX + randomBase62(32);
}

export function isWellFormedApiKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function displayPrefix(key: string): string {
  return key.slice(0, API_KEY_PREFIX.length + DISPLAY_CHARS);
}
