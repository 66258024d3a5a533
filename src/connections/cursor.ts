/** The opaque list cursor: base64url of the last row's position. Malformed cursors are a 400. */
import { BadRequestError } from '../shared/errors';
import { isUuid } from '../shared/ids';
import type { ListPosition } from './connection.repository';

export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.createdAt.toISOString(), position.id])).toString('base64url');
}

export function decodeCursor(cursor: string): ListPosition {
  const invalid = () =>
    new BadRequestError('cursor is not valid: pass the nextCursor of a previous page.', [
      { field: 'cursor', message: 'is not a cursor this API issued' },
    ]);
  if (cursor.length > 200 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!Array.isArray(parsed) || parsed.length !== 2) throw invalid();
  const [at, id] = parsed as unknown[];
  if (typeof at !== 'string' || !isUuid(id)) throw invalid();
  const createdAt = new Date(at);
  if (Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== at) throw invalid();
  return { createdAt, id };
}
