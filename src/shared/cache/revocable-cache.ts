/**
 * A small in-memory cache whose entries an InvalidationFeed can revoke on every instance: used
 * where a read on every request (the API-key lookup) is worth skipping, and a change must still
 * take effect everywhere within the feed's bound.
 *
 * The keeping is lru-cache's (at most `maxEntries`, the least recently used dropped first; an
 * entry lives at most `ttlMs` from the start of the lookup that found it). What it adds: entries
 * are served only while the feed is current, and are all dropped when the topic is signalled. A
 * lookup that started before a drop does not store its (possibly stale) answer: the generation
 * check closes that race.
 */
import { LRUCache } from 'lru-cache';
import type { InvalidationFeed } from './invalidation-feed';

export class RevocableCache<V extends NonNullable<unknown>> {
  /** Undefined when `ttlMs` is 0: every get then loads. */
  private readonly entries: LRUCache<string, V> | undefined;
  private generation = 0;

  constructor(
    private readonly feed: InvalidationFeed,
    topic: string,
    private readonly ttlMs: number,
    maxEntries: number,
  ) {
    // ttlResolution 0: read the clock on every check (lru-cache otherwise reuses one reading for
    // a millisecond), so an entry is never served past its lifetime.
    this.entries =
      ttlMs > 0 ? new LRUCache<string, V>({ max: maxEntries, ttl: ttlMs, ttlResolution: 0 }) : undefined;
    feed.subscribe(topic, () => this.clear());
  }

  /** The cached value, else `load()`'s, which is kept when it is defined. */
  async get(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const entries = this.entries;
    if (entries === undefined) return load();
    if (this.feed.isCurrent()) {
      const hit = entries.get(key);
      if (hit !== undefined) return hit;
    }
    const startedAt = performance.now();
    const generation = this.generation;
    const value = await load();
    // The answer is as old as the lookup: its lifetime counts from when the lookup began.
    const ttl = Math.floor(this.ttlMs - (performance.now() - startedAt));
    if (value !== undefined && ttl > 0 && generation === this.generation && this.feed.isCurrent()) {
      entries.set(key, value, { ttl });
    }
    return value;
  }

  clear(): void {
    this.generation++;
    this.entries?.clear();
  }
}
