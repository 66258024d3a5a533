/**
 * Owners and API keys: creation for the admin CLI, and the Bearer check every request makes.
 */
import { BadRequestError, NotFoundError } from '../shared/errors';
import { isUuid } from '../shared/ids';
import type { Clock } from '../shared/clock';
import { displayPrefix, generateApiKey, hashApiKey, isWellFormedApiKey } from './api-key';
import type { RevocableCache } from '../shared/cache/revocable-cache';
import type { OwnerRepository } from './owner.repository';
import type { Caller } from '../shared/caller';

export interface CreatedKey {
  ownerId: string;
  apiKey: string;
}

export interface KeySummary {
  id: string;
  prefix: string;
  createdAt: string;
  revokedAt: string | null;
}

export class OwnerService {
  constructor(
    private readonly owners: OwnerRepository,
    private readonly clock: Clock,
    /** Key hash -> caller; revocation drops it on every instance (README "Caches"). */
    private readonly keyCache: RevocableCache<Caller>,
  ) {}

  /** The owner's name, as given to `keys create --owner` (what a connect link says it connects for). */
  async nameOf(ownerId: string): Promise<string> {
    return (await this.owners.findNameById(ownerId)) ?? 'an unknown owner';
  }

  async createKey(ownerName: string): Promise<CreatedKey> {
    const name = ownerName.trim();
    if (!name || name.length > 200)
      throw new BadRequestError('--owner must be a name of 1 to 200 characters.');
    const owner = await this.owners.findOrCreateByName(name);
    const apiKey = generateApiKey();
    await this.owners.insertKey(owner.id, hashApiKey(apiKey), displayPrefix(apiKey));
    return { ownerId: owner.id, apiKey };
  }

  async listKeys(ownerName: string): Promise<{ ownerId: string; keys: KeySummary[] }> {
    const owner = await this.owners.findByName(ownerName.trim());
    if (!owner) throw new NotFoundError(`No owner is named "${ownerName}".`);
    const keys = await this.owners.listKeysOfOwner(owner.id);
    return {
      ownerId: owner.id,
      keys: keys.map((key) => ({
        id: key.id,
        prefix: key.prefix,
        createdAt: key.createdAt.toISOString(),
        revokedAt: key.revokedAt?.toISOString() ?? null,
      })),
    };
  }

  /** Revokes the one key whose id or display prefix is `ref`; an ambiguous prefix revokes nothing. */
  async revokeKey(ref: string): Promise<{ id: string; prefix: string; revoked: true }> {
    const matches = await this.owners.findKeysByIdOrPrefix(ref.trim(), isUuid(ref.trim()));
    if (matches.length === 0) throw new NotFoundError(`No API key has the id or prefix "${ref}".`);
    if (matches.length > 1) {
      throw new BadRequestError(`The prefix "${ref}" matches ${matches.length} keys; revoke by id instead.`);
    }
    const key = matches[0]!;
    await this.owners.markKeyRevoked(key.id, this.clock.now());
    this.keyCache.clear();
    return { id: key.id, prefix: key.prefix, revoked: true };
  }

  /** The caller a Bearer key stands for, or undefined for a malformed, unknown or revoked key. */
  async authenticate(apiKey: string): Promise<Caller | undefined> {
    if (!isWellFormedApiKey(apiKey)) return undefined;
    const hash = hashApiKey(apiKey);
    // Frozen: one cached Caller is shared by every request that presents the key.
    return this.keyCache.get(hash, async () => {
      const caller = await this.owners.findLiveKeyByHash(hash);
      return caller && Object.freeze(caller);
    });
  }
}
