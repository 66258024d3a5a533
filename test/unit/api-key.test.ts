/**
 * API key format (docs/security.md#api-keys): `alm_live_` + 32 base62 characters, hashed, with a
 * display prefix.
 */
import { createHash } from 'node:crypto';
import {
  API_KEY_PREFIX,
  displayPrefix,
  generateApiKey,
  hashApiKey,
  isWellFormedApiKey,
} from '../../src/owners/api-key';

const FORMAT = /^alm_live_[0-9A-Za-z]{32}$/;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

describe('API keys', () => {
  const draws = Array.from({ length: 2000 }, () => generateApiKey());

  it('generates keys of the form alm_live_ + 32 base62 characters', () => {
    for (const key of draws) expect(key).toMatch(FORMAT);
    expect(draws.every(isWellFormedApiKey)).toBe(true);
  });

  it('never repeats a key over 2000 draws', () => {
    expect(new Set(draws).size).toBe(draws.length);
  });

  it('draws every base62 character about equally often (no modulo bias)', () => {
    const counts = new Map<string, number>([...BASE62].map((c) => [c, 0]));
    for (const key of draws) {
      for (const char of key.slice(API_KEY_PREFIX.length)) counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    expect(counts.size).toBe(62);
    const total = draws.length * 32;
    const expected = total / 62;
    // Pearson's chi-square with 61 degrees of freedom: mean 61, sd ~11. 140 is beyond p = 1e-9 for a
    // fair generator, while a plain `byte % 62` (8 characters 25% likelier) scores around 400.
    const chiSquare = [...counts.values()].reduce((sum, n) => sum + (n - expected) ** 2 / expected, 0);
    expect(chiSquare).toBeLessThan(140);
    for (const n of counts.values()) {
      expect(n).toBeGreaterThan(expected * 0.75);
      expect(n).toBeLessThan(expected * 1.25);
    }
  });

  it('puts the random characters in every position (no fixed filler)', () => {
    for (let position = API_KEY_PREFIX.length; position < API_KEY_PREFIX.length + 32; position++) {
      expect(new Set(draws.map((key) => key[position])).size).toBeGreaterThan(50);
    }
  });

  it('hashes a key to the 64-hex SHA-256 of its text', () => {
    const key = draws[0]!;
    expect(hashApiKey(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey(key)).toBe(createHash('sha256').update(key).digest('hex'));
    expect(hashApiKey(key)).not.toBe(hashApiKey(draws[1]!));
  });

  it('shows a 15-character display prefix: alm_live_ and the first 6 random characters', () => {
    for (const key of draws.slice(0, 50)) {
      const prefix = displayPrefix(key);
      expect(prefix).toHaveLength(15);
      expect(key.startsWith(prefix)).toBe(true);
      expect(prefix).toMatch(/^alm_live_[0-9A-Za-z]{6}$/);
    }
  });

  it.each([
    ['a key one character short', `alm_live_${'a'.repeat(31)}`],
    ['a key one character long', `alm_live_${'a'.repeat(33)}`],
    ['a test-mode prefix', `alm_test_${'a'.repeat(32)}`],
    ['a non-base62 character', `alm_live_${'a'.repeat(31)}-`],
    ['surrounding whitespace', ` alm_live_${'a'.repeat(32)}`],
    ['an empty string', ''],
  ])('does not treat %s as well formed', (_name, value) => {
    expect(isWellFormedApiKey(value)).toBe(false);
  });
});
