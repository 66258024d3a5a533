/** The per-address rate-limit bucket of a client address (rate-limits/rate-limiter.ts). */
import { addressBucket } from '../../src/rate-limits/rate-limiter';

describe('addressBucket', () => {
  it('keeps an IPv4 address as is, also when it comes IPv4-mapped', () => {
    expect(addressBucket('203.0.113.7')).toBe('203.0.113.7');
    expect(addressBucket('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('counts an IPv6 client by its /64: the addresses of one subscriber share one budget', () => {
    expect(addressBucket('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressBucket('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
  });

  it('puts a missing or unparsable address in one bucket', () => {
    expect(addressBucket(undefined)).toBe('unknown');
    expect(addressBucket('not an address')).toBe('unknown');
  });
});
