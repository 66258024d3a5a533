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

/**
 * Holds a transaction-scoped lock on (`scope`, `key`) until `tx` ends: concurrent units of work
 * that take the same lock run one after another, e.g. "count an owner's rows, then insert one"
 * cannot both pass a limit. `scope` names what is guarded (a table, a budget), `key` whose (an
 * owner id). PostgreSQL: pg_advisory_xact_lock on the two strings' hashes (a hash collision only
 * serialises two unrelated keys). The embedded engine runs one transaction at a time, where the
 * lock is granted at once and the exclusion comes from that.
 */
export async function lockKey(tx: Tx, scope: string, key: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))', [scope, key]);
}
