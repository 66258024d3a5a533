import type { DataSource } from 'typeorm';
import type { HotQueries } from '../db/hot-queries';
import { inTransaction } from '../db/transaction';
import type { InvalidationRepository } from '../shared/cache/invalidation.repository';
import { ApiKey } from './api-key.entity';
import { Owner } from './owner.entity';

/** Cached key lookups are dropped on every instance when this topic is signalled. */
export const API_KEYS_TOPIC = 'api_keys';

/** Owners and their API keys. TypeORM stays in here. */
export class OwnerRepository {
  constructor(
    private readonly dataSource: DataSource,
    private readonly hot: HotQueries,
    private readonly invalidations: InvalidationRepository,
  ) {}

  /** Returns the owner with this name, creating it if new; safe under concurrent calls. */
  async findOrCreateByName(name: string): Promise<Owner> {
    await this.dataSource.createQueryBuilder().insert().into(Owner).values({ name }).orIgnore().execute();
    return this.dataSource.getRepository(Owner).findOneByOrFail({ name });
  }

  /** The name an owner was created with (`keys create --owner <name>`), shown to whom a link connects for. */
  async findNameById(id: string): Promise<string | null> {
    const owner = await this.dataSource.getRepository(Owner).findOneBy({ id });
    return owner?.name ?? null;
  }

  findByName(name: string): Promise<Owner | null> {
    return this.dataSource.getRepository(Owner).findOneBy({ name });
  }

  async insertKey(ownerId: string, keyHash: string, prefix: string): Promise<ApiKey> {
    const repo = this.dataSource.getRepository(ApiKey);
    return repo.save(repo.create({ ownerId, keyHash, prefix, revokedAt: null }));
  }

  listKeysOfOwner(ownerId: string): Promise<ApiKey[]> {
    return this.dataSource.getRepository(ApiKey).find({ where: { ownerId }, order: { createdAt: 'ASC' } });
  }

  /** Keys whose id or display prefix is `ref` (a prefix may match several). */
  findKeysByIdOrPrefix(ref: string, refIsUuid: boolean): Promise<ApiKey[]> {
    const repo = this.dataSource.getRepository(ApiKey);
    return refIsUuid
      ? repo.find({ where: [{ id: ref }, { prefix: ref }] })
      : repo.find({ where: { prefix: ref } });
  }

  /** Revokes the key and, in the same transaction, tells every instance to drop cached lookups. */
  async markKeyRevoked(id: string, at: Date): Promise<void> {
    await inTransaction(this.dataSource, async (tx) => {
      const result = await tx
        .createQueryBuilder()
        .update(ApiKey)
        .set({ revokedAt: at })
        .where('id = :id AND revoked_at IS NULL', { id })
        .execute();
      if (result.affected) await this.invalidations.publishIn(tx, API_KEYS_TOPIC);
    });
  }

  /** The hot path of every request: one indexed lookup, a prepared statement, no entity hydration. */
  async findLiveKeyByHash(keyHash: string): Promise<{ keyId: string; ownerId: string } | undefined> {
    const rows = await this.hot.rows<{ id: string; owner_id: string }>(
      'api_keys_live_by_hash',
      'SELECT id, owner_id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
      [keyHash],
    );
    const row = rows[0];
    return row ? { keyId: row.id, ownerId: row.owner_id } : undefined;
  }
}
