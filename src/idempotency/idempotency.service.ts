/**
 * Idempotency-Key semantics (IETF draft-ietf-httpapi-idempotency-key-header): the first request
 * with a key runs and its answer is kept for IDEMPOTENCY_TTL_SECONDS; a retry with the same key
 * and the same request gets that answer again; the same key with another request is refused.
 * Keys are scoped per owner.
 */
import { createHash, randomUUID } from 'node:crypto';
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

/** A stable serialisation: object keys sorted at every level. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (typeof value === 'object' && value !== null) {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort())
      sorted[key] = canonical((value as Record<string, unknown>)[key]);
    return sorted;
  }
  return value;
}

/** Hex SHA-256 over the method, the matched route (with its ids) and the canonical JSON body. */
export function requestFingerprint(method: string, route: string, body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([method.toUpperCase(), route, canonical(body ?? null)]))
    .digest('hex');
}

/** A syntactically acceptable key: 1 to 255 visible ASCII characters. */
export function isValidIdempotencyKey(key: string): boolean {
  return /^[\x21-\x7e]{1,255}$/.test(key);
}

/** Answers that are not kept: a retry should run again. */
export function isRetryableAnswer(status: number): boolean {
  return status >= 500 || status === 409 || status === 429;
}

export class IdempotencyService {
  private lastPrune = 0;

  constructor(
    private readonly repository: IdempotencyRepository,
    private readonly cipher: SecretCipher,
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
    private readonly logger: Logger,
  ) {}

  async begin(ownerId: string, key: string, fingerprint: string): Promise<IdempotencyClaim> {
    this.pruneNowAndThen();
    // Twice: a row that expires or is released between the claim and the read is claimed anew.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const lockToken = randomUUID();
      const claimed = await this.repository.claim(
        ownerId,
        key,
        fingerprint,
        lockToken,
        IDEMPOTENCY_LOCK_SECONDS,
        this.ttlSeconds,
      );
      if (claimed) return { kind: 'run', lockToken };
      const stored = await this.repository.findLive(ownerId, key);
      if (!stored) continue;
      if (stored.fingerprint !== fingerprint) return { kind: 'reused' };
      if (stored.responseStatus === null || stored.responseBody === null) return { kind: 'in_progress' };
      return {
        kind: 'replay',
        response: {
          status: stored.responseStatus,
          contentType: stored.responseContentType,
          body: this.cipher.open(stored.responseBody, this.context(ownerId, key)),
        },
      };
    }
    return { kind: 'in_progress' };
  }

  /** Keeps the first run's answer (sealed: it can carry an oauthUrl with its ticket). */
  async complete(ownerId: string, key: string, lockToken: string, response: CapturedResponse): Promise<void> {
    await this.repository.complete(ownerId, key, lockToken, {
      status: response.status,
      contentType: response.contentType,
      body: this.cipher.seal(response.body, this.context(ownerId, key)),
    });
  }

  /** Forgets the key, so a retry runs the request again. */
  async release(ownerId: string, key: string, lockToken: string): Promise<void> {
    await this.repository.release(ownerId, key, lockToken);
  }

  private context(ownerId: string, key: string): SealContext {
    return { table: 'idempotency_keys', rowId: `${ownerId}/${key}`, field: 'response_body' };
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
