/**
 * A small in-memory cache whose entries an InvalidationFeed can revoke on every instance: used
 * where a read on every request (the API-key lookup) is worth skipping, and a change must still
 * take effect everywhere within the feed's bound.
 *
 * Entries live at most `ttlMs`, are served only while the feed is current, and are all dropped
 * when the topic is signalled. A lookup that started before a drop does not store its (possibly
 * stale) answer: the generation check closes that race.
 */
import type { InvalidationFeed } from './invalidation-feed';

export class RevocableCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();
  private generation = 0;

  constructor(
    private readonly feed: InvalidationFeed,
    topic: string,
    private readonly ttlMs: number,
    private readonly maxEntries: number,
  ) {
    feed.subscribe(topic, () => this.clear());
  }

  /** The cached value, else `load()`'s, which is kept when it is defined. */
  async get(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    if (this.ttlMs <= 0) return load();
    const now = performance.now();
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > now && this.feed.isCurrent()) return hit.value;
    const generation = this.generation;
    const value = await load();
    if (value !== undefined && generation === this.generation && this.feed.isCurrent()) {
      this.entries.delete(key);
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, { value, expiresAt: now + this.ttlMs });
    }
    return value;
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
  }
}
