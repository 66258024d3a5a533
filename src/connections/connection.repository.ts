/** Connections in PostgreSQL. TypeORM lives here and nowhere above it. */
import { IsNull, Not, type DataSource } from 'typeorm';
import { Connection } from './connection.entity';
import type { ConnectionRecord, ConnectionStatus, LastError } from './connection.types';
import type { AuthType } from '../connectors/connector.types';
import type { Sealed } from '../shared/crypto/cipher';
import { inTransaction } from '../db/transaction';
import type { HotQueries } from '../db/hot-queries';
import type { ConnectionJournal } from '../audit/connection-journal';

/** The list's columns: everything a serializer shows, never the secret. */
const RECORD_COLUMNS =
  'id, owner_id, connector_slug, auth_type, label, status, last_error, token_expires_at, scopes, ' +
  'account, last_refreshed_at, created_at, updated_at, connected_at, deleted_at';

interface RecordRow {
  id: string;
  owner_id: string;
  connector_slug: string;
  auth_type: ConnectionRecord['authType'];
  label: string | null;
  status: ConnectionStatus;
  last_error: LastError | null;
  token_expires_at: Date | null;
  scopes: string[] | null;
  account: string | null;
  last_refreshed_at: Date | null;
  created_at: Date;
  updated_at: Date;
  connected_at: Date | null;
  deleted_at: Date | null;
}

function toRecord(row: RecordRow): ConnectionRecord {
  return {
    id: row.id,
    ownerId: row.owner_id,
    connectorSlug: row.connector_slug,
    authType: row.auth_type,
    label: row.label,
    status: row.status,
    lastError: row.last_error,
    tokenExpiresAt: row.token_expires_at,
    scopes: row.scopes,
    account: row.account,
    lastRefreshedAt: row.last_refreshed_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    connectedAt: row.connected_at,
    deletedAt: row.deleted_at,
  };
}

export interface NewConnection {
  ownerId: string;
  connectorSlug: string;
  authType: AuthType;
  label: string | null;
  status: ConnectionStatus;
  connectedAt: Date | null;
  createdAt: Date;
}

/** A sealed token set and the facts about it that may be shown. */
export interface StoredTokens {
  sealed: Sealed;
  expiresAt: Date | null;
  scopes: string[] | null;
  account?: string | null;
}

/** A position in the newest-first order: the last row of the previous page. */
export interface ListPosition {
  createdAt: Date;
  id: string;
}

export interface ListQuery {
  limit: number;
  after?: ListPosition;
  connectorSlug?: string;
  /** Only connections of these connectors (a restricted browser session's view). */
  connectorSlugs?: readonly string[];
  status?: ConnectionStatus;
}

export class ConnectionRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hot: HotQueries,
    /** Every change below is journaled (audit trail, webhook outbox) in its own transaction. */
    private readonly journal: ConnectionJournal,
  ) {}

  private get repo() {
    return this.dataSource.getRepository(Connection);
  }

  /**
   * Inserts the owner's live connection to a connector, or returns the one that exists. The
   * partial unique index decides races: of concurrent calls exactly one inserts.
   */
  async insertLiveOrGetExisting(input: NewConnection): Promise<{ connection: Connection; created: boolean }> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const inserted = await inTransaction(this.dataSource, async (tx) => {
        const result = await tx
          .createQueryBuilder()
          .insert()
          .into(Connection)
          .values({ ...input, updatedAt: input.createdAt, lastError: null, secret: null, deletedAt: null })
          .orIgnore()
          .returning(['id'])
          .execute();
        const insertedId = (result.raw as { id: string }[])[0]?.id;
        if (!insertedId) return null;
        const connection = await tx.getRepository(Connection).findOneByOrFail({ id: insertedId });
        await this.journal.record(tx, connection, 'connection.created');
        if (connection.status === 'connected')
          await this.journal.record(tx, connection, 'connection.connected');
        return connection;
      });
      if (inserted) return { connection: inserted, created: true };
      const existing = await this.repo.findOneBy({
        ownerId: input.ownerId,
        connectorSlug: input.connectorSlug,
      });
      // Null only if the live row was revoked between the two statements: try again.
      if (existing) return { connection: existing, created: false };
    }
    throw new Error('could not insert or find the live connection');
  }

  findLiveOfOwner(ownerId: string, id: string): Promise<Connection | null> {
    // The soft-delete column makes TypeORM add "deleted_at IS NULL" to every find.
    return this.repo.findOneBy({ id, ownerId });
  }

  /**
   * One page of the owner's live connections, newest first, after `query.after`: a keyset read
   * on connections_owner_created_live_idx, O(page) however many rows the owner has. Each filter
   * combination is its own prepared statement, so every plan can use the cursor in the index.
   */
  async listLiveOfOwner(ownerId: string, query: ListQuery): Promise<ConnectionRecord[]> {
    const values: unknown[] = [ownerId];
    const where = ['owner_id = $1', 'deleted_at IS NULL'];
    let name = 'connections_page';
    if (query.connectorSlug !== undefined) {
      values.push(query.connectorSlug);
      where.push(`connector_slug = $${values.length}`);
      name += '_slug';
    }
    if (query.connectorSlugs !== undefined) {
      values.push([...query.connectorSlugs]);
      where.push(`connector_slug = ANY($${values.length}::text[])`);
      name += '_slugs';
    }
    if (query.status !== undefined) {
      values.push(query.status);
      where.push(`status = $${values.length}`);
      name += '_status';
    }
    if (query.after) {
      values.push(query.after.createdAt, query.after.id);
      where.push(`(created_at, id) < ($${values.length - 1}::timestamptz, $${values.length}::uuid)`);
      name += '_after';
    }
    values.push(query.limit);
    const rows = await this.hot.rows<RecordRow>(
      name,
      `SELECT ${RECORD_COLUMNS} FROM connections WHERE ${where.join(' AND ')}
        ORDER BY created_at DESC, id DESC LIMIT $${values.length}`,
      values,
    );
    return rows.map(toRecord);
  }

  /** Stores a sealed secret on the owner's live connection and marks it connected. */
  storeSecretAndConnect(ownerId: string, id: string, sealed: Sealed, now: Date): Promise<Connection | null> {
    return this.markConnected(id, ownerId, { secret: sealed }, now);
  }

  /**
   * Revokes a live connection: status, soft delete and the secret destroyed together. Returns
   * the revoked record and the secret it held, so the caller can ask the provider to revoke it.
   */
  async revokeLive(
    ownerId: string,
    id: string,
    now: Date,
  ): Promise<{ connection: Connection; previousSecret: Sealed | null } | null> {
    return inTransaction(this.dataSource, async (tx) => {
      const repo = tx.getRepository(Connection);
      const live = await repo.findOne({ where: { id, ownerId }, lock: { mode: 'pessimistic_write' } });
      if (!live) return null;
      await repo.update(
        { id },
        { status: 'revoked', secret: null, deletedAt: now, updatedAt: now, refreshLeaseUntil: null },
      );
      const connection = await repo.findOneOrFail({ where: { id }, withDeleted: true });
      await this.journal.record(tx, connection, 'connection.revoked', { previousStatus: live.status });
      return { connection, previousSecret: live.secret };
    });
  }

  /** A live connection by id whoever owns it: for the runtime and the OAuth callback only. */
  findLiveById(id: string): Promise<Connection | null> {
    return this.repo.findOneBy({ id });
  }

  /** Stores a fresh token set from a completed handshake: connected, error cleared. */
  storeTokens(id: string, tokens: StoredTokens, now: Date): Promise<Connection | null> {
    return this.markConnected(
      id,
      undefined,
      {
        secret: tokens.sealed,
        tokenExpiresAt: tokens.expiresAt,
        scopes: tokens.scopes,
        account: tokens.account,
      },
      now,
    );
  }

  /**
   * The one way a live connection becomes connected: its new secret (and facts about it)
   * stored, the error cleared, `connectedAt` set the first time only. Journaled as
   * `connection.connected` the first time, `connection.reauthorized` after that.
   */
  private markConnected(
    id: string,
    ownerId: string | undefined,
    fields: Pick<Partial<Connection>, 'secret' | 'tokenExpiresAt' | 'scopes' | 'account'>,
    now: Date,
  ): Promise<Connection | null> {
    return inTransaction(this.dataSource, async (tx) => {
      const repo = tx.getRepository(Connection);
      const before = await repo.findOne({
        where: ownerId === undefined ? { id } : { id, ownerId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!before) return null;
      await tx
        .createQueryBuilder()
        .update(Connection)
        .set({
          ...fields,
          status: 'connected',
          lastError: null,
          updatedAt: now,
          connectedAt: before.connectedAt ?? now,
        })
        .where('id = :id', { id })
        .execute();
      const after = await repo.findOneByOrFail({ id });
      await this.journal.record(
        tx,
        after,
        before.connectedAt ? 'connection.reauthorized' : 'connection.connected',
        {
          previousStatus: before.status,
        },
      );
      return after;
    });
  }

  /**
   * Records why a connection could not be connected. A connection that was connected keeps its
   * status (its tokens still work); any other becomes `status`.
   */
  recordError(
    id: string,
    lastError: LastError,
    status: ConnectionStatus,
    now: Date,
  ): Promise<Connection | null> {
    return inTransaction(this.dataSource, async (tx) => {
      const repo = tx.getRepository(Connection);
      const before = await repo.findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
      if (!before) return null;
      await repo.update(
        { id },
        { lastError, updatedAt: now, status: before.status === 'connected' ? 'connected' : status },
      );
      const after = await repo.findOneByOrFail({ id });
      await this.journal.record(tx, after, 'connection.error', {
        previousStatus: before.status,
        details: { error: { code: lastError.code, message: lastError.message } },
      });
      return after;
    });
  }

  /**
   * Claims the refresh lease of a connection. One conditional UPDATE: of concurrent claimers on
   * every instance exactly one gets the row back (fresh, as re-read after the claim).
   */
  async claimRefreshLease(id: string, now: Date, until: Date): Promise<Connection | null> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(Connection)
      .set({ refreshLeaseUntil: until })
      .where(
        'id = :id AND deleted_at IS NULL AND (refresh_lease_until IS NULL OR refresh_lease_until < :now)',
        {
          id,
          now,
        },
      )
      .execute();
    return result.affected ? this.findLiveById(id) : null;
  }

  /** Saves a refreshed token set (a rotated refresh token with it) and releases the lease, in one statement. */
  finishRefresh(id: string, lease: Date, tokens: StoredTokens, now: Date): Promise<boolean> {
    return inTransaction(this.dataSource, async (tx) => {
      const result = await tx
        .createQueryBuilder()
        .update(Connection)
        .set({
          secret: tokens.sealed,
          tokenExpiresAt: tokens.expiresAt,
          scopes: tokens.scopes,
          status: 'connected',
          lastError: null,
          lastRefreshedAt: now,
          refreshLeaseUntil: null,
          updatedAt: now,
        })
        .where('id = :id AND deleted_at IS NULL AND refresh_lease_until = :lease', { id, lease })
        .execute();
      if ((result.affected ?? 0) !== 1) return false;
      const after = await tx.getRepository(Connection).findOneByOrFail({ id });
      await this.journal.record(tx, after, 'connection.token_refreshed');
      return true;
    });
  }

  /**
   * Releases the lease after a failed refresh, recording why; `expire` turns the connection
   * expired (`connection.expired`), otherwise it keeps its tokens (`connection.refresh_failed`).
   */
  async failRefresh(
    id: string,
    lease: Date,
    lastError: LastError,
    expire: boolean,
    now: Date,
  ): Promise<void> {
    await inTransaction(this.dataSource, async (tx) => {
      const repo = tx.getRepository(Connection);
      const before = await repo.findOne({
        where: { id, refreshLeaseUntil: lease },
        lock: { mode: 'pessimistic_write' },
      });
      if (!before) return;
      await repo.update(
        { id },
        {
          lastError,
          refreshLeaseUntil: null,
          updatedAt: now,
          ...(expire ? { status: 'expired' as const } : {}),
        },
      );
      const after = await repo.findOneByOrFail({ id });
      await this.journal.record(tx, after, expire ? 'connection.expired' : 'connection.refresh_failed', {
        previousStatus: before.status,
        details: { error: { code: lastError.code, message: lastError.message } },
      });
    });
  }

  async releaseLease(id: string, lease: Date): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .update(Connection)
      .set({ refreshLeaseUntil: null })
      .where('id = :id AND refresh_lease_until = :lease', { id, lease })
      .execute();
  }

  /**
   * Connected OAuth connections of the given connectors whose token expires before `before`,
   * oldest expiry first.
   */
  async findDueForRefresh(
    before: Date,
    now: Date,
    limit: number,
    connectorSlugs: string[],
  ): Promise<string[]> {
    if (connectorSlugs.length === 0) return [];
    const rows = await this.repo
      .createQueryBuilder('c')
      .select('c.id', 'id')
      .where("c.auth_type = 'oauth' AND c.status = 'connected' AND c.secret IS NOT NULL")
      .andWhere('c.token_expires_at < :before', { before })
      .andWhere('c.connector_slug IN (:...connectorSlugs)', { connectorSlugs })
      .andWhere('(c.refresh_lease_until IS NULL OR c.refresh_lease_until < :now)', { now })
      .orderBy('c.token_expires_at', 'ASC')
      .limit(limit)
      .getRawMany<{ id: string }>();
    return rows.map((row) => row.id);
  }

  /** Visits every stored secret in id order, a batch per transaction, letting `rewrite` replace it. */
  async rewriteSecrets(
    rewrite: (id: string, sealed: Sealed) => Sealed | undefined,
    batchSize = 200,
  ): Promise<number> {
    let after = '00000000-0000-0000-0000-000000000000';
    let rewritten = 0;
    for (;;) {
      const batch = await inTransaction(this.dataSource, async (tx) => {
        const rows = await tx
          .getRepository(Connection)
          .createQueryBuilder('c')
          .withDeleted()
          .select(['c.id', 'c.secret'])
          .where('c.secret IS NOT NULL AND c.id > :after', { after })
          .orderBy('c.id', 'ASC')
          .limit(batchSize)
          .setLock('pessimistic_write')
          .getMany();
        for (const row of rows) {
          const next = rewrite(row.id, row.secret!);
          if (next !== undefined) {
            await tx
              .getRepository(Connection)
              .update({ id: row.id, secret: Not(IsNull()) }, { secret: next });
            rewritten++;
          }
        }
        return rows;
      });
      if (batch.length < batchSize) return rewritten;
      after = batch[batch.length - 1]!.id;
    }
  }
}
