/** Connections in PostgreSQL. TypeORM lives here and nowhere above it. */
import { In, IsNull, Not, type DataSource, type FindOptionsWhere } from 'typeorm';
import { Connection } from './connection.entity';
import type { ConnectionRecord, ConnectionStatus, LastError } from './connection.types';
import { RECORD_COLUMNS, toRecord, type RecordRow } from './connection-record-row';
import type { AuthType } from '../connectors/connector.types';
import type { Sealed } from '../shared/crypto/cipher';
import { inTransaction } from '../db/transaction';
import type { HotQueries } from '../db/hot-queries';
import type { ChangeFacts, ConnectionJournal } from '../audit/connection-journal';
import type { AuditEventType } from '../audit/audit-event.types';

export interface NewConnection {
  ownerId: string;
  connectorSlug: string;
  authType: AuthType;
  label: string | null;
  config: Record<string, string>;
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
  /** The connection's config after the exchange (fields filled from the token response). */
  config?: Record<string, string>;
  /** When the connector's check accepted the new tokens. */
  checkedAt?: Date;
}

/** What a change to one live connection does, decided from the row as it was (see changeLive). */
export interface LiveChange {
  set: Partial<Connection>;
  /** The event journaled; none only for bookkeeping no one is told about (when a check last ran). */
  type: AuditEventType | null;
  facts?: ChangeFacts;
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

  /** The owner's live connection to a connector, if any (one at most). */
  findLiveOfOwnerBySlug(ownerId: string, connectorSlug: string): Promise<Connection | null> {
    return this.repo.findOneBy({ ownerId, connectorSlug });
  }

  /** The owner's connected connections (one per connector at most): what an MCP client may run. */
  listConnectedOfOwner(ownerId: string): Promise<Pick<Connection, 'id' | 'connectorSlug' | 'authType'>[]> {
    return this.repo.find({
      select: { id: true, connectorSlug: true, authType: true },
      where: { ownerId, status: 'connected' },
      order: { connectorSlug: 'ASC' },
    });
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

  /**
   * Stores a sealed secret on the owner's live connection and marks it connected. `checked`: the
   * provider accepted the credentials just now (and named the account, when it did).
   */
  async storeSecretAndConnect(
    ownerId: string,
    id: string,
    sealed: Sealed,
    now: Date,
    checked?: { account: string | null },
  ): Promise<Connection | null> {
    const fields = checked
      ? { secret: sealed, account: checked.account, lastCheckedAt: now }
      : { secret: sealed };
    return (await this.markConnected({ id, ownerId }, fields, now))?.after ?? null;
  }

  /**
   * Replaces the config of the owner's live connection that is not connected yet (a repeat
   * connect with other values). Null when the connection is gone or became connected meanwhile.
   */
  async replaceConfig(
    ownerId: string,
    id: string,
    config: Record<string, string>,
    now: Date,
  ): Promise<Connection | null> {
    const result = await this.repo
      .createQueryBuilder()
      .update(Connection)
      .set({ config, updatedAt: now })
      .where('id = :id AND owner_id = :ownerId AND deleted_at IS NULL AND status <> :connected', {
        id,
        ownerId,
        connected: 'connected',
      })
      .execute();
    return result.affected ? this.repo.findOneBy({ id, ownerId }) : null;
  }

  /** Sets config values learnt from the provider (an OAuth token response) on a live connection. */
  async mergeConfig(id: string, values: Record<string, string>): Promise<void> {
    await this.repo
      .createQueryBuilder()
      .update(Connection)
      .set({ config: () => `config || :values::jsonb` })
      .where('id = :id AND deleted_at IS NULL')
      .setParameters({ id, values: JSON.stringify(values) })
      .execute();
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
    const changed = await this.changeLive({ id, ownerId }, (live) => ({
      set: {
        status: 'revoked',
        secret: null,
        tokenVersion: live.tokenVersion + 1,
        deletedAt: now,
        updatedAt: now,
        refreshLeaseUntil: null,
      },
      type: 'connection.revoked',
      facts: { previousStatus: live.status },
    }));
    return changed && { connection: changed.after, previousSecret: changed.before.secret };
  }

  /** A live connection by id whoever owns it: for the runtime and the OAuth callback only. */
  findLiveById(id: string): Promise<Connection | null> {
    return this.repo.findOneBy({ id });
  }

  /**
   * Stores a fresh token set from a completed handshake: connected, error cleared. Returns the
   * record and the secret it replaced (a re-authorisation's old grant, for the provider to revoke).
   */
  async storeTokens(
    id: string,
    tokens: StoredTokens,
    now: Date,
  ): Promise<{ connection: Connection; previousSecret: Sealed | null } | null> {
    const changed = await this.markConnected(
      { id },
      {
        secret: tokens.sealed,
        tokenExpiresAt: tokens.expiresAt,
        scopes: tokens.scopes,
        account: tokens.account,
        ...(tokens.config ? { config: tokens.config } : {}),
        ...(tokens.checkedAt ? { lastCheckedAt: tokens.checkedAt } : {}),
      },
      now,
    );
    return changed && { connection: changed.after, previousSecret: changed.before.secret };
  }

  /**
   * The one way a live connection becomes connected: its new secret (and facts about it)
   * stored under the next token version, the error cleared, `connectedAt` set the first time
   * only. Journaled as `connection.connected` the first time, `connection.reauthorized` after that.
   */
  private async markConnected(
    where: FindOptionsWhere<Connection>,
    fields: Pick<
      Partial<Connection>,
      'secret' | 'tokenExpiresAt' | 'scopes' | 'account' | 'lastCheckedAt' | 'config'
    >,
    now: Date,
  ): Promise<{ before: Connection; after: Connection } | null> {
    return this.changeLive(where, (before) => ({
      set: {
        ...fields,
        tokenVersion: before.tokenVersion + 1,
        status: 'connected',
        lastError: null,
        updatedAt: now,
        connectedAt: before.connectedAt ?? now,
      },
      type: before.connectedAt ? 'connection.reauthorized' : 'connection.connected',
      facts: { previousStatus: before.status },
    }));
  }

  /**
   * Records why a connection could not be connected. A connection that was connected keeps its
   * status (its tokens still work); any other becomes `status`.
   */
  async recordError(
    id: string,
    lastError: LastError,
    status: ConnectionStatus,
    now: Date,
  ): Promise<Connection | null> {
    const changed = await this.changeLive({ id }, (before) => ({
      set: { lastError, updatedAt: now, status: before.status === 'connected' ? 'connected' : status },
      type: 'connection.error',
      facts: {
        previousStatus: before.status,
        details: { error: { code: lastError.code, message: lastError.message } },
      },
    }));
    return changed?.after ?? null;
  }

  /**
   * Records a health check's result on a live connection that is still connected or in error
   * and still holds the tokens of `version` (a re-authorisation or new credentials meanwhile win:
   * null, nothing changed).
   */
  async recordCheck(
    id: string,
    version: number,
    change: (before: Connection) => LiveChange,
  ): Promise<Connection | null> {
    const changed = await this.changeLive(
      { id, tokenVersion: version, status: In(['connected', 'error'] satisfies ConnectionStatus[]) },
      change,
    );
    return changed?.after ?? null;
  }

  /**
   * The one way a live connection changes: in one transaction, lock the live row matching
   * `where`, apply what `change` decides from it as it was, re-read it and journal the event
   * (audit row, webhook outbox). Null when no live row matches.
   */
  async changeLive(
    where: FindOptionsWhere<Connection>,
    change: (before: Connection) => LiveChange,
  ): Promise<{ before: Connection; after: Connection } | null> {
    return inTransaction(this.dataSource, async (tx) => {
      const repo = tx.getRepository(Connection);
      const before = await repo.findOne({ where, lock: { mode: 'pessimistic_write' } });
      if (!before) return null;
      const { set, type, facts } = change(before);
      await repo.update({ id: before.id }, set);
      // withDeleted: a revocation's row is soft-deleted by the change itself.
      const after = await repo.findOneOrFail({ where: { id: before.id }, withDeleted: true });
      if (type) await this.journal.record(tx, after, type, facts);
      return { before, after };
    });
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
