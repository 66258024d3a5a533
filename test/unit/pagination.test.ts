/** One way to page (shared/pagination.ts): the limit checks, the cursor codec and the page cut. */
import { cursorCodec, pageLimit, takePage } from '../../src/shared/pagination';
import { BadRequestError } from '../../src/shared/errors';

/** A 400 on one field, with the message it gives. */
function badRequestOn(field: string, message: string, detail: string) {
  return expect.objectContaining({
    constructor: BadRequestError,
    message,
    details: [{ field, message: detail }],
  });
}

describe('pageLimit', () => {
  const size = { default: 50, max: 100 };

  it('gives the default without a limit, and the limit when it is in range', () => {
    expect(pageLimit(undefined, size)).toBe(50);
    expect(pageLimit(1, size)).toBe(1);
    expect(pageLimit(100, size)).toBe(100);
  });

  it.each([0, -1, 101, 1.5, Number.NaN])('refuses %p with a 400 on limit naming the range', (limit) => {
    expect(() => pageLimit(limit, size)).toThrow(
      badRequestOn(
        'limit',
        'limit must be a whole number from 1 to 100.',
        'must be a whole number from 1 to 100',
      ),
    );
  });
});

describe('cursorCodec', () => {
  const codec = cursorCodec<number>({
    maxLength: 20,
    write: (n) => `n:${n}`,
    read: (text) => (/^n:(\d+)$/.test(text) ? Number(text.slice(2)) : undefined),
  });

  it('decodes what it encodes, as base64url of the written text', () => {
    const cursor = codec.encode(42);
    expect(cursor).toBe(Buffer.from('n:42').toString('base64url'));
    expect(codec.decode(cursor)).toBe(42);
  });

  it.each([
    ['an empty string', ''],
    ['a text the list cannot read', Buffer.from('x:42').toString('base64url')],
    ['a position written otherwise than the API writes it', Buffer.from('n:042').toString('base64url')],
    ['standard base64 with padding', Buffer.from('n:42').toString('base64')],
    ['a cursor over the longest the list issues', Buffer.from(`n:${'1'.repeat(20)}`).toString('base64url')],
  ])('refuses %s with a 400 on cursor', (_name, cursor) => {
    expect(() => codec.decode(cursor)).toThrow(
      badRequestOn(
        'cursor',
        'cursor is not valid: pass the nextCursor of a previous page.',
        'is not a cursor this API issued',
      ),
    );
  });
});

describe('takePage', () => {
  it('cuts limit + 1 rows to a page with the cursor of its last row', () => {
    expect(takePage([1, 2, 3], 2, (last) => `after-${last}`)).toEqual({
      items: [1, 2],
      nextCursor: 'after-2',
    });
  });

  it('has no next cursor when the rows fit', () => {
    expect(takePage([1, 2], 2, (last) => `after-${last}`)).toEqual({ items: [1, 2], nextCursor: null });
    expect(takePage([], 2, (last) => `after-${last}`)).toEqual({ items: [], nextCursor: null });
  });
});
