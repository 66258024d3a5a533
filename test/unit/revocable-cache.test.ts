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

  it('keeps at most maxEntries, dropping the least recently used', async () => {
    const { feed, cache, load, loads } = setup();
    await feed.start();
    for (const key of ['a', 'b', 'c', 'd']) await cache.get(key, load(key));
    expect(await cache.get('d', load('x'))).toBe('d');
    expect(await cache.get('a', load('a2'))).toBe('a2');
    expect(loads()).toBe(5);
    await feed.stop();
  });

  it('counts a hit as a use: the entry read last is kept over one stored later', async () => {
    const { feed, cache, load, loads } = setup();
    await feed.start();
    for (const key of ['a', 'b', 'c']) await cache.get(key, load(key));
    expect(await cache.get('a', load('x'))).toBe('a');
    await cache.get('d', load('d'));
    expect(await cache.get('a', load('x'))).toBe('a');
    expect(await cache.get('b', load('b2'))).toBe('b2');
    expect(loads()).toBe(5);
    await feed.stop();
  });

  it('drops an entry ttlMs after the lookup that found it began', async () => {
    const { feed, load, loads } = setup();
    await feed.start();
    let now = 0;
    const clock = jest.spyOn(performance, 'now').mockImplementation(() => now);
    try {
      const cache = new RevocableCache<string>(feed, 'api_keys', 1_000, 3);
      await cache.get('k', async () => {
        now += 400; // a slow lookup: its answer is already 400 ms old when stored
        return 'owner';
      });
      now = 999;
      expect(await cache.get('k', load('x'))).toBe('owner');
      now = 1_001;
      expect(await cache.get('k', load('fresh'))).toBe('fresh');
      expect(loads()).toBe(1);
    } finally {
      clock.mockRestore();
    }
    await feed.stop();
  });

  it('with ttlMs 0 keeps nothing: every get loads', async () => {
    const { feed, load, loads } = setup();
    await feed.start();
    const cache = new RevocableCache<string>(feed, 'api_keys', 0, 3);
    await cache.get('k', load('owner'));
    expect(await cache.get('k', load('other'))).toBe('other');
    expect(loads()).toBe(2);
    await feed.stop();
  });
});
