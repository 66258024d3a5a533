/**
 * db/timestamptz.ts parses what PostgreSQL sends exactly as pg's own parser does: checked value by
 * value against it, over the forms the fast path reads and the ones it hands back to pg.
 */
import { types } from 'pg';
import { gatewayTypes, parseTimestamptz } from '../../src/db/timestamptz';

const pgParse = types.getTypeParser(1184, 'text') as (text: string) => unknown;

const asComparable = (value: unknown) => (value instanceof Date ? `Date(${value.getTime()})` : value);

describe('parseTimestamptz', () => {
  const forms = [
    '2026-03-01 01:00:00+00',
    '2026-03-01 01:00:00.1+00',
    '2026-03-01 01:00:00.12+00',
    '2026-03-01 01:00:00.123+00',
    '2026-03-01 01:00:00.123456+00',
    '2026-03-01 01:00:00.999999+00',
    '2026-12-31 23:59:59.999+00',
    '2024-02-29 12:00:00+00',
    '2026-03-01 05:30:00.12+05:30',
    '2026-03-01 01:00:00-08',
    '2026-03-01 01:00:00.5-03:30',
    '1970-01-01 00:00:00+00',
    '1000-01-01 00:00:00+00',
    // Handed to pg's parser: each must still come out the same.
    '0099-01-01 00:00:00+00',
    '0999-06-15 10:00:00+00',
    '2026-03-01 01:00:00+00:53:28',
    '0044-03-15 12:00:00+00 BC',
    'infinity',
    '-infinity',
    '2026-03-01T01:00:00+00',
    '2026-03-01 01:00:00',
    '2026-03-01 01:00:00+0',
    '20260-03-01 01:00:00+00',
    '2026-03-01 01:00:00.+00',
    '2026-03-01 01:00:00+AB',
  ];

  it.each(forms)('reads %s as pg does', (text) => {
    expect(asComparable(parseTimestamptz(text))).toEqual(asComparable(pgParse(text)));
  });

  it('agrees with pg on 20,000 random instants, offsets and fraction lengths', () => {
    let seed = 42;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pad = (n: number, width = 2) => String(n).padStart(width, '0');
    for (let i = 0; i < 20_000; i++) {
      const date = new Date(Date.UTC(1000, 0, 1) + Math.floor(random() * 9_000 * 365.25 * 86_400_000));
      const fraction = ['', '.1', '.12', '.123', '.1234', '.123456'][Math.floor(random() * 6)]!.replace(
        /\d/g,
        () => String(Math.floor(random() * 10)),
      );
      const hours = Math.floor(random() * 15);
      const minutes = [0, 0, 30, 45][Math.floor(random() * 4)]!;
      const offset = `${random() < 0.5 ? '+' : '-'}${pad(hours)}${minutes ? `:${pad(minutes)}` : ''}`;
      const text =
        `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
        `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}${fraction}${offset}`;
      const ours = parseTimestamptz(text);
      expect(ours).toBeInstanceOf(Date);
      if ((ours as Date).getTime() !== (pgParse(text) as Date).getTime()) {
        throw new Error(
          `${text}: ${(ours as Date).toISOString()} vs ${(pgParse(text) as Date).toISOString()}`,
        );
      }
    }
  });

  it('is the timestamptz parser of the gateway pool only, text format only', () => {
    expect(gatewayTypes.getTypeParser(1184, 'text')).toBe(parseTimestamptz);
    expect(gatewayTypes.getTypeParser(1184)).toBe(parseTimestamptz);
    expect(gatewayTypes.getTypeParser(1184, 'binary')).not.toBe(parseTimestamptz);
    expect(gatewayTypes.getTypeParser(1114, 'text')).toBe(types.getTypeParser(1114, 'text'));
    expect(types.getTypeParser(1184, 'text')).not.toBe(parseTimestamptz);
  });
});
