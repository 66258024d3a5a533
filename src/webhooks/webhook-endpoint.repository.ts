/** Webhook endpoints in PostgreSQL. TypeORM stays in here. */
import { IsNull, type DataSource } from 'typeorm';
import { inTransaction, lockKey } from '../db/transaction';
import type { Sealed } from '../shared/crypto/cipher';
import { WebhookEndpoint } from './webhook-endpoint.entity';

export interface NewWebhookEndpoint {
  id: string;
  ownerId: string | null;
  url: string;
  description: string | null;
  eventTypes: string[] | null;
  secret: Sealed;
}

export class WebhookEndpointRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(WebhookEndpoint);
  }

  /**
   * Inserts the endpoint unless its owner already has `limit` live ones (0: no limit; an
   * operator-wide endpoint has none): then answers null and inserts nothing. The count and the
   * insert run under the owner's lock, so concurrent creates cannot pass the limit together.
   */
  async insertWithinLimit(endpoint: NewWebhookEndpoint, limit: number): Promise<WebhookEndpoint | null> {
    return inTransaction(this.dataSource, async (tx) => {
      const repo = tx.getRepository(WebhookEndpoint);
      if (endpoint.ownerId !== null && limit > 0) {
        await lockKey(tx, 'webhook_endpoints', endpoint.ownerId);
        if ((await repo.count({ where: { ownerId: endpoint.ownerId } })) >= limit) return null;
      }
      await repo.insert({ ...endpoint, deletedAt: null });
      return repo.findOneByOrFail({ id: endpoint.id });
    });
  }

  /** The owner's live endpoints, oldest first. */
  listLiveOfOwner(ownerId: string): Promise<WebhookEndpoint[]> {
    return this.repo.find({ where: { ownerId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Every live endpoint, operator-wide ones included, oldest first. */
  listAllLive(): Promise<WebhookEndpoint[]> {
    return this.repo.find({ order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** Live endpoints without an owner (they receive every owner's events). */
  listOperatorWide(): Promise<WebhookEndpoint[]> {
    return this.repo.find({ where: { ownerId: IsNull() }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  findLiveOfOwner(ownerId: string, id: string): Promise<WebhookEndpoint | null> {
    return this.repo.findOneBy({ id, ownerId });
  }

  findLive(id: string): Promise<WebhookEndpoint | null> {
    return this.repo.findOneBy({ id });
  }

  /**
   * Soft-deletes a live endpoint (of `ownerId` when given) and, in the same transaction, gives up
   * its pending deliveries: nothing more is sent to it. False when there was no such endpoint.
   */
  async softDelete(id: string, ownerId: string | undefined, at: Date): Promise<boolean> {
    return inTransaction(this.dataSource, async (tx) => {
      const query = tx
        .createQueryBuilder()
        .update(WebhookEndpoint)
        .set({ deletedAt: at })
        .where('id = :id AND deleted_at IS NULL', { id });
      if (ownerId !== undefined) query.andWhere('owner_id = :ownerId', { ownerId });
      const result = await query.execute();
      if (!result.affected) return false;
      await tx.query(
        `UPDATE webhook_deliveries SET failed_at = $2, lease_until = NULL, last_error = 'endpoint deleted'
          WHERE endpoint_id = $1 AND delivered_at IS NULL AND failed_at IS NULL`,
        [id, at],
      );
      return true;
    });
  }

  /**
   * Rewrites every stored secret (deleted endpoints' too) with what `rewrite` returns for it;
   * undefined leaves it as it is. Returns how many were rewritten.
   */
  async rewriteSecrets(rewrite: (id: string, sealed: Sealed) => Sealed | undefined): Promise<number> {
    const rows = await this.repo.find({ select: { id: true, secret: true }, withDeleted: true });
    let rewritten = 0;
    for (const row of rows) {
      const next = rewrite(row.id, row.secret);
      if (next === undefined) continue;
      await this.repo.update({ id: row.id }, { secret: next });
      rewritten += 1;
    }
    return rewritten;
  }
}
