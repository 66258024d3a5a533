/** shared/iso-date.ts writes exactly what Date.prototype.toISOString writes. */
import { isoString } from '../../src/shared/iso-date';

describe('isoString', () => {
  it.each([
    0,
    1,
    999,
    86_399_999,
    951_782_400_000, // 2000-02-29
    4_107_542_399_999, // 2100-02-28T23:59:59.999Z (not a leap year)
    1_772_326_800_123,
    253_402_300_799_999, // 9999-12-31T23:59:59.999Z
  ])('writes %d as toISOString does', (time) => {
    expect(isoString(new Date(time))).toBe(new Date(time).toISOString());
  });

  it('agrees with toISOString on 100,000 random instants of 1970–9999', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let i = 0; i < 100_000; i++) {
      const date = new Date(Math.floor(random() * 253_402_300_800_000));
      if (isoString(date) !== date.toISOString()) {
        throw new Error(`${date.toISOString()} written as ${isoString(date)}`);
      }
    }
  });

  it('hands other instants to toISOString, which also throws for an invalid Date', () => {
    for (const time of [-1, -62_198_755_200_000, 253_402_300_800_000, 8.64e15]) {
      expect(isoString(new Date(time))).toBe(new Date(time).toISOString());
    }
    expect(() => isoString(new Date(Number.NaN))).toThrow(RangeError);
  });
});
