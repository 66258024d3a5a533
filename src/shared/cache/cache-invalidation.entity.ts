import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * A signal to every gateway instance that cached copies of some rows are stale (an API key was
 * revoked). Written in the same transaction as the change; each instance polls for new ones.
 */
@Entity({ name: 'cache_invalidations' })
export class CacheInvalidation {
  @PrimaryGeneratedColumn('increment', { type: 'bigint' })
  id: string;

  /** What went stale, e.g. `api_keys`. */
  @Column({ type: 'text' })
  topic: string;

  /** The database's clock (transaction start), never an instance's. */
  @Index('cache_invalidations_created_at_idx')
  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
