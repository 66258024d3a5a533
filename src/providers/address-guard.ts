/**
 * The one outgoing-address guard (OWASP API7, SSRF;
 * docs/security.md#no-server-side-request-forgery-through-webhooks): where a user-supplied value
 * decides the host of a request — a webhook URL today, a provider URL template with a
 * connection's config tomorrow — the gateway must not reach its own loopback, the cloud metadata
 * service or the networks behind it, in any spelling of their addresses.
 *
 * Addresses are judged with ipaddr.js's named ranges: only `unicast` (what the library calls an
 * address in no special range) is allowed. The IPv6 forms that carry an IPv4 address — mapped
 * (`::ffff:0:0/96`), translated (`::ffff:0:0:0/96`), IPv4-compatible (`::/96`), NAT64
 * (`64:ff9b::/96`), 6to4 (`2002::/16`) and Teredo (`2001::/32`, server and XOR'd client) — are
 * judged by the IPv4 addresses inside them: on a NAT64 or 6to4 network `[64:ff9b::a9fe:a9fe]`
 * is 169.254.169.254. The local-use NAT64 prefix `64:ff9b:1::/48` translates into the operator's
 * own networks and is refused outright, as is the deprecated site-local `fec0::/10`.
 *
 * Use: `checkAddress(ip)` for an address, `isForbiddenHost(hostname)` for a URL's host at the
 * time it is given (an IP literal, or `localhost` / `*.localhost`), and `guardedLookup()` as the
 * `lookup` of a connection (net.connect, undici's `connect`), which checks every address a name
 * resolves to and connects to a checked one: no second resolution a DNS-rebinding answer could
 * change. Node calls no `lookup` for an IP literal: a connector checks those with checkAddress
 * (http-exchange.ts does).
 */
import dns, { type LookupAddress, type LookupOptions } from 'node:dns';
import net from 'node:net';
import ipaddr from 'ipaddr.js';

/** The error code of a connection the guard refused. */
export const ADDRESS_NOT_ALLOWED_CODE = 'EADDRESSNOTALLOWED';

/** A connection refused by the guard; its message names the host (never a whole URL). */
export class AddressNotAllowedError extends Error {
  readonly code = ADDRESS_NOT_ALLOWED_CODE;

  constructor(host: string) {
    super(`${host} is or resolves to a private or local network address`);
    this.name = 'AddressNotAllowedError';
  }
}

export interface AddressVerdict {
  allowed: boolean;
  /**
   * ipaddr.js's name for the address's range (`unicast`, `loopback`, `linkLocal`, …); for a form
   * that carries an IPv4 address, the form and the inner range (`rfc6052(linkLocal)`);
   * `invalid` for text that is not an IP address.
   */
  range: string;
}

/** IPv6 ranges that carry IPv4 addresses, and where (the 16-bit groups of each address). */
const EMBEDDING: Record<string, (parts: number[]) => number[][]> = {
  ipv4Mapped: (p) => [[p[6]!, p[7]!]],
  rfc6145: (p) => [[p[6]!, p[7]!]],
  // 64:ff9b::/96 (RFC 6052); the local-use 64:ff9b:1::/48 (RFC 8215) is refused below.
  rfc6052: (p) => [[p[6]!, p[7]!]],
  '6to4': (p) => [[p[1]!, p[2]!]],
  // 2001:0:<server>:<flags>:<port>:<client XOR ffff:ffff> (RFC 4380).
  teredo: (p) => [
    [p[2]!, p[3]!],
    [p[6]! ^ 0xffff, p[7]! ^ 0xffff],
  ],
};

function ipv4Of([high, low]: number[]): ipaddr.IPv4 {
  return new ipaddr.IPv4([high! >> 8, high! & 0xff, low! >> 8, low! & 0xff]);
}

function judgeIpv6(address: ipaddr.IPv6): AddressVerdict {
  const parts = address.parts;
  const range = address.range();
  if (range === 'rfc6052' && parts[2] === 1) return { allowed: false, range: 'rfc8215' };
  const inner = EMBEDDING[range]?.(parts);
  if (!inner && range === 'unicast' && parts.slice(0, 6).every((part) => part === 0)) {
    // IPv4-compatible ::a.b.c.d (deprecated, RFC 4291), which ipaddr.js leaves in `unicast`.
    return judgeInner('ipv4Compatible', [[parts[6]!, parts[7]!]]);
  }
  if (inner) return judgeInner(range, inner);
  return { allowed: range === 'unicast', range };
}

function judgeInner(form: string, inner: number[][]): AddressVerdict {
  const ranges = inner.map((groups) => ipv4Of(groups).range());
  return {
    allowed: ranges.every((range) => range === 'unicast'),
    range: `${form}(${ranges.join(',')})`,
  };
}

/**
 * Whether the guard lets a connection go to this IP address (brackets and a zone are ignored).
 * Anything that is not a plainly written IPv4 or IPv6 address is refused (`invalid`).
 */
export function checkAddress(ip: string): AddressVerdict {
  const text = ip.trim().replace(/^\[(.*)\]$/, '$1');
  const unzoned = text.replace(/%.*$/, '');
  // Node's parser first: it takes only the plain spellings (no `127.1`, `0x7f.1`, `0177.0.0.1`).
  const family = net.isIP(unzoned);
  if (family === 0) return { allowed: false, range: 'invalid' };
  if (family === 4) {
    const range = ipaddr.IPv4.parse(unzoned).range();
    return { allowed: range === 'unicast', range };
  }
  return judgeIpv6(ipaddr.IPv6.parse(unzoned));
}

export function isForbiddenAddress(ip: string): boolean {
  return !checkAddress(ip).allowed;
}

/**
 * Whether a URL host (WHATWG `url.hostname`) is refused as given: a forbidden IP literal, or
 * `localhost` / `*.localhost` (RFC 6761). A host name's addresses are judged when it is
 * connected to (guardedLookup): they may change.
 */
export function isForbiddenHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const literal = host.replace(/^\[(.*)\]$/, '$1');
  return net.isIP(literal) !== 0 && isForbiddenAddress(literal);
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/** The `lookup` option of net.connect (and of undici's connector). */
export type LookupFunction = (
  hostname: string,
  options: LookupOptions | number | LookupCallback,
  callback?: LookupCallback,
) => void;

/** How names are resolved: dns.lookup with `all: true` (a seam for tests). */
export type Resolver = (
  hostname: string,
  options: LookupOptions & { all: true },
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const systemResolver: Resolver = (hostname, options, callback) => dns.lookup(hostname, options, callback);

/**
 * A dns.lookup for a connection's `lookup` option: resolves every address of the name and fails
 * with an AddressNotAllowedError if any is forbidden (a name that also points inside is refused,
 * not raced); otherwise answers the first address or, when the caller asks for all (Node's
 * happy-eyeballs connect does), the checked list.
 */
export function guardedLookup(resolve: Resolver = systemResolver): LookupFunction {
  return (hostname, optionsOrCallback, maybeCallback) => {
    const callback = (typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback)!;
    const options: LookupOptions =
      typeof optionsOrCallback === 'number'
        ? { family: optionsOrCallback }
        : typeof optionsOrCallback === 'object'
          ? optionsOrCallback
          : {};
    resolve(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      if (addresses.length === 0) {
        const notFound: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
        notFound.code = 'ENOTFOUND';
        return callback(notFound, []);
      }
      if (addresses.some((a) => isForbiddenAddress(a.address))) {
        return callback(new AddressNotAllowedError(hostname), []);
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0]!;
      callback(null, first.address, first.family);
    });
  };
}
