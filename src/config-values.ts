/**
 * The kinds of value a setting takes (config.ts declares which setting takes which): whole numbers
 * in a range, flags, http(s) URLs, secrets, the encryption key, comma-separated lists, log levels
 * and TRUST_PROXY. Each message completes "<VARIABLE>: ".
 */
import ipaddr from 'ipaddr.js';
import { z } from 'zod';
import { decodeKey, KEY_RULE } from './shared/crypto/keyring';

/** A whole number in [min, max] ("1.5", "-1" and "abc" are refused as not whole numbers). */
export function wholeNumber(min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, { error: (issue) => `must be a whole number, got "${String(issue.input)}"` })
    .transform(Number)
    .refine((value) => value >= min && value <= max, {
      error: (issue) => `must be between ${min} and ${max}, got ${String(issue.input)}`,
    });
}

/** true/1/yes or false/0/no, in any case. */
export const flag = z.stringbool({
  truthy: ['true', '1', 'yes'],
  falsy: ['false', '0', 'no'],
  case: 'insensitive',
  error: (issue) => `must be true or false (or yes/no, 1/0), got "${String(issue.input)}"`,
});

export const httpUrl = z
  .url({
    protocol: /^https?$/,
    error: (issue) => `must be an absolute http(s) URL, got "${String(issue.input)}"`,
  })
  .transform((raw) => new URL(raw));

/** A secret: its value is never repeated in a message. */
export function secret(minLength: number) {
  return z.string().min(minLength, { error: `must be at least ${minLength} characters` });
}

export const key = z.string().transform((raw, ctx) => {
  const decoded = decodeKey(raw);
  if (decoded === undefined) ctx.issues.push({ code: 'custom', message: KEY_RULE, input: raw });
  return decoded ?? z.NEVER;
});

/** A comma-separated list; blank entries are skipped, and a bad entry is named by its position. */
export function listOf<T extends z.ZodType<unknown, string>>(entry: T) {
  return z
    .string()
    .transform((raw) =>
      raw
        .split(',')
        .map((part) => part.trim())
        .filter((part) => part !== ''),
    )
    .pipe(z.array(entry));
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** express's names for address ranges (proxy-addr), accepted in TRUST_PROXY's list. */
const PROXY_RANGE_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/** A plain IPv4 (four decimal parts) or IPv6 address, optionally with a /prefix that fits it. */
export function isAddressOrCidr(entry: string): boolean {
  const [address = '', prefix, ...rest] = entry.split('/');
  if (rest.length > 0) return false;
  const v4 = ipaddr.IPv4.isValidFourPartDecimal(address);
  if (!v4 && !ipaddr.IPv6.isValid(address)) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (v4 ? 32 : 128);
}

const TRUST_EVERYONE =
  'must not be "true": trusting every peer lets any client choose its address (X-Forwarded-For), ' +
  'and with it its rate-limit bucket and audit address. Give the hop count of the proxies in ' +
  'front of the gateway (e.g. 1) or their addresses/CIDRs (e.g. 10.0.0.0/8,fd00::/8)';

/**
 * TRUST_PROXY: `false`/`no` (or 0) trusts no proxy; a whole number trusts that many hops in
 * front of the gateway; otherwise a comma-separated list of proxy addresses or CIDRs (or
 * express's names loopback, linklocal, uniquelocal). `true` is refused.
 */
export const trustProxy = z.string().transform((raw, ctx): false | number | string[] => {
  const refuse = (message: string) => {
    ctx.issues.push({ code: 'custom', message, input: raw });
    return z.NEVER;
  };
  if (/^(false|no)$/i.test(raw)) return false;
  if (/^(true|yes)$/i.test(raw)) return refuse(TRUST_EVERYONE);
  if (/^\d+$/.test(raw)) {
    const hops = Number(raw);
    if (hops > 100) return refuse(`must be at most 100 hops, got ${hops}`);
    return hops === 0 ? false : hops;
  }
  const entries = raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  const bad = entries.find((entry) => !PROXY_RANGE_NAMES.includes(entry) && !isAddressOrCidr(entry));
  if (bad !== undefined) {
    return refuse(`must be a hop count or a comma-separated list of proxy addresses or CIDRs, got "${bad}"`);
  }
  return entries.length === 0 ? false : entries;
});
