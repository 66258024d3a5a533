/**
 * Keeps the audit trail to AUDIT_RETENTION_DAYS: every instance deletes older events in batches,
 * every 10 minutes (the first pass soon after start). Deleting the same old rows from several
 * instances is harmless; 0 keeps the trail for ever.
 */
import { deleteInBatches } from '../db/batches';
import type { Logger } from '../shared/logger';
import type { AuditEventRepository } from './audit-event.repository';

const PRUNE_EVERY_MS = 10 * 60_000;
const FIRST_PRUNE_AFTER_MS = 30_000;
const BATCH = 1_000;
/** At most this many batches per pass, so one pass never runs for long. */
const MAX_BATCHES = 100;

export class AuditRetention {
  private timer: NodeJS.Timeout | undefined;
  private pruning: Promise<number> | undefined;

  constructor(
    private readonly events: AuditEventRepository,
    private readonly retentionDays: number,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.timer || this.retentionDays === 0) return;
    const run = () => void this.pruneOnce();
    this.timer = setTimeout(() => {
      run();
      this.timer = setInterval(run, PRUNE_EVERY_MS).unref();
    }, FIRST_PRUNE_AFTER_MS).unref();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    clearInterval(this.timer);
    this.timer = undefined;
    await this.pruning;
  }

  /** One pass (the timer calls it; tests may too): how many events it deleted. Never throws. */
  pruneOnce(): Promise<number> {
    this.pruning ??= this.prune().finally(() => (this.pruning = undefined));
    return this.pruning;
  }

  private async prune(): Promise<number> {
    if (this.retentionDays === 0) return 0;
    let pruned = 0;
    try {
      pruned = await deleteInBatches(
        (batchSize) => this.events.deleteOlderThan(this.retentionDays, batchSize),
        {
          batchSize: BATCH,
          maxBatches: MAX_BATCHES,
        },
      );
    } catch (err) {
      this.logger.warn({ err }, 'old audit events could not be deleted; next pass in 10 minutes');
    }
    if (pruned > 0)
      this.logger.info({ pruned, retentionDays: this.retentionDays }, 'old audit events deleted');
    return pruned;
  }
}
