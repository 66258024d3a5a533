/**
 * The outgoing-address guard (OWASP API7, SSRF): which addresses a webhook (or provider call) may
 * not reach — each forbidden range at both edges and just outside them, the IPv6 forms that carry
 * an IPv4 address judged by that address, public addresses allowed — and its dns.lookup
 * replacement.
 */
import type { LookupAddress } from 'node:dns';
import {
  ADDRESS_NOT_ALLOWED_CODE as FORBIDDEN_ADDRESS_CODE,
  checkAddress,
  guardedLookup,
  isForbiddenAddress,
  isForbiddenHost,
  type Resolver,
} from '../../src/providers/address-guard';

const lookup = guardedLookup();

/** [first, last, just below, just above] of each forbidden IPv4 range (undefined: no neighbour). */
const V4_RANGES: [string, string, string | undefined, string | undefined][] = [
  ['0.0.0.0', '0.255.255.255', undefined, '1.0.0.0'],
  ['10.0.0.0', '10.255.255.255', '9.255.255.255', '11.0.0.0'],
  ['100.64.0.0', '100.127.255.255', '100.63.255.255', '100.128.0.0'],
  ['127.0.0.0', '127.255.255.255', '126.255.255.255', '128.0.0.0'],
  ['169.254.0.0', '169.254.255.255', '169.253.255.255', '169.255.0.0'],
  ['172.16.0.0', '172.31.255.255', '172.15.255.255', '172.32.0.0'],
  ['192.0.0.0', '192.0.0.255', '191.255.255.255', '192.0.1.0'],
  ['192.168.0.0', '192.168.255.255', '192.167.255.255', '192.169.0.0'],
  ['198.18.0.0', '198.19.255.255', '198.17.255.255', '198.20.0.0'],
  ['224.0.0.0', '239.255.255.255', '223.255.255.255', undefined],
  ['240.0.0.0', '255.255.255.255', undefined, undefined],
  // Documentation, 6to4 relay anycast (RFC 5737, 7526).
  ['192.0.2.0', '192.0.2.255', '192.0.1.255', '192.0.3.0'],
  ['198.51.100.0', '198.51.100.255', '198.51.99.255', '198.51.101.0'],
  ['203.0.113.0', '203.0.113.255', '203.0.112.255', '203.0.114.0'],
  ['192.88.99.0', '192.88.99.255', '192.88.98.255', '192.88.100.0'],
];

const V6_RANGES: [string, string, string | undefined, string | undefined][] = [
  ['::', '::', undefined, undefined],
  ['::1', '::1', undefined, '::1:0:0:1'], // ::2 is IPv4-compatible 0.0.0.2: forbidden too
  ['fc00::', 'fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'fe00::'],
  ['fe80::', 'febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff', undefined],
  ['ff00::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', undefined, undefined],
  // Deprecated site-local (RFC 3879), discard-only (RFC 6666), documentation (RFC 3849, 9637).
  ['fec0::', 'feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', undefined, undefined],
  ['100::', '100::ffff:ffff:ffff:ffff', 'ff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', '100:0:0:1::'],
  [
    '2001:db8::',
    '2001:db8:ffff:ffff:ffff:ffff:ffff:ffff',
    '2001:db7:ffff:ffff:ffff:ffff:ffff:ffff',
    '2001:db9::',
  ],
  [
    '3fff::',
    '3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff',
    '3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
    '3fff:1000::',
  ],
  // The local-use NAT64 prefix (RFC 8215) translates into the operator's own networks.
  ['64:ff9b:1::', '64:ff9b:1:ffff:ffff:ffff:ffff:ffff', undefined, '64:ff9b:2::'],
];

describe('isForbiddenAddress', () => {
  it.each(V4_RANGES)('forbids IPv4 %s – %s and nothing just outside', (first, last, below, above) => {
    expect(isForbiddenAddress(first)).toBe(true);
    expect(isForbiddenAddress(last)).toBe(true);
    if (below) expect(isForbiddenAddress(below)).toBe(false);
    if (above) expect(isForbiddenAddress(above)).toBe(false);
  });

  it.each(V6_RANGES)('forbids IPv6 %s – %s and nothing just outside', (first, last, below, above) => {
    expect(isForbiddenAddress(first)).toBe(true);
    expect(isForbiddenAddress(last)).toBe(true);
    if (below) expect(isForbiddenAddress(below)).toBe(false);
    if (above) expect(isForbiddenAddress(above)).toBe(false);
  });

  it('forbids the well-known targets, in every spelling', () => {
    for (const ip of [
      '127.0.0.1',
      '169.254.169.254',
      '10.0.0.1',
      '0.0.0.0',
      '255.255.255.255',
      '::1',
      '0:0:0:0:0:0:0:1',
      '[::1]',
      'fe80::1%eth0',
      'FE80::1',
      'fd00:ec2::254',
    ]) {
      expect({ ip, forbidden: isForbiddenAddress(ip) }).toEqual({ ip, forbidden: true });
    }
  });

  it('judges an IPv4-mapped IPv6 address by its IPv4 address', () => {
    for (const ip of [
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '0:0:0:0:0:ffff:7f00:1',
      '::ffff:169.254.169.254',
      '::ffff:a9fe:a9fe',
      '::ffff:10.1.2.3',
      '::ffff:0.0.0.0',
      '::ffff:255.255.255.255',
    ]) {
      expect({ ip, forbidden: isForbiddenAddress(ip) }).toEqual({ ip, forbidden: true });
    }
    for (const ip of ['::ffff:8.8.8.8', '::ffff:808:808', '::ffff:1.1.1.1']) {
      expect({ ip, forbidden: isForbiddenAddress(ip) }).toEqual({ ip, forbidden: false });
    }
  });

  it('judges every IPv6 form that carries an IPv4 address by that address', () => {
    // [the form around a private or local IPv4, the same form around a public one]
    const pairs: [string, string][] = [
      ['64:ff9b::a9fe:a9fe', '64:ff9b::5db8:d822'], // NAT64 (RFC 6052)
      ['64:ff9b::127.0.0.1', '64:ff9b::8.8.8.8'],
      ['64:ff9b::10.0.0.1', '64:ff9b::1.1.1.1'],
      ['2002:a9fe:a9fe::', '2002:5db8:d822::'], // 6to4
      ['2002:7f00:1:1::1', '2002:808:808:1::1'],
      ['2002:c0a8:101::', '2002:101:101::'],
      ['::a9fe:a9fe', '::5db8:d822'], // IPv4-compatible
      ['::127.0.0.1', '::8.8.8.8'],
      ['::0.0.0.2', '::1.1.1.1'],
      ['::ffff:0:a9fe:a9fe', '::ffff:0:5db8:d822'], // IPv4-translated (RFC 6145)
      ['::ffff:0:10.0.0.1', '::ffff:0:8.8.8.8'],
      // Teredo: server 93.184.216.34, client 127.0.0.1 / 8.8.8.8 (XOR ffff:ffff) …
      ['2001:0:5db8:d822::80ff:fffe', '2001:0:5db8:d822::f7f7:f7f7'],
      // … and a private server with a public client.
      ['2001:0:a00:1::f7f7:f7f7', '2001:0:808:808::f7f7:f7f7'],
    ];
    for (const [inside, outside] of pairs) {
      expect({ inside, forbidden: isForbiddenAddress(inside) }).toEqual({ inside, forbidden: true });
      expect({ outside, forbidden: isForbiddenAddress(outside) }).toEqual({ outside, forbidden: false });
    }
  });

  it('names the range it judged', () => {
    expect(checkAddress('169.254.169.254')).toEqual({ allowed: false, range: 'linkLocal' });
    expect(checkAddress('[64:ff9b::a9fe:a9fe]')).toEqual({ allowed: false, range: 'rfc6052(linkLocal)' });
    expect(checkAddress('2001:0:5db8:d822::80ff:fffe')).toEqual({
      allowed: false,
      range: 'teredo(unicast,loopback)',
    });
    expect(checkAddress('::a00:1')).toEqual({ allowed: false, range: 'ipv4Compatible(private)' });
    expect(checkAddress('8.8.8.8')).toEqual({ allowed: true, range: 'unicast' });
    expect(checkAddress('0x7f.1')).toEqual({ allowed: false, range: 'invalid' });
  });

  it('refuses forbidden literals and localhost names as URL hosts, and lets other names through', () => {
    for (const host of [
      'localhost',
      'LOCALHOST.',
      'a.localhost',
      '127.0.0.1',
      '[::1]',
      '[64:ff9b::a9fe:a9fe]',
    ]) {
      expect({ host, forbidden: isForbiddenHost(host) }).toEqual({ host, forbidden: true });
    }
    for (const host of ['example.com', 'localhost.example.com', '8.8.8.8', '[2606:4700::1111]']) {
      expect({ host, forbidden: isForbiddenHost(host) }).toEqual({ host, forbidden: false });
    }
  });

  it('allows public addresses', () => {
    for (const ip of [
      '8.8.8.8',
      '1.1.1.1',
      '93.184.216.34',
      '172.67.1.1',
      '100.63.0.1',
      '2606:4700::1111',
      '2001:4860:4860::8888',
      '2a00:1450:4001:82a::200e',
    ]) {
      expect({ ip, forbidden: isForbiddenAddress(ip) }).toEqual({ ip, forbidden: false });
    }
  });

  it('counts anything that is not an IP address as forbidden', () => {
    for (const text of ['', 'localhost', 'example.com', '127.1', '1.2.3', '::ffff:1.2.3', '1:2:3']) {
      expect({ text, forbidden: isForbiddenAddress(text) }).toEqual({ text, forbidden: true });
    }
  });
});

type Answer = { err: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number };

function lookupOf(hostname: string, options: { all?: boolean; family?: number } = {}): Promise<Answer> {
  return new Promise((resolve) =>
    lookup(hostname, options, (err, address, family) => resolve({ err, address, family })),
  );
}

describe('lookup (the guarded dns.lookup)', () => {
  it('refuses a name that resolves to loopback, with a clear error', async () => {
    for (const options of [{}, { all: true }, { family: 4 }]) {
      const { err } = await lookupOf('localhost', options);
      expect(err?.code).toBe(FORBIDDEN_ADDRESS_CODE);
      expect(err?.message).toMatch(/resolves to a private or local network address/);
    }
    expect((await lookupOf('127.0.0.1')).err?.code).toBe(FORBIDDEN_ADDRESS_CODE);
    expect((await lookupOf('::ffff:169.254.169.254')).err?.code).toBe(FORBIDDEN_ADDRESS_CODE);
  });

  it('answers a public address as dns.lookup does, single or all', async () => {
    expect(await lookupOf('8.8.8.8')).toEqual({ err: null, address: '8.8.8.8', family: 4 });
    expect(await lookupOf('2606:4700::1111', { all: true })).toMatchObject({
      err: null,
      address: [{ address: '2606:4700::1111', family: 6 }],
    });
  });

  it('refuses a name any of whose addresses is forbidden, in any spelling (no racing a public one)', async () => {
    const answers: Record<string, LookupAddress[]> = {
      'nat64.test': [{ address: '64:ff9b::a9fe:a9fe', family: 6 }],
      'mixed.test': [
        { address: '93.184.216.34', family: 4 },
        { address: '2002:a00:1::1', family: 6 },
      ],
      'public.test': [
        { address: '93.184.216.34', family: 4 },
        { address: '64:ff9b::5db8:d822', family: 6 },
      ],
    };
    const resolver: Resolver = (hostname, _options, callback) => callback(null, answers[hostname] ?? []);
    const guarded = guardedLookup(resolver);
    const ask = (hostname: string, options: { all?: boolean } = {}) =>
      new Promise<Answer>((resolve) =>
        guarded(hostname, options, (err, address, family) => resolve({ err, address, family })),
      );
    expect((await ask('nat64.test')).err?.code).toBe(FORBIDDEN_ADDRESS_CODE);
    expect((await ask('mixed.test', { all: true })).err?.code).toBe(FORBIDDEN_ADDRESS_CODE);
    expect(await ask('public.test')).toEqual({ err: null, address: '93.184.216.34', family: 4 });
    expect((await ask('nowhere.test')).err?.code).toBe('ENOTFOUND');
  });

  it('passes resolution errors through', async () => {
    const { err } = await lookupOf('no-such-host.invalid');
    expect(err?.code).toMatch(/^(ENOTFOUND|EAI_AGAIN)$/);
  });
});
