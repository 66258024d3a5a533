/** Connections in PostgreSQL. TypeORM lives here and nowhere above it. */
import { IsNull, Not, type DataSource } from 'typeorm';
import { Connection } from './connection.entity';
import type { ConnectionStatus } from './connection.types';
import type { AuthType } from '../connectors/connector.types';
import type { Sealed } from '../shared/crypto/cipher';
import { inTransaction } from '../db/transaction';

export interface NewConnection {
  ownerId: string;
  connectorSlug: string;
  authType: AuthType;
  label: string | null;
  status: ConnectionStatus;
  connectedAt: Date | null;
  createdAt: Date;
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
  status?: ConnectionStatus;
}

export class ConnectionRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(Connection);
  }

  /**
   * Inserts the owner's live connection to a connector, or returns the one that exists. The
   * partial unique index decides races: of concurrent calls exactly one inserts.
   */
  async insertLiveOrGetExisting(input: NewConnection): Promise<{ connection: Connection; created: boolean }> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const result = await this.dataSource
        .createQueryBuilder()
        .insert()
        .into(Connection)
        .values({ ...input, updatedAt: input.createdAt, lastError: null, secret: null, deletedAt: null })
        .orIgnore()
        .returning(['id'])
        .execute();
      const insertedId = (result.raw as { id: string }[])[0]?.id;
      const connection = insertedId
        ? await this.repo.findOneBy({ id: insertedId })
        : await this.repo.findOneBy({ ownerId: input.ownerId, connectorSlug: input.connectorSlug });
      // Null only if the live row was revoked between the two statements: try again.
      if (connection) return { connection, created: insertedId !== undefined };
    }
    throw new Error('could not insert or find the live connection');
  }

  findLiveOfOwner(ownerId: string, id: string): Promise<Connection | null> {
    // The soft-delete column makes TypeORM add "deleted_at IS NULL" to every find.
    return this.repo.findOneBy({ id, ownerId });
  }

  listLiveOfOwner(ownerId: string, query: ListQuery): Promise<Connection[]> {
    const qb = this.repo
      .createQueryBuilder('c')
      .where('c.owner_id = :ownerId', { ownerId })
      .orderBy('c.created_at', 'DESC')
      .addOrderBy('c.id', 'DESC')
      .limit(query.limit);
    if (query.connectorSlug !== undefined)
      qb.andWhere('c.connector_slug = :slug', { slug: query.connectorSlug });
    if (query.status !== undefined) qb.andWhere('c.status = :status', { status: query.status });
    if (query.after) {
      qb.andWhere('(c.created_at, c.id) < (:afterAt, :afterId)', {
        afterAt: query.after.createdAt,
        afterId: query.after.id,
      });
    }
    return qb.getMany();
  }

  /** Stores a sealed secret on a live connection and marks it connected. */
  async storeSecretAndConnect(
    ownerId: string,
    id: string,
    sealed: Sealed,
    now: Date,
  ): Promise<Connection | null> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(Connection)
      .set({
        secret: sealed,
        status: 'connected',
        lastError: null,
        updatedAt: now,
        connectedAt: () => `COALESCE("connected_at", :now)`,
      })
      .setParameter('now', now)
      .where('id = :id AND owner_id = :ownerId AND deleted_at IS NULL', { id, ownerId })
      .execute();
    return result.affected ? this.findLiveOfOwner(ownerId, id) : null;
  }

  /** Revokes a live connection: status, soft delete and the secret destroyed in one statement. */
  async revokeLive(ownerId: string, id: string, now: Date): Promise<Connection | null> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(Connection)
      .set({ status: 'revoked', secret: null, deletedAt: now, updatedAt: now })
      .where('id = :id AND owner_id = :ownerId AND deleted_at IS NULL', { id, ownerId })
      .execute();
    if (!result.affected) return null;
    return this.repo.findOne({ where: { id }, withDeleted: true });
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
