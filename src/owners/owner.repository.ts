import type { DataSource } from 'typeorm';
import { ApiKey } from './api-key.entity';
import { Owner } from './owner.entity';

/** Owners and their API keys. TypeORM stays in here. */
export class OwnerRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Returns the owner with this name, creating it if new; safe under concurrent calls. */
  async findOrCreateByName(name: string): Promise<Owner> {
    await this.dataSource.createQueryBuilder().insert().into(Owner).values({ name }).orIgnore().execute();
    return this.dataSource.getRepository(Owner).findOneByOrFail({ name });
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

  async markKeyRevoked(id: string, at: Date): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .update(ApiKey)
      .set({ revokedAt: at })
      .where('id = :id AND revoked_at IS NULL', { id })
      .execute();
  }

  /** The hot path of every request: one indexed lookup, no entity hydration. */
  async findLiveKeyByHash(keyHash: string): Promise<{ keyId: string; ownerId: string } | undefined> {
    const rows: { id: string; owner_id: string }[] = await this.dataSource.query(
      'SELECT id, owner_id FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL',
      [keyHash],
    );
    const row = rows[0];
    return row ? { keyId: row.id, ownerId: row.owner_id } : undefined;
  }
}
