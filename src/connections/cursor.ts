/** The connections list's cursor (shared/pagination.ts): the last row's creation time and id. */
import { cursorCodec } from '../shared/pagination';
import { isUuid } from '../shared/ids';
import type { ListPosition } from './connection.repository';

const listCursor = cursorCodec<ListPosition>({
  maxLength: 200,
  write: (position) => JSON.stringify([position.createdAt.toISOString(), position.id]),
  read(text) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return undefined;
    }
    if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
    const [at, id] = parsed as unknown[];
    if (typeof at !== 'string' || !isUuid(id)) return undefined;
    const createdAt = new Date(at);
    return Number.isNaN(createdAt.getTime()) ? undefined : { createdAt, id };
  },
});

export const encodeCursor = listCursor.encode;
export const decodeCursor = listCursor.decode;
