/**
 * Sends the webhook outbox. Every instance runs one; they share the work through the database:
 * a due row is leased (webhook-delivery.repository.ts claimDue) before it is sent, so no two
 * instances send the same row at once, and a row becomes due only after every earlier row for
 * its endpoint and connection is delivered or given up, so each endpoint sees a connection's
 * events in order. Delivery is at least once: a receiver dedupes on `webhook-id`.
 *
 * Sending holds no database transaction: claim (one statement), POST, record the outcome (one
 * statement). A failed attempt is retried after an exponential backoff with jitter; after
 * `maxAttempts` the row is given up and the connection's later events go ahead.
 *
 * Each POST is one fenced exchange (providers/http-exchange.ts): connect, head and body all end
 * within WEBHOOK_TIMEOUT_MS, at most a few KiB of the answer are read and then the socket is
 * closed, so a receiver that trickles or floods its answer holds nothing. The status decides:
 * a 2xx whose body is cut short still counts as delivered (the receiver took the event).
 *
 * Under WEBHOOK_ALLOW_PRIVATE_NETWORKS=false nothing is sent to a private or local address, in
 * any IPv4 or IPv6 spelling (providers/address-guard.ts): an IP-literal host is checked before
 * connecting, a host name's resolved addresses before connecting to one of them; a refused
 * attempt fails ("address not allowed") and is retried like any other.
 */
import { setMaxListeners } from 'node:events';
import { Webhook } from 'standardwebhooks';
import { deleteInBatches } from '../db/batches';
import { CipherError } from '../shared/crypto/cipher';
import type { Logger } from '../shared/logger';
import { ADDRESS_NOT_ALLOWED_CODE } from '../providers/address-guard';
import { exchange } from '../providers/http-exchange';
import type { ClaimedDelivery, WebhookDeliveryRepository } from './webhook-delivery.repository';
import type { WebhookSecrets } from './webhook-secret';

export type WebhookOutcome = 'delivered' | 'retried' | 'gave_up';

export interface WebhookWorkerSettings {
  pollIntervalMs: number;
  timeoutMs: number;
  retryBaseMs: number;
  retryMaxMs: number;
  maxAttempts: number;
  retentionDays: number;
  /** WEBHOOK_ALLOW_PRIVATE_NETWORKS: when false, no POST goes to a private or local address (providers/address-guard.ts). */
  allowPrivateNetworks: boolean;
  /**
   * Only these owners' deliveries (read at each claim); absent: every owner's. A seam for the
   * test suite, whose files share one database and each run workers with their own settings.
   */
  ownerScope?: ReadonlySet<string>;
}

/** Sends in flight per instance (each for a different endpoint and connection). */
const CONCURRENCY = 16;
/** A lease outlives the longest send by this much, so a live sender never loses its row. */
const LEASE_MARGIN_MS = 30_000;
const PRUNE_EVERY_MS = 10 * 60_000;
const PRUNE_BATCH = 1_000;
const MAX_ERROR_LENGTH = 300;
/** The recorded failure of an attempt the network guard stopped before it sent a byte. */
export const ADDRESS_NOT_ALLOWED = 'address not allowed (private or local network)';

/** `retryBaseMs` doubling per failed attempt, capped, with jitter over its upper half. */
export function retryDelayMs(failedAttempts: number, baseMs: number, maxMs: number): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.min(failedAttempts - 1, 40));
  return Math.round(exponential / 2 + Math.random() * (exponential / 2));
}

/** What went wrong, in words safe to store and log: no URL (it may hold a token), no body, no secret. */
function describeFailure(err: unknown, timeoutMs: number): string {
  if (!(err instanceof Error)) return String(err).slice(0, MAX_ERROR_LENGTH);
  const cause = err.cause as { name?: unknown; code?: unknown; message?: unknown } | undefined;
  // An aborted request fails with an AbortError whose cause is the signal's reason.
  if (err.name === 'TimeoutError' || (err.name === 'AbortError' && cause?.name === 'TimeoutError')) {
    return `timed out after ${timeoutMs} ms`;
  }
  const ownCode = (err as NodeJS.ErrnoException).code;
  const code =
    typeof ownCode === 'string' ? ownCode : typeof cause?.code === 'string' ? cause.code : undefined;
  if (code === ADDRESS_NOT_ALLOWED_CODE) return ADDRESS_NOT_ALLOWED;
  const message = err.message || (typeof cause?.message === 'string' ? cause.message : '');
  if (!message) return (code ?? err.name).slice(0, MAX_ERROR_LENGTH);
  return (code && !message.includes(code) ? `${code}: ${message}` : message).slice(0, MAX_ERROR_LENGTH);
}

/**
 * The worker's stop signal. Each of up to CONCURRENCY sends in flight listens to it (and removes
 * its listener when done): above Node's default of 10 listeners, Node would warn of a leak.
 */
function stopSignal(): AbortController {
  const controller = new AbortController();
  setMaxListeners(CONCURRENCY + 1, controller.signal);
  return controller;
}

export class WebhookWorker {
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private stopping = stopSignal();
  private wake: (() => void) | undefined;
  /** A send ended since the drain loop last looked. */
  private woken = false;
  private lastPrune = -Infinity;
  private failing = false;

  constructor(
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly secrets: WebhookSecrets,
    private readonly settings: WebhookWorkerSettings,
    private readonly logger: Logger,
    private readonly onOutcome?: (outcome: WebhookOutcome) => void,
  ) {}

  /** Starts polling every `pollIntervalMs`; the first poll begins at once. */
  start(): Promise<void> {
    if (this.timer) return Promise.resolve();
    this.stopping = stopSignal();
    this.timer = setInterval(() => void this.pollOnce(), this.settings.pollIntervalMs);
    this.timer.unref();
    void this.pollOnce();
    return Promise.resolve();
  }

  /** Stops polling; sends in flight are abandoned (their rows are released, no attempt counted). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.stopping.abort();
    this.wake?.();
    await this.draining;
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * Claims and sends until nothing is due (the timer calls it; tests may too). Never throws;
   * overlapping calls share one run.
   */
  pollOnce(): Promise<void> {
    this.draining ??= this.drain().finally(() => (this.draining = undefined));
    return this.draining;
  }

  private get stopped(): boolean {
    return this.stopping.signal.aborted;
  }

  private async drain(): Promise<void> {
    try {
      await this.pruneNow();
      while (!this.stopped) {
        const free = CONCURRENCY - this.inFlight.size;
        const claimed =
          free > 0
            ? await this.deliveries.claimDue(
                free,
                (this.settings.timeoutMs + LEASE_MARGIN_MS) / 1000,
                this.settings.ownerScope && [...this.settings.ownerScope],
              )
            : [];
        if (this.failing) this.logger.info('webhook delivery polling recovered');
        this.failing = false;
        for (const delivery of claimed) {
          const sending: Promise<void> = this.send(delivery)
            .catch((err: unknown) => {
              // Never expected (send records its own failures); the lease runs out and it is retried.
              this.logger.error({ err, deliveryId: delivery.id }, 'webhook delivery failed unexpectedly');
            })
            .finally(() => {
              this.inFlight.delete(sending);
              this.woken = true;
              this.wake?.();
            });
          this.inFlight.add(sending);
        }
        if (claimed.length > 0 && this.inFlight.size < CONCURRENCY) continue;
        if (this.inFlight.size === 0) return;
        if (this.woken) {
          this.woken = false;
          continue;
        }
        // Something is in flight: claim again when a send ends (its successor may be due) or the
        // interval passes (new rows for other endpoints), whichever comes first.
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, this.settings.pollIntervalMs);
          this.wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.wake = undefined;
        this.woken = false;
      }
    } catch (err) {
      if (!this.failing) this.logger.warn({ err }, 'webhook delivery polling failed; retrying');
      this.failing = true;
    }
  }

  private async pruneNow(): Promise<void> {
    if (performance.now() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = performance.now();
    const pruned = await deleteInBatches(
      (batchSize) => this.deliveries.pruneFinished(this.settings.retentionDays, batchSize),
      { batchSize: PRUNE_BATCH, maxBatches: 100, stop: () => this.stopped },
    );
    if (pruned > 0) this.logger.info({ pruned }, 'old webhook deliveries deleted');
  }

  private async send(delivery: ClaimedDelivery): Promise<void> {
    const attempt = delivery.attempts + 1;
    let status: number | null = null;
    let failure: string;
    let secret: string;
    try {
      secret = this.secrets.open(delivery.endpointId, delivery.secret);
    } catch (err) {
      // This instance lacks the key the secret was sealed with (a configuration fault, not the
      // receiver's): no attempt is counted, and the lease runs out so an instance that has it can send.
      if (!(err instanceof CipherError)) throw err;
      this.logger.error(
        { deliveryId: delivery.id, endpointId: delivery.endpointId, reason: err.message },
        'webhook signing secret cannot be opened with the configured keys (check ENCRYPTION_KEY / ENCRYPTION_KEYS_PREVIOUS)',
      );
      return;
    }
    try {
      const { type, timestamp, data } = delivery.payload;
      const body = JSON.stringify({ type, timestamp, data });
      const now = new Date();
      const answer = await exchange(new URL(delivery.url), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'connections-gateway-webhooks',
          'webhook-id': delivery.eventId,
          'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
          'webhook-signature': new Webhook(secret).sign(delivery.eventId, now, body),
        },
        body,
        timeoutMs: this.settings.timeoutMs,
        guarded: !this.settings.allowPrivateNetworks,
        signal: this.stopping.signal,
      });
      status = answer.status;
      // The few bytes of the answer that were read are never stored or logged.
      failure =
        status >= 300 && status < 400 ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}`;
    } catch (err) {
      if (this.stopped) {
        await this.deliveries.releaseLease(delivery.id).catch(() => undefined);
        return;
      }
      failure = describeFailure(err, this.settings.timeoutMs);
    }
    if (status !== null && status >= 200 && status < 300) {
      await this.deliveries.markDelivered(delivery.id, status).then(
        () => this.onOutcome?.('delivered'),
        (err: unknown) => {
          // The lease runs out and the row is sent again: at least once.
          this.logger.warn(
            { err, deliveryId: delivery.id },
            'webhook delivery outcome could not be recorded',
          );
        },
      );
      return;
    }
    await this.recordFailure(delivery, attempt, status, failure).catch((err: unknown) => {
      // The lease runs out and the row is sent again: at least once.
      this.logger.warn({ err, deliveryId: delivery.id }, 'webhook delivery outcome could not be recorded');
    });
  }

  private async recordFailure(
    delivery: ClaimedDelivery,
    attempt: number,
    status: number | null,
    error: string,
  ): Promise<void> {
    const facts = {
      deliveryId: delivery.id,
      endpointId: delivery.endpointId,
      eventId: delivery.eventId,
      eventType: delivery.eventType,
      attempt,
      status,
      error,
    };
    if (attempt >= this.settings.maxAttempts) {
      await this.deliveries.markGaveUp(delivery.id, status, error);
      this.logger.warn(facts, 'webhook delivery failed; giving up after the last attempt');
      this.onOutcome?.('gave_up');
      return;
    }
    const delayMs = retryDelayMs(attempt, this.settings.retryBaseMs, this.settings.retryMaxMs);
    await this.deliveries.markRetry(delivery.id, status, error, delayMs);
    this.logger.warn({ ...facts, retryInMs: delayMs }, 'webhook delivery failed; will retry');
    this.onOutcome?.('retried');
  }
}
