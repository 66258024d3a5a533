/**
 * The one helper for transactions and row locks. A unit of work runs on a single query runner:
 * the embedded engine needs that (awaiting another pooled connection inside a transaction
 * deadlocks there), and it is the right habit on PostgreSQL too.
 */
import type { DataSource, EntityManager } from 'typeorm';

export type Tx = EntityManager;

export function inTransaction<T>(dataSource: DataSource, work: (tx: Tx) => Promise<T>): Promise<T> {
  return dataSource.transaction('READ COMMITTED', work);
}
