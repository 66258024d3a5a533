/**
 * The webhook network guard (OWASP API7, SSRF): which addresses a webhook may not reach — each
 * forbidden range at both edges and just outside them, IPv4-mapped IPv6 judged by its IPv4
 * address, public addresses allowed — and its dns.lookup replacement.
 */
import type { LookupAddress } from 'node:dns';
import { FORBIDDEN_ADDRESS_CODE, isForbiddenAddress, lookup } from '../../src/webhooks/network-guard';

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
];

const V6_RANGES: [string, string, string | undefined, string | undefined][] = [
  ['::', '::', undefined, undefined],
  ['::1', '::1', undefined, '::2'],
  ['fc00::', 'fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'fe00::'],
  ['fe80::', 'febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'fec0::'],
  ['ff00::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 'feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', undefined],
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
      expect(err?.message).toMatch(/resolves to a private or local address/);
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

  it('passes resolution errors through', async () => {
    const { err } = await lookupOf('no-such-host.invalid');
    expect(err?.code).toMatch(/^(ENOTFOUND|EAI_AGAIN)$/);
  });
});
