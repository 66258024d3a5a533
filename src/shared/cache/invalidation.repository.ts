/** Cache invalidation signals in PostgreSQL; see cache-invalidation.entity.ts. */
import type { DataSource } from 'typeorm';
import type { Tx } from '../../db/transaction';
import { CacheInvalidation } from './cache-invalidation.entity';

export class InvalidationRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Records a signal inside the caller's transaction, so it exists exactly when the change does. */
  async publishIn(tx: Tx, topic: string): Promise<void> {
    await tx.insert(CacheInvalidation, { topic });
  }

  /**
   * Signals younger than `windowSeconds` by the database's clock. A signal's time is its
   * transaction's start, so one committed late still falls inside a window much longer than
   * any transaction that writes one.
   */
  async recent(windowSeconds: number): Promise<{ id: string; topic: string }[]> {
    return this.dataSource.query(
      `SELECT id::text AS id, topic FROM cache_invalidations
        WHERE created_at > now() - make_interval(secs => $1)`,
      [windowSeconds],
    );
  }

  async pruneOlderThan(seconds: number): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM cache_invalidations WHERE created_at < now() - make_interval(secs => $1)`,
      [seconds],
    );
  }
}
