import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Owner } from '../owners/owner.entity';

/**
 * One Idempotency-Key of one credential (an owner's API key, or one browser session): the request it was first used with (a fingerprint), and,
 * once that request finished, its answer (the body sealed, since it can carry an OAuth ticket).
 * While the first request runs, the row is locked (`lock_token`, `locked_until`); a lock that
 * outlives `locked_until` belonged to a crashed instance and may be taken over.
 */
@Entity({ name: 'idempotency_keys' })
export class IdempotencyKey {
  /** `api_key:<id>` or `session:<id>`: whose key this is; answers are replayed to it alone. */
  @PrimaryColumn({ type: 'varchar', length: 80 })
  credential: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @ManyToOne(() => Owner, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'owner_id' })
  owner?: Owner;

  @PrimaryColumn({ name: 'idempotency_key', type: 'varchar', length: 255 })
  idempotencyKey: string;

  /**
   * Hex HMAC-SHA-256 (key derived from ENCRYPTION_KEY) of the SHA-256 over the method, the
   * matched route and the canonical JSON body: no plain hash of a body that may hold a secret.
   */
  @Column({ type: 'char', length: 64 })
  fingerprint: string;

  /** Set while the first request runs; only its holder may store or drop the answer. */
  @Column({ name: 'lock_token', type: 'uuid', nullable: true })
  lockToken: string | null;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil: Date | null;

  /** The stored answer; null while the first request is in progress. */
  @Column({ name: 'response_status', type: 'smallint', nullable: true })
  responseStatus: number | null;

  @Column({ name: 'response_content_type', type: 'text', nullable: true })
  responseContentType: string | null;

  /** Sealed with the cipher (never plaintext: an oauthUrl carries a ticket). */
  @Column({ name: 'response_body', type: 'text', nullable: true })
  responseBody: string | null;

  @Index('idempotency_keys_expires_at_idx')
  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;
}
