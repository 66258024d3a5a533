/**
 * Tells this instance when rows it may have cached changed on any instance. Every
 * `intervalMs` it reads the recent signals from cache_invalidations (one indexed query, however
 * busy the instance) and calls the subscribers of each topic that has a new one.
 *
 * The bound: caches built on the feed trust an entry only while the last successful poll
 * started less than `boundMs` (2 x interval) ago. A change committed at time T is seen by the
 * first poll that starts after T, at most one interval later; if polls fail, cached entries stop
 * being trusted `boundMs` after the last good one. So a revocation takes effect everywhere
 * within `boundMs`, whatever happens to the polls.
 */
import type { Logger } from '../logger';
import type { InvalidationRepository } from './invalidation.repository';

/** Signals are read for this long after they are written, then pruned after ten times it. */
const WINDOW_SECONDS = 300;
const PRUNE_EVERY_POLLS = 600;

export class InvalidationFeed {
  readonly boundMs: number;
  private readonly subscribers = new Map<string, Set<() => void>>();
  private seen: Set<string> | undefined;
  private trustedUntil = 0;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private polls = 0;
  private failing = false;

  constructor(
    private readonly repository: InvalidationRepository,
    readonly intervalMs: number,
    private readonly logger: Logger,
  ) {
    this.boundMs = intervalMs * 2;
  }

  /** Calls `onInvalidate` whenever a signal on `topic` arrives from any instance. */
  subscribe(topic: string, onInvalidate: () => void): void {
    let set = this.subscribers.get(topic);
    if (!set) this.subscribers.set(topic, (set = new Set()));
    set.add(onInvalidate);
  }

  /** Whether caches may serve what they hold now (a recent poll succeeded). */
  isCurrent(): boolean {
    return performance.now() < this.trustedUntil;
  }

  /** Starts polling; resolves after the first poll, so the caches are usable at once. */
  async start(): Promise<void> {
    if (this.timer) return;
    this.timer = setInterval(() => void this.pollOnce(), this.intervalMs);
    this.timer.unref();
    await this.pollOnce();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.trustedUntil = 0;
    await this.polling;
  }

  /** One poll (the timer calls it; tests may too). Never throws; overlapping calls share one. */
  pollOnce(): Promise<void> {
    this.polling ??= this.poll().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private async poll(): Promise<void> {
    const started = performance.now();
    try {
      const rows = await this.repository.recent(WINDOW_SECONDS);
      const first = this.seen === undefined;
      const stale = new Set<string>();
      for (const row of rows) if (!first && !this.seen!.has(row.id)) stale.add(row.topic);
      // Keep only ids still inside the window: the set stays as small as the window's traffic.
      this.seen = new Set(rows.map((row) => row.id));
      for (const topic of stale) for (const notify of this.subscribers.get(topic) ?? []) notify();
      this.trustedUntil = started + this.boundMs;
      if (this.failing) this.logger.info('cache invalidation polling recovered');
      this.failing = false;
      if (++this.polls % PRUNE_EVERY_POLLS === 0) await this.repository.pruneOlderThan(WINDOW_SECONDS * 10);
    } catch (err) {
      if (!this.failing) {
        this.logger.warn({ err }, 'cache invalidation polling failed: caches are bypassed until it recovers');
      }
      this.failing = true;
    }
  }
}
