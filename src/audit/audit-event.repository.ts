/** The audit trail in PostgreSQL. TypeORM lives here and nowhere above it. */
import type { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { Tx } from '../db/transaction';
import { AuditEvent } from './audit-event.entity';
import type { AuditEventType } from './audit-event.types';

export type NewAuditEvent = Omit<AuditEvent, 'seq'>;

export class AuditEventRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Appends an event: inside `tx` when the event records a change, on its own otherwise. */
  async append(event: NewAuditEvent, tx?: Tx): Promise<void> {
    // `details` is plain JSON; TypeORM's deep-partial type cannot see that through Record<string, unknown>.
    await (tx ?? this.dataSource.manager).insert(AuditEvent, event as QueryDeepPartialEntity<AuditEvent>);
  }

  /**
   * Deletes up to `batch` events older than `days` days, oldest first; returns how many it deleted.
   * The ORDER BY makes the batch one range of connection_events_created_at_idx: without it the
   * planner, seeing most rows old, reads the table from its start, where new events fill the space
   * deleted ones left, and steps over them all (test/integration/background-cost.test.ts).
   */
  async deleteOlderThan(days: number, batch: number): Promise<number> {
    // TypeORM answers a DELETE with [rows, rowCount].
    const [, deleted]: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM connection_events
        WHERE seq IN (
          SELECT seq FROM connection_events
           WHERE created_at < now() - make_interval(days => $1)
           ORDER BY created_at
           LIMIT $2)`,
      [days, batch],
    );
    return deleted;
  }

  /** One page of a connection's trail, newest first, before `beforeSeq` (exclusive), of one type if given. */
  listOfConnection(
    connectionId: string,
    limit: number,
    beforeSeq?: string,
    type?: AuditEventType,
  ): Promise<AuditEvent[]> {
    const query = this.dataSource
      .getRepository(AuditEvent)
      .createQueryBuilder('e')
      .where('e.connection_id = :connectionId', { connectionId })
      .orderBy('e.seq', 'DESC')
      .limit(limit);
    if (beforeSeq !== undefined) query.andWhere('e.seq < :beforeSeq', { beforeSeq });
    if (type !== undefined) query.andWhere('e.type = :type', { type });
    return query.getMany();
  }

  /**
   * The first page of each of several connections' trails in one statement, each newest first,
   * before `beforeSeq`, of one type if given: a LATERAL read of connection_events_connection_seq_idx
   * per connection. Only the owner's live connections (of `connectorSlugs`, when given) are read;
   * the map holds an entry (maybe an empty list) for each of those, none for the others.
   */
  async pagesOfConnections(
    ownerId: string,
    connectionIds: readonly string[],
    limit: number,
    options: { beforeSeq?: string; type?: AuditEventType; connectorSlugs?: readonly string[] } = {},
  ): Promise<Map<string, AuditEvent[]>> {
    const values: unknown[] = [connectionIds, ownerId, limit];
    const inner = ['e.connection_id = c.id'];
    if (options.beforeSeq !== undefined) {
      values.push(options.beforeSeq);
      inner.push(`e.seq < $${values.length}::bigint`);
    }
    if (options.type !== undefined) {
      values.push(options.type);
      inner.push(`e.type = $${values.length}`);
    }
    const outer = ['c.id = ANY($1::uuid[])', 'c.owner_id = $2', 'c.deleted_at IS NULL'];
    if (options.connectorSlugs !== undefined) {
      values.push(options.connectorSlugs);
      outer.push(`c.connector_slug = ANY($${values.length}::text[])`);
    }
    const rows: {
      connection: string;
      seq: string | null;
      event_id: string;
      owner_id: string;
      type: AuditEventType;
      actor_type: AuditEvent['actorType'];
      actor_id: string | null;
      request_id: string | null;
      ip: string | null;
      user_agent: string | null;
      status: AuditEvent['status'];
      details: Record<string, unknown> | null;
      created_at: Date;
    }[] = await this.dataSource.query(
      `SELECT c.id AS connection, e.seq, e.event_id, e.owner_id, e.type, e.actor_type, e.actor_id,
              e.request_id, e.ip, e.user_agent, e.status, e.details, e.created_at
         FROM connections c
         LEFT JOIN LATERAL (
           SELECT * FROM connection_events e
            WHERE ${inner.join(' AND ')}
            ORDER BY e.seq DESC
            LIMIT $3) e ON true
        WHERE ${outer.join(' AND ')}
        ORDER BY c.id, e.seq DESC`,
      values,
    );
    const pages = new Map<string, AuditEvent[]>();
    for (const row of rows) {
      let page = pages.get(row.connection);
      if (!page) pages.set(row.connection, (page = []));
      if (row.seq === null) continue;
      const event = new AuditEvent();
      Object.assign(event, {
        seq: String(row.seq),
        eventId: row.event_id,
        connectionId: row.connection,
        ownerId: row.owner_id,
        type: row.type,
        actorType: row.actor_type,
        actorId: row.actor_id,
        requestId: row.request_id,
        ip: row.ip,
        userAgent: row.user_agent,
        status: row.status,
        details: row.details,
        createdAt: new Date(row.created_at),
      });
      page.push(event);
    }
    return pages;
  }
}
