/**
 * Keeps webhook deliveries off private and local networks (OWASP API7, SSRF): an owner chooses a
 * webhook URL, and without this guard the gateway would POST wherever it points — its own
 * loopback, the cloud metadata service, the cluster's internal network.
 *
 * Under WEBHOOK_ALLOW_PRIVATE_NETWORKS=false the worker connects through `lookup` below: every
 * address the host name resolves to is checked, and the connection goes to a checked address
 * (no second resolution a DNS-rebinding answer could change). Node does not call `lookup` for an
 * IP literal, so the worker checks those itself with isForbiddenAddress.
 */
import dns, { type LookupAddress, type LookupOptions } from 'node:dns';
import net from 'node:net';

/** The error code of a lookup refused by the guard. */
export const FORBIDDEN_ADDRESS_CODE = 'EWEBHOOKADDRESS';

/** Addresses a webhook may not reach unless private networks are allowed. */
const forbidden = new net.BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast 255.255.255.255
] as const) {
  forbidden.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const) {
  forbidden.addSubnet(network, prefix, 'ipv6');
}

/** The eight 16-bit groups of a valid IPv6 address (a trailing dotted quad allowed). */
function ipv6Groups(ip: string): number[] {
  let text = ip;
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted[2]!.split('.').map(Number) as [number, number, number, number];
    text = `${dotted[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const zeros = halves.length === 2 ? 8 - head.length - tail.length : 0;
  return [...head, ...Array<string>(zeros).fill('0'), ...tail].map((group) => parseInt(group, 16));
}

/** The IPv4 address embedded in an IPv4-mapped IPv6 address (::ffff:a.b.c.d), if it is one. */
function mappedIpv4(ip: string): string | undefined {
  const groups = ipv6Groups(ip);
  if (groups.length !== 8 || groups.slice(0, 5).some((g) => g !== 0) || groups[5] !== 0xffff) {
    return undefined;
  }
  const [high, low] = [groups[6]!, groups[7]!];
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/**
 * Whether a webhook may not be sent to this IP address: a private, local, link-local, multicast
 * or reserved one (an IPv4-mapped IPv6 address is judged by its IPv4 address). Anything that is
 * not an IP address at all counts as forbidden.
 */
export function isForbiddenAddress(ip: string): boolean {
  const address = ip.trim().replace(/^\[(.*)\]$/, '$1');
  if (net.isIPv4(address)) return forbidden.check(address, 'ipv4');
  if (!net.isIPv6(address)) return true;
  const unzoned = address.replace(/%.*$/, '');
  const v4 = mappedIpv4(unzoned);
  return v4 !== undefined ? forbidden.check(v4, 'ipv4') : forbidden.check(unzoned, 'ipv6');
}

type LookupCallback = (
  err: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

function forbiddenError(hostname: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(
    `${hostname} resolves to a private or local address (see WEBHOOK_ALLOW_PRIVATE_NETWORKS)`,
  );
  err.code = FORBIDDEN_ADDRESS_CODE;
  return err;
}

/**
 * dns.lookup for http.request's `lookup` option: resolves every address of the host name and
 * fails with code EWEBHOOKADDRESS if any is forbidden; otherwise answers the first address (or,
 * when the caller asks for all — Node's happy-eyeballs connect does — the checked list).
 */
export function lookup(
  hostname: string,
  optionsOrCallback: LookupOptions | number | LookupCallback,
  maybeCallback?: LookupCallback,
): void {
  const callback = (typeof optionsOrCallback === 'function' ? optionsOrCallback : maybeCallback)!;
  const options: LookupOptions =
    typeof optionsOrCallback === 'number'
      ? { family: optionsOrCallback }
      : typeof optionsOrCallback === 'object'
        ? optionsOrCallback
        : {};
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, []);
    if (addresses.length === 0) {
      const notFound: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
      notFound.code = 'ENOTFOUND';
      return callback(notFound, []);
    }
    if (addresses.some((a) => isForbiddenAddress(a.address))) return callback(forbiddenError(hostname), []);
    if (options.all) return callback(null, addresses);
    const first = addresses[0]!;
    callback(null, first.address, first.family);
  });
}
