/** The invalidation feed's bound and the revocable cache's rules, with a scripted repository. */
import pino from 'pino';
import { InvalidationFeed } from '../../src/shared/cache/invalidation-feed';
import type { InvalidationRepository } from '../../src/shared/cache/invalidation.repository';
import { RevocableCache } from '../../src/shared/cache/revocable-cache';

class ScriptedSignals {
  rows: { id: string; topic: string }[] = [];
  failing = false;
  recent = async () => {
    if (this.failing) throw new Error('connection terminated');
    return [...this.rows];
  };
  pruneOlderThan = async () => undefined;
}

const INTERVAL = 60_000; // the timer never fires in these tests: each poll is called by hand

function setup() {
  const signals = new ScriptedSignals();
  const feed = new InvalidationFeed(
    signals as unknown as InvalidationRepository,
    INTERVAL,
    pino({ level: 'silent' }),
  );
  const cache = new RevocableCache<string>(feed, 'api_keys', 10 * INTERVAL, 3);
  let loads = 0;
  const load = (value: string | undefined) => async () => {
    loads++;
    return value;
  };
  return { signals, feed, cache, load, loads: () => loads };
}

describe('RevocableCache over an InvalidationFeed', () => {
  afterEach(() => jest.useRealTimers());

  it('serves nothing from memory before the first poll, and hits after it', async () => {
    const { feed, cache, load, loads } = setup();
    await cache.get('k', load('owner'));
    await cache.get('k', load('owner'));
    expect(loads()).toBe(2);
    await feed.start();
    await cache.get('k', load('owner'));
    expect(await cache.get('k', load('other'))).toBe('owner');
    expect(loads()).toBe(3);
    await feed.stop();
  });

  it('drops everything when a new signal of its topic arrives, and not for old or other topics', async () => {
    const { signals, feed, cache, load, loads } = setup();
    signals.rows = [{ id: '1', topic: 'api_keys' }]; // already there at start: not news
    await feed.start();
    await cache.get('k', load('owner'));
    signals.rows.push({ id: '2', topic: 'sessions' });
    await feed.pollOnce();
    expect(await cache.get('k', load('x'))).toBe('owner');
    // A signal can commit after a later one was seen: it is still news when it shows up.
    signals.rows.push({ id: '4', topic: 'api_keys' });
    await feed.pollOnce();
    expect(await cache.get('k', load(undefined))).toBeUndefined();
    await cache.get('k', load('owner'));
    signals.rows.splice(2, 0, { id: '3', topic: 'api_keys' });
    await feed.pollOnce();
    expect(await cache.get('k', load(undefined))).toBeUndefined();
    expect(loads()).toBe(4);
    await feed.stop();
  });

  it('does not store an answer whose lookup began before a drop', async () => {
    const { signals, feed, cache } = setup();
    await feed.start();
    let finish!: (value: string) => void;
    const pending = cache.get('k', () => new Promise<string>((resolve) => (finish = resolve)));
    signals.rows.push({ id: '9', topic: 'api_keys' });
    await feed.pollOnce();
    finish('stale owner');
    expect(await pending).toBe('stale owner');
    expect(await cache.get('k', async () => undefined)).toBeUndefined();
    await feed.stop();
  });

  it('stops trusting its entries boundMs after the last poll that worked', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const { signals, feed, cache, load } = setup();
    await feed.start();
    await cache.get('k', load('owner'));
    signals.failing = true;
    jest.advanceTimersByTime(INTERVAL); // one failed poll
    await feed.pollOnce();
    expect(feed.isCurrent()).toBe(true);
    expect(await cache.get('k', load('x'))).toBe('owner');
    jest.advanceTimersByTime(feed.boundMs);
    expect(feed.isCurrent()).toBe(false);
    expect(await cache.get('k', load(undefined))).toBeUndefined();
    signals.failing = false;
    await feed.pollOnce();
    expect(feed.isCurrent()).toBe(true);
    await feed.stop();
  });

  it('keeps at most maxEntries, dropping the oldest', async () => {
    const { feed, cache, load, loads } = setup();
    await feed.start();
    for (const key of ['a', 'b', 'c', 'd']) await cache.get(key, load(key));
    expect(await cache.get('d', load('x'))).toBe('d');
    expect(await cache.get('a', load('a2'))).toBe('a2');
    expect(loads()).toBe(5);
    await feed.stop();
  });
});
