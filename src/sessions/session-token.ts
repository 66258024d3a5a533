/**
 * Browser session tokens: `alm_sess_` + 32 base62 characters (about 190 bits), shown once and
 * stored as a SHA-256 hash, exactly like API keys (docs/security.md#api-keys).
 */
import { hashApiKey, randomBase62 } from '../owners/api-key';

export const SESSION_TOKEN_PREFIX = 'alm_sess_';
const TOKEN_PATTERN = /^alm_sess_[0-9A-Za-z]{32}$/;

export function generateSessionToken(): string {
  return SESSION_TOKEN_PREFIX + randomBase62(32);
}

export function isWellFormedSessionToken(value: string): boolean {
  return TOKEN_PATTERN.test(value);
}

export const hashSessionToken = hashApiKey;
