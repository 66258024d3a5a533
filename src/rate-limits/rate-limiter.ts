/**
 * Rate limits per API key and per owner's browser sessions, shared by every instance: fixed windows of
 * RATE_LIMIT_WINDOW_SECONDS, one row per (bucket, window) in rate_limit_windows holding the
 * points granted so far.
 *
 * The hot path stays off the database: an instance leases points from the shared row in chunks
 * (max(1, floor(limit / 50))) and spends them from memory, leasing again when they run out. A
 * lease grants at most what is left of the limit, so the instances together never serve more
 * than the limit; a small limit (under 100) leases one point at a time and is exact. The price
 * is that points leased by one instance and not spent there are lost to the others for the rest
 * of the window (per instance at most one chunk, a tenth of the limit, or twice a costly GraphQL
 * operation's price).
 * The first lease of each window also deletes the rows of windows that have ended (in the same
 * statement).
 */
import ipaddr from 'ipaddr.js';
import type { Caller } from '../shared/caller';
import type { Clock } from '../shared/clock';
import type { RateLimitRepository } from './rate-limit.repository';

export interface RateLimitSettings {
  windowSeconds: number;
  /** Points per window of an owner's API key; 0: no limit. */
  apiKeyPoints: number;
  /** Points per window of all of one owner's browser sessions together; 0: no limit. */
  sessionPoints: number;
  /** Points per window of one client address on the unauthenticated browser routes; 0: no limit. */
  addressPoints?: number;
}

/** A limit as advertised in `RateLimit-Policy`. */
export interface RateLimitPolicy {
  /** The policy's name in the headers: `api-key`, `session` or `address`. */
  name: string;
  limit: number;
  windowSeconds: number;
  /** Points leased from the shared row at a time. */
  chunk: number;
  /** The `RateLimit-Policy` header value, e.g. `"api-key";q=1200;w=60`. */
  header: string;
}

/** The bucket a caller is charged to and its policy. */
export interface RateLimitTarget {
  bucketKey: string;
  policy: RateLimitPolicy;
}

export interface RateLimitVerdict {
  allowed: boolean;
  policy: RateLimitPolicy;
  /** Points left in the window, as this instance sees it. */
  remaining: number;
  /** Seconds until the window ends (and the limit resets). */
  resetSeconds: number;
}

/** This instance's share of one bucket's current window. */
interface Allowance {
  windowStart: number;
  /** Leased and not yet spent. */
  points: number;
  /** The shared row's points_used at the last lease. */
  sharedUsed: number;
  /** The last lease got less than it asked for: the window is spent for everyone. */
  exhausted: boolean;
  leasing?: Promise<void>;
}

/** An address as its bucket sees it: IPv4 as is (also when IPv4-mapped), IPv6 by its /64. */
export function addressBucket(ip: string | undefined): string {
  if (!ip || !ipaddr.isValid(ip)) return 'unknown';
  let address = ipaddr.parse(ip);
  if (address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    address = (address as ipaddr.IPv6).toIPv4Address();
  }
  if (address.kind() === 'ipv4') return address.toString();
  const parts = (address as ipaddr.IPv6).parts.slice(0, 4);
  return `${new ipaddr.IPv6([...parts, 0, 0, 0, 0]).toString()}/64`;
}

function policy(name: string, limit: number, windowSeconds: number): RateLimitPolicy {
  return {
    name,
    limit,
    windowSeconds,
    chunk: Math.max(1, Math.floor(limit / 50)),
    header: `"${name}";q=${limit};w=${windowSeconds}`,
  };
}

export class RateLimiter {
  private readonly allowances = new Map<string, Allowance>();
  private readonly windowMs: number;
  private readonly apiKeyPolicy: RateLimitPolicy | undefined;
  private readonly sessionPolicy: RateLimitPolicy | undefined;
  private readonly addressPolicy: RateLimitPolicy | undefined;
  /** The newest window this instance has seen; older allowances and rows are swept when it moves. */
  private currentWindow = 0;
  /** Set when a new window begins: the next lease also deletes the rows of windows ended before this. */
  private pruneEndedBefore: Date | undefined;

  constructor(
    private readonly repository: RateLimitRepository,
    private readonly clock: Clock,
    settings: RateLimitSettings,
  ) {
    this.windowMs = settings.windowSeconds * 1000;
    this.apiKeyPolicy =
      settings.apiKeyPoints > 0
        ? policy('api-key', settings.apiKeyPoints, settings.windowSeconds)
        : undefined;
    this.sessionPolicy =
      settings.sessionPoints > 0
        ? policy('session', settings.sessionPoints, settings.windowSeconds)
        : undefined;
    this.addressPolicy =
      (settings.addressPoints ?? 0) > 0
        ? policy('address', settings.addressPoints!, settings.windowSeconds)
        : undefined;
  }

  /**
   * The bucket of a client address (express's req.ip, which honours TRUST_PROXY); undefined when
   * the address limit is off. An IPv6 client is counted by its /64, the block one subscriber
   * usually holds whole: its 2^64 addresses are one budget, not 2^64.
   */
  targetOfAddress(ip: string | undefined): RateLimitTarget | undefined {
    return this.addressPolicy && { bucketKey: `address:${addressBucket(ip)}`, policy: this.addressPolicy };
  }

  /**
   * The bucket a caller is charged to; undefined when its kind of limit is off. Every session of
   * an owner shares one bucket: minting sessions does not multiply the budget.
   */
  targetOf(caller: Caller): RateLimitTarget | undefined {
    if (caller.sessionId) {
      return this.sessionPolicy && { bucketKey: `sessions:${caller.ownerId}`, policy: this.sessionPolicy };
    }
    return this.apiKeyPolicy && { bucketKey: `key:${caller.keyId}`, policy: this.apiKeyPolicy };
  }

  /**
   * Decides from memory when it can (the common case: points left, or the window known to be
   * spent); undefined when a lease from the shared row is needed first (use `charge`).
   */
  tryLocal(target: RateLimitTarget, points: number): RateLimitVerdict | undefined {
    const now = this.clock.now().getTime();
    const allowance = this.allowanceOf(target.bucketKey, now);
    if (allowance.points >= points) {
      allowance.points -= points;
      return this.verdict(true, target.policy, allowance, now);
    }
    if (allowance.exhausted || points > target.policy.limit) {
      return this.verdict(false, target.policy, allowance, now);
    }
    return undefined;
  }

  /** Spends `points` of the target's window, leasing from the shared row as needed. */
  async charge(target: RateLimitTarget, points: number): Promise<RateLimitVerdict> {
    // Each pass either spends, finds the window spent, or leases at least one point (or learns
    // that none is left), so the loop ends; the bound is only a guard.
    for (let pass = 0; pass < 1_000; pass += 1) {
      const decided = this.tryLocal(target, points);
      if (decided) return decided;
      const allowance = this.allowanceOf(target.bucketKey, this.clock.now().getTime());
      allowance.leasing ??= this.lease(target, allowance, points).finally(() => {
        allowance.leasing = undefined;
      });
      await allowance.leasing;
    }
    const now = this.clock.now().getTime();
    return this.verdict(false, target.policy, this.allowanceOf(target.bucketKey, now), now);
  }

  private async lease(target: RateLimitTarget, allowance: Allowance, points: number): Promise<void> {
    // Leasing ahead: a request leases what it needs and, while the limit is not small, enough to
    // serve the next few like it from memory — a chunk for a 1-point request; for a GraphQL
    // operation priced by its page sizes, four times its price up to a tenth of the limit (at
    // least twice its price), so a key spending its budget on such operations does not go to the
    // database on every request. Small limits (chunk 1) lease exactly what is needed, so they stay
    // exact across instances.
    const { chunk, limit } = target.policy;
    const ahead = chunk > 1 ? Math.min(4 * points, Math.max(2 * points, Math.floor(limit / 10))) : 0;
    const want = Math.max(chunk, points - allowance.points, ahead - allowance.points);
    const pruneEndedBefore = this.pruneEndedBefore;
    this.pruneEndedBefore = undefined;
    const lease = await this.repository.lease(
      target.bucketKey,
      { start: new Date(allowance.windowStart), end: new Date(allowance.windowStart + this.windowMs) },
      want,
      target.policy.limit,
      pruneEndedBefore,
    );
    allowance.points += lease.granted;
    allowance.sharedUsed = lease.used;
    if (lease.granted < want) allowance.exhausted = true;
  }

  private allowanceOf(bucketKey: string, now: number): Allowance {
    const windowStart = Math.floor(now / this.windowMs) * this.windowMs;
    if (windowStart > this.currentWindow) this.enterWindow(windowStart);
    let allowance = this.allowances.get(bucketKey);
    if (!allowance || allowance.windowStart !== windowStart) {
      allowance = { windowStart, points: 0, sharedUsed: 0, exhausted: false };
      this.allowances.set(bucketKey, allowance);
    }
    return allowance;
  }

  /** Once per window and instance: forget old allowances, and have rows of windows long over deleted. */
  private enterWindow(windowStart: number): void {
    this.currentWindow = windowStart;
    for (const [bucketKey, allowance] of this.allowances) {
      if (allowance.windowStart < windowStart) this.allowances.delete(bucketKey);
    }
    // Carried by the next lease. By the window's own end (instances may run different window
    // lengths during a change), and a window late: an instance whose clock runs a little behind
    // may still charge the last one.
    this.pruneEndedBefore = new Date(windowStart - this.windowMs);
  }

  private verdict(
    allowed: boolean,
    policy: RateLimitPolicy,
    allowance: Allowance,
    now: number,
  ): RateLimitVerdict {
    const unleased = allowance.exhausted ? 0 : Math.max(0, policy.limit - allowance.sharedUsed);
    return {
      allowed,
      policy,
      remaining: Math.min(policy.limit, unleased + allowance.points),
      resetSeconds: Math.max(1, Math.ceil((allowance.windowStart + this.windowMs - now) / 1000)),
    };
  }
}
