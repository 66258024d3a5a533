/**
 * Opens the gateway's database as configured: DATABASE_URL when set, otherwise the embedded
 * engine in DATA_DIR. Either way migrations are applied before anything else uses it.
 */
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { isDatabaseReady, openDatabase } from './data-source';
import { reachEmbeddedDatabase, startEmbeddedDatabase } from './embedded';

/**
 * Connections the embedded engine takes beyond the pool: two spare, and two for an admin CLI
 * reaching a running gateway's engine (its pool is two).
 */
const EMBEDDED_HEADROOM = 4;

/** How long the readiness probe waits for the database before answering "not ready". */
export const READY_TIMEOUT_MS = 2_000;

/**
 * The readiness check, bounded: a database that hangs (a half-open connection, a full pool)
 * makes the probe answer "not ready" after `timeoutMs` instead of hanging with it. It asks the
 * pool afresh each time, so it answers "ready" again as soon as the database is back.
 */
export async function readyWithin(
  check: () => Promise<boolean>,
  timeoutMs = READY_TIMEOUT_MS,
): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([check().catch(() => false), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The pg pool under TypeORM's data source (as db/hot-queries.ts reaches it), counted for the
 * metrics: open connections, idle ones, and callers waiting for one. Undefined once destroyed.
 */
export function poolStats(
  dataSource: DataSource,
): { total: number; idle: number; waiting: number } | undefined {
  const pool = (dataSource.driver as unknown as { master?: Pool }).master;
  if (!pool) return undefined;
  return { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount };
}

export interface Database {
  dataSource: DataSource;
  embedded: boolean;
  isReady(): Promise<boolean>;
  close(): Promise<void>;
}

export async function openGatewayDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'databasePoolSize'> &
    Partial<Pick<Config, 'databasePoolMode' | 'databaseMigrationUrl'>>,
  applicationName = 'connections-gateway',
  options: {
    /**
     * The admin CLI: when a running gateway holds the embedded DATA_DIR, use that gateway's engine
     * (through the endpoint file it advertised) rather than refusing. An engine it has to start
     * itself it keeps to itself (not advertised).
     */
    reachRunning?: boolean;
  } = {},
): Promise<Database> {
  const start = options.reachRunning ? reachEmbeddedDatabase : startEmbeddedDatabase;
  const embedded = config.databaseUrl
    ? undefined
    : await start(config.dataDir, config.databasePoolSize + EMBEDDED_HEADROOM);
  try {
    const dataSource = await openDatabase({
      url: config.databaseUrl ?? embedded!.url,
      poolSize: config.databasePoolSize,
      applicationName,
      lockMigrations: embedded === undefined,
      poolMode: config.databasePoolMode,
      migrationUrl: config.databaseMigrationUrl,
    });
    // Migrated: the admin CLI may use this engine from now on. Not one the CLI started itself: a
    // second CLI waits for its lock rather than losing the engine under it when the first ends.
    if (!options.reachRunning) {
      try {
        embedded?.advertise();
      } catch (err) {
        await dataSource.destroy();
        throw err;
      }
    }
    return {
      dataSource,
      embedded: embedded !== undefined,
      isReady: () => readyWithin(() => isDatabaseReady(dataSource)),
      async close() {
        await dataSource.destroy();
        await embedded?.stop();
      },
    };
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
}
