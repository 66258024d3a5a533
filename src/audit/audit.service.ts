/**
 * A connection's audit trail, read by its owner through either door. The connection rules decide
 * visibility: a connection the caller cannot see (another owner's, revoked, outside a restricted
 * session) has no trail either (NOT_FOUND).
 */
import type { Caller } from '../shared/caller';
import type { ConnectionService } from '../connections/connection.service';
import { BadRequestError, NotFoundError } from '../shared/errors';
import { cursorCodec, pageLimit, takePage, type PageSize } from '../shared/pagination';
import type { AuditEvent } from './audit-event.entity';
import type { AuditEventRepository } from './audit-event.repository';
import { AUDIT_EVENT_TYPES, type AuditEventType } from './audit-event.types';

export const DEFAULT_EVENTS_PAGE_SIZE = 50;
export const MAX_EVENTS_PAGE_SIZE = 100;
const PAGE_SIZE: PageSize = { default: DEFAULT_EVENTS_PAGE_SIZE, max: MAX_EVENTS_PAGE_SIZE };

export interface AuditEventPage {
  events: AuditEvent[];
  nextCursor: string | null;
}

/** The trail's cursor (shared/pagination.ts): the last event's place in the insertion order. */
const eventCursor = cursorCodec<string>({
  maxLength: 40,
  write: (seq) => `e:${seq}`,
  read: (text) => /^e:([1-9]\d{0,17})$/.exec(text)?.[1],
});

export class AuditService {
  constructor(
    private readonly events: AuditEventRepository,
    private readonly connections: ConnectionService,
  ) {}

  async listOfConnection(
    caller: Caller,
    connectionId: string,
    input: { limit?: number; cursor?: string; type?: string },
  ): Promise<AuditEventPage> {
    const { limit, before, type } = this.checkInput(input);
    const connection = await this.connections.get(caller, connectionId);
    const rows = await this.events.listOfConnection(connection.id, limit + 1, before, type);
    return this.toPage(rows, limit);
  }

  /**
   * The same page of several connections' trails (GraphQL's `Connection.events` for a page of
   * connections), in one statement. A connection the caller cannot see gets NOT_FOUND, as from
   * listOfConnection; the ids are connections' own (the caller's listing gave them).
   */
  async pagesOfConnections(
    caller: Caller,
    connectionIds: readonly string[],
    input: { limit?: number; cursor?: string; type?: string },
  ): Promise<Map<string, AuditEventPage | NotFoundError>> {
    const { limit, before, type } = this.checkInput(input);
    const found = await this.events.pagesOfConnections(caller.ownerId, connectionIds, limit + 1, {
      beforeSeq: before,
      type,
      connectorSlugs: caller.allowedConnectors ?? undefined,
    });
    const pages = new Map<string, AuditEventPage | NotFoundError>();
    for (const id of connectionIds) {
      const rows = found.get(id);
      pages.set(id, rows ? this.toPage(rows, limit) : new NotFoundError('No such connection.'));
    }
    return pages;
  }

  private checkInput(input: { limit?: number; cursor?: string; type?: string }): {
    limit: number;
    before: string | undefined;
    type: AuditEventType | undefined;
  } {
    const limit = pageLimit(input.limit, PAGE_SIZE);
    if (input.type !== undefined && !(AUDIT_EVENT_TYPES as readonly string[]).includes(input.type)) {
      throw new BadRequestError(`type must be one of ${AUDIT_EVENT_TYPES.join(', ')}.`, [
        { field: 'type', message: `must be one of ${AUDIT_EVENT_TYPES.join(', ')}` },
      ]);
    }
    const before = input.cursor === undefined ? undefined : eventCursor.decode(input.cursor);
    return { limit, before, type: input.type as AuditEventType | undefined };
  }

  private toPage(rows: AuditEvent[], limit: number): AuditEventPage {
    const page = takePage(rows, limit, (last) => eventCursor.encode(last.seq));
    return { events: page.items, nextCursor: page.nextCursor };
  }
}
