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

  /** Deletes up to `batch` events older than `days` days; returns how many it deleted. */
  async deleteOlderThan(days: number, batch: number): Promise<number> {
    // TypeORM answers a DELETE with [rows, rowCount].
    const [, deleted]: [unknown[], number] = await this.dataSource.query(
      `DELETE FROM connection_events
        WHERE seq IN (
          SELECT seq FROM connection_events
           WHERE created_at < now() - make_interval(days => $1)
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
}
