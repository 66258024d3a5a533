import {
  Check,
  Column,
  CreateDateColumn,
  DeleteDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
} from 'typeorm';
import { Owner } from '../owners/owner.entity';
import type { Sealed } from '../shared/crypto/cipher';
import type { AuthType } from '../connectors/connector.types';
import type { ConnectionStatus, LastError } from './connection.types';

/**
 * A per-owner instance of a connector. Secrets live only in `secret`, sealed by the service
 * (see shared/crypto); every other column is safe to show its owner.
 */
@Entity({ name: 'connections' })
// One live connection per owner and connector; the index settles concurrent creates.
@Index('connections_owner_slug_live_key', ['ownerId', 'connectorSlug'], {
  unique: true,
  where: '"deleted_at" IS NULL',
})
// The list's keyset order: newest first, id as the tie-break.
@Index('connections_owner_created_live_idx', ['ownerId', 'createdAt', 'id'], {
  where: '"deleted_at" IS NULL',
})
// The health check's pass: live connected or errored connections, per connector by their next
// scheduled check (the pass reads the connectors it checks one by one).
@Index('connections_health_due_idx', ['connectorSlug', 'checkLeaseUntil'], {
  where: `"deleted_at" IS NULL AND "status" IN ('connected', 'error')`,
})
// The scheduled refresh pass (refresh-lease.repository.ts findDue): connected OAuth connections
// holding tokens, soonest expiry first, so a pass reads its batch and not the table.
@Index('connections_refresh_due_idx', ['tokenExpiresAt'], {
  where: `"deleted_at" IS NULL AND "auth_type" = 'oauth' AND "status" = 'connected' AND "secret" IS NOT NULL`,
})
@Check('connections_status_check', `"status" IN ('pending', 'connected', 'expired', 'error', 'revoked')`)
@Check('connections_auth_type_check', `"auth_type" IN ('oauth', 'api_key', 'none')`)
export class Connection {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'owner_id', type: 'uuid' })
  ownerId: string;

  @ManyToOne(() => Owner, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'owner_id' })
  owner?: Owner;

  @Column({ name: 'connector_slug', type: 'text' })
  connectorSlug: string;

  @Column({ name: 'auth_type', type: 'text' })
  authType: AuthType;

  @Column({ type: 'text', nullable: true })
  label: string | null;

  /** The connector's per-connection config values (never secret); `{}` when it has none. */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  config: Record<string, string>;

  @Column({ type: 'text' })
  status: ConnectionStatus;

  @Column({ name: 'last_error', type: 'jsonb', nullable: true })
  lastError: LastError | null;

  /** Sealed JSON of the credentials (api_key) or token set (oauth); null when none is held. */
  @Column({ type: 'text', nullable: true })
  secret: Sealed | null;

  /** When the stored OAuth access token expires (null: unknown, or not an OAuth connection). */
  @Column({ name: 'token_expires_at', type: 'timestamptz', precision: 3, nullable: true })
  tokenExpiresAt: Date | null;

  /** The OAuth scopes the provider granted (or that were asked for, when it did not say). */
  @Column({ type: 'text', array: true, nullable: true })
  scopes: string[] | null;

  /** Who signed in at the provider, when the token response said (an email, a login, a workspace). */
  @Column({ type: 'text', nullable: true })
  account: string | null;

  @Column({ name: 'last_refreshed_at', type: 'timestamptz', precision: 3, nullable: true })
  lastRefreshedAt: Date | null;

  /**
   * The cross-instance refresh lock: an instance claims it with one conditional UPDATE and
   * holds no transaction while it talks to the provider; a lease that outlives its holder expires.
   */
  @Column({ name: 'refresh_lease_until', type: 'timestamptz', precision: 3, nullable: true })
  refreshLeaseUntil: Date | null;

  /**
   * The version of `secret` and the facts about it: every write of new tokens (a handshake, a
   * refresh, a revocation) sets it one higher, comparing and swapping on the version it read,
   * so a late writer never overwrites newer tokens.
   */
  @Column({ name: 'token_version', type: 'integer', default: 0 })
  tokenVersion: number;

  /** When the credentials were last checked at the provider (null until then). */
  @Column({ name: 'last_checked_at', type: 'timestamptz', precision: 3, nullable: true })
  lastCheckedAt: Date | null;

  /**
   * The next scheduled health check, not before: while a check runs, its cross-instance lease (like
   * refreshLeaseUntil); after a verdict, one interval ahead; after a provider that did not answer,
   * the backoff. Null: never scheduled (due now).
   */
  @Column({ name: 'check_lease_until', type: 'timestamptz', precision: 3, nullable: true })
  checkLeaseUntil: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @Column({ name: 'connected_at', type: 'timestamptz', precision: 3, nullable: true })
  connectedAt: Date | null;

  @DeleteDateColumn({ name: 'deleted_at', type: 'timestamptz', precision: 3, nullable: true })
  deletedAt: Date | null;
}
