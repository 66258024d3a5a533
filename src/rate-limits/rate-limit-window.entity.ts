import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * One fixed rate-limit window of one bucket (`key:<apiKeyId>` or `session:<sessionId>`): the
 * points every instance has leased from it so far. Instances lease points in chunks and spend
 * them locally, so a row is written once per chunk, not once per request.
 */
@Entity({ name: 'rate_limit_windows' })
export class RateLimitWindow {
  @PrimaryColumn({ name: 'bucket_key', type: 'text' })
  bucketKey: string;

  @PrimaryColumn({ name: 'window_start', type: 'timestamptz' })
  windowStart: Date;

  /** When the window ends; rows are deleted by it (instances may disagree on window lengths for a while). */
  @Index('rate_limit_windows_window_end_idx')
  @Column({ name: 'window_end', type: 'timestamptz' })
  windowEnd: Date;

  /** Points granted to instances in this window; never more than the limit. */
  @Column({ name: 'points_used', type: 'integer' })
  pointsUsed: number;

  /** What the latest lease granted, so the one statement that grants it can also return it. */
  @Column({ name: 'last_grant', type: 'integer' })
  lastGrant: number;
}
