/**
 * The canonical JSON an Idempotency-Key fingerprint is computed over: the same text as a
 * recursive JSON.stringify with sorted keys, for any JSON value, and no stack overflow however
 * deep the nesting.
 */
import fc from 'fast-check';
import { writeCanonicalJson } from '../../src/idempotency/idempotency.service';

function canonicalText(value: unknown): string {
  let text = '';
  writeCanonicalJson(value, (piece) => {
    text += piece;
  });
  return text;
}

/** The reference: a recursive serialiser with keys in code-unit order (integer-like keys too). */
function reference(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(reference).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${reference(record[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

describe('writeCanonicalJson', () => {
  it('writes what a recursive JSON serialiser with sorted keys writes, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalText(value)).toBe(reference(value));
      }),
      { numRuns: 300 },
    );
  });

  it('orders keys, so two spellings of one object write the same text', () => {
    expect(canonicalText({ b: 1, a: [{ d: 2, c: null }] })).toBe('{"a":[{"c":null,"d":2}],"b":1}');
    expect(canonicalText({ a: [{ c: null, d: 2 }], b: 1 })).toBe('{"a":[{"c":null,"d":2}],"b":1}');
  });

  it('walks 200,000 levels of nesting without recursion', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 200_000; i += 1) deep = i % 2 ? [deep] : { k: deep };
    let length = 0;
    writeCanonicalJson(deep, (piece) => {
      length += piece.length;
    });
    expect(length).toBeGreaterThan(400_000);
  });
});
