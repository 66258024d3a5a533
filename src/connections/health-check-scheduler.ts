/**
 * The background health checks: every tick, one pass of ConnectionHealth.runPass, paced
 * (pacedBudget) so that each connection is checked about once per interval without bursts. Every
 * instance runs one; the check lease on each row makes them share the work instead of repeating it.
 * HEALTH_CHECK_INTERVAL_SECONDS=0 turns it off.
 */
import type { Logger } from '../shared/logger';
import type { ConnectionHealth } from './connection-health';

/** How often due connections are looked for (at most; sooner when the interval is shorter). */
const MAX_TICK_MS = 30_000;
const MIN_TICK_MS = 1_000;

export class HealthCheckScheduler {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly health: ConnectionHealth,
    private readonly logger: Logger,
  ) {}

  start(): void {
    const intervalMs = this.health.settings.intervalSeconds * 1000;
    if (intervalMs <= 0 || this.timer) return;
    const tickMs = Math.min(MAX_TICK_MS, Math.max(MIN_TICK_MS, intervalMs));
    this.timer = setInterval(() => {
      if (this.running) return; // a slow pass is not stacked on
      this.running = this.health
        .pacedBudget(tickMs)
        .then((max) => this.health.runPass({ max }))
        .then((result) => {
          if (result.accepted + result.rejected + result.deferred > 0) {
            this.logger.info(result, 'scheduled health check pass');
          }
        })
        .catch((err: unknown) => this.logger.warn({ err }, 'scheduled health check pass failed'))
        .finally(() => {
          this.running = undefined;
        });
    }, tickMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
