/**
 * Idempotency-Key semantics (IETF draft-ietf-httpapi-idempotency-key-header): the first request
 * with a key runs and its answer is kept for IDEMPOTENCY_TTL_SECONDS; a retry with the same key
 * and the same request gets that answer again; the same key with another request is refused.
 * Keys are scoped per credential: an owner's API key and each of its browser sessions have their
 * own keys, so a session never receives what the owner key was given (and the other way round).
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import type { Caller } from '../shared/caller';
import type { SecretCipher, SealContext } from '../shared/crypto/cipher';
import type { Clock } from '../shared/clock';
import type { Logger } from '../shared/logger';
import type { IdempotencyRepository } from './idempotency.repository';

/** An unfinished first run older than this belonged to a crashed instance; a retry may take over. */
export const IDEMPOTENCY_LOCK_SECONDS = 60;
/** Expired keys are deleted at most this often per instance. */
const PRUNE_INTERVAL_MS = 60_000;

export interface CapturedResponse {
  status: number;
  contentType: string | null;
  body: string;
}

export type IdempotencyClaim =
  /** Run the request, then `complete` or `release` with this token. */
  | { kind: 'run'; lockToken: string }
  | { kind: 'replay'; response: CapturedResponse }
  | { kind: 'in_progress' }
  | { kind: 'reused' };

/** Text to write as is, among the values still to serialise. */
class Raw {
  constructor(readonly text: string) {}
}

/**
 * Writes `value` as canonical JSON (object keys sorted at every level) into `out`, piece by
 * piece, with an explicit stack instead of recursion: however deep the nesting a client sends
 * (within the body limit), this neither overflows the call stack nor builds the whole text.
 * What happens to such a body is the route's business, as without an Idempotency-Key.
 */
export function writeCanonicalJson(value: unknown, out: (text: string) => void): void {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item instanceof Raw) {
      out(item.text);
    } else if (Array.isArray(item)) {
      stack.push(new Raw(']'));
      for (let i = item.length - 1; i >= 0; i -= 1) {
        stack.push(item[i] === undefined ? null : item[i]);
        if (i > 0) stack.push(new Raw(','));
      }
      stack.push(new Raw('['));
    } else if (typeof item === 'object' && item !== null) {
      const record = item as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort();
      stack.push(new Raw('}'));
      for (let i = keys.length - 1; i >= 0; i -= 1) {
        stack.push(record[keys[i]!]);
        stack.push(new Raw(`${i > 0 ? ',' : ''}${JSON.stringify(keys[i])}:`));
      }
      stack.push(new Raw('{'));
    } else {
      out(JSON.stringify(item) ?? 'null');
    }
  }
}

/**
 * SHA-256 over the method, the matched route (with its ids) and the canonical JSON body. Kept
 * only in memory: the stored fingerprint is an HMAC of it (IdempotencyService.fingerprints), since
 * a body can hold a secret (a submitted credential) that a plain hash would let anyone confirm.
 */
export function requestDigest(method: string, route: string, body: unknown): Buffer {
  const hash = createHash('sha256');
  writeCanonicalJson([method.toUpperCase(), route, body ?? null], (text) => hash.update(text, 'utf8'));
  return hash.digest();
}

/** Who a stored answer belongs to: the owner, and the one credential (API key or session) that earned it. */
export interface IdempotencyScope {
  ownerId: string;
  /** `api_key:<id>` or `session:<id>`: a session's keys are its own, not its owner key's. */
  credential: string;
}

export function idempotencyScopeOf(caller: Caller): IdempotencyScope {
  return {
    ownerId: caller.ownerId,
    credential: caller.sessionId !== undefined ? `session:${caller.sessionId}` : `api_key:${caller.keyId}`,
  };
}

/** A syntactically acceptable key: 1 to 255 visible ASCII characters. */
export function isValidIdempotencyKey(key: string): boolean {
  return /^[\x21-\x7e]{1,255}$/.test(key);
}

/**
 * Answers that are not kept: a retry should run again. A 401 too: nothing ran, and an answer
 * about a credential's rights is no answer to keep.
 */
export function isRetryableAnswer(status: number): boolean {
  return status >= 500 || status === 401 || status === 409 || status === 429;
}

const FINGERPRINT_PURPOSE = 'idempotency-fingerprint';

export class IdempotencyService {
  private lastPrune = 0;
  private readonly fingerprintKeys: Buffer[];

  constructor(
    private readonly repository: IdempotencyRepository,
    private readonly cipher: SecretCipher,
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
    private readonly logger: Logger,
  ) {
    this.fingerprintKeys = cipher.derivedKeys(FINGERPRINT_PURPOSE);
  }

  /**
   * The request's fingerprints: HMAC-SHA-256 of its digest under a key derived from the
   * encryption key, the current one first, then one per previous key (so a retry that spans a
   * key rotation still matches). Hex, as stored.
   */
  fingerprints(method: string, route: string, body: unknown): string[] {
    const digest = requestDigest(method, route, body);
    return this.fingerprintKeys.map((key) => createHmac('sha256', key).update(digest).digest('hex'));
  }

  async begin(
    scope: IdempotencyScope,
    key: string,
    fingerprints: readonly string[],
  ): Promise<IdempotencyClaim> {
    const fingerprint = fingerprints[0]!;
    this.pruneNowAndThen();
    // Twice: a row that expires or is released between the claim and the read is claimed anew.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const lockToken = randomUUID();
      const claimed = await this.repository.claim(
        scope,
        key,
        fingerprint,
        lockToken,
        IDEMPOTENCY_LOCK_SECONDS,
        this.ttlSeconds,
      );
      if (claimed) return { kind: 'run', lockToken };
      const stored = await this.repository.findLive(scope, key);
      if (!stored) continue;
      if (!fingerprints.includes(stored.fingerprint)) return { kind: 'reused' };
      if (stored.responseStatus === null || stored.responseBody === null) return { kind: 'in_progress' };
      return {
        kind: 'replay',
        response: {
          status: stored.responseStatus,
          contentType: stored.responseContentType,
          body: this.cipher.open(stored.responseBody, this.context(scope, key)),
        },
      };
    }
    return { kind: 'in_progress' };
  }

  /** Keeps the first run's answer (sealed: it can carry an oauthUrl with its ticket). */
  async complete(
    scope: IdempotencyScope,
    key: string,
    lockToken: string,
    response: CapturedResponse,
  ): Promise<void> {
    await this.repository.complete(scope, key, lockToken, {
      status: response.status,
      contentType: response.contentType,
      body: this.cipher.seal(response.body, this.context(scope, key)),
    });
  }

  /** Forgets the key, so a retry runs the request again. */
  async release(scope: IdempotencyScope, key: string, lockToken: string): Promise<void> {
    await this.repository.release(scope, key, lockToken);
  }

  private context(scope: IdempotencyScope, key: string): SealContext {
    return { table: 'idempotency_keys', rowId: `${scope.credential}/${key}`, field: 'response_body' };
  }

  private pruneNowAndThen(): void {
    const now = this.clock.now().getTime();
    if (now - this.lastPrune < PRUNE_INTERVAL_MS) return;
    this.lastPrune = now;
    this.repository.deleteExpired().catch((err: unknown) => {
      this.logger.warn({ err }, 'expired idempotency keys could not be deleted');
    });
  }
}
