/**
 * One way to page, for every list of both doors: `limit` is checked against the list's page size,
 * the next page is asked for with the opaque `cursor` the previous page's `nextCursor` gave, and a
 * page is the first `limit` of `limit + 1` rows read (the extra row says whether there is more).
 *
 * A cursor is base64url of a text only the list understands (its last row's position). It is
 * checked here before that text is read, and must be exactly what this API would have issued for
 * the position it names: anything else is a 400 on `cursor`, never a query.
 */
import { BadRequestError } from './errors';

/** A list's page size: what a request without `limit` gets, and the most one may ask for. */
export interface PageSize {
  readonly default: number;
  readonly max: number;
}

/** The requested limit, or the default; a 400 on `limit` for anything but a whole number in range. */
export function pageLimit(limit: number | undefined, size: PageSize): number {
  const value = limit ?? size.default;
  if (!Number.isInteger(value) || value < 1 || value > size.max) {
    throw new BadRequestError(`limit must be a whole number from 1 to ${size.max}.`, [
      { field: 'limit', message: `must be a whole number from 1 to ${size.max}` },
    ]);
  }
  return value;
}

/** How a list writes its position as text, and reads it back (undefined: not a position). */
export interface CursorFormat<P> {
  /** The longest cursor the list issues, in characters; longer ones are refused unread. */
  readonly maxLength: number;
  write(position: P): string;
  read(text: string): P | undefined;
}

export interface CursorCodec<P> {
  encode(position: P): string;
  /** The position a cursor names; a 400 on `cursor` for one this API did not issue. */
  decode(cursor: string): P;
}

function invalidCursor(): BadRequestError {
  return new BadRequestError('cursor is not valid: pass the nextCursor of a previous page.', [
    { field: 'cursor', message: 'is not a cursor this API issued' },
  ]);
}

export function cursorCodec<P>(format: CursorFormat<P>): CursorCodec<P> {
  const encode = (position: P) => Buffer.from(format.write(position), 'utf8').toString('base64url');
  return {
    encode,
    decode(cursor) {
      if (cursor.length > format.maxLength || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalidCursor();
      const position = format.read(Buffer.from(cursor, 'base64url').toString('utf8'));
      if (position === undefined || encode(position) !== cursor) throw invalidCursor();
      return position;
    },
  };
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The page of `rows` (read with `limit + 1`), and the cursor of the next page when there is one. */
export function takePage<T>(rows: T[], limit: number, cursorOf: (last: T) => string): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null };
}
