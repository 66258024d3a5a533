/**
 * Renews tokens on a schedule, so a connection stays connected even when nobody reads it, and
 * prunes old handshakes. Every instance runs one; the refresh lease makes them cooperate rather
 * than collide.
 */
import type { Logger } from '../shared/logger';
import type { HandshakeService } from './handshake.service';
import type { TokenService } from './token.service';

/** How much of the interval one pass may spend on batches. */
const PASS_BUDGET_SHARE = 0.8;

export class RefreshScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** Ends a pass after its current batch when the scheduler stops. */
  private stopping = new AbortController();

  constructor(
    private readonly tokens: TokenService,
    private readonly handshakes: HandshakeService,
    private readonly intervalMs: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.intervalMs <= 0 || this.timer) return;
    this.stopping = new AbortController();
    this.timer = setInterval(() => {
      if (this.running) return; // a slow pass is not stacked on
      this.running = this.tokens
        // Batches until the due ones are done, within most of the interval (the next tick waits).
        .refreshAllDue({ budgetMs: this.intervalMs * PASS_BUDGET_SHARE, signal: this.stopping.signal })
        .then(async ({ refreshed, failed, batches }) => {
          if (refreshed + failed > 0) {
            this.logger.info({ refreshed, failed, batches }, 'scheduled token refresh pass');
          }
          await this.handshakes.pruneExpired();
        })
        .catch((err: unknown) => this.logger.warn({ err }, 'scheduled token refresh pass failed'))
        .finally(() => {
          this.running = undefined;
        });
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.stopping.abort();
    await this.running;
  }
}
