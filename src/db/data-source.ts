/**
 * One TypeORM DataSource over the ordinary `postgres` driver, whether the server is a real
 * PostgreSQL or the embedded engine behind its socket: only the URL differs.
 */
import 'reflect-metadata';
import { Client } from 'pg';
import { DataSource, MigrationExecutor } from 'typeorm';

/** Re-exported so the composition root can name the type without importing TypeORM itself. */
export type { DataSource };
import { entities } from './entities';
import { migrations } from './migrations';
import { gatewayTypes } from './timestamptz';

export interface DataSourceOptions {
  url: string;
  poolSize: number;
  applicationName?: string;
  /**
   * Serialise migrations across processes with a PostgreSQL advisory lock, so instances started
   * together on a new release do not race to apply the same migration. Off for the embedded
   * engine, which only one process can open.
   */
  lockMigrations?: boolean;
  /**
   * `transaction`: `url` is a pooler in transaction mode (README "Behind a connection pooler"):
   * no startup parameters (PgBouncer refuses those it does not know), and migrations, when no
   * `migrationUrl` reaches the server directly, run in one transaction under a transaction-scoped
   * lock, since a session lock could be taken on one server connection and released on another.
   */
  poolMode?: 'session' | 'transaction';
  /** Migrations go straight to the server through this URL (under the session lock), not through `url`. */
  migrationUrl?: string;
}

/** The advisory lock key migrations run under (any constant: "alum" in ASCII). */
const MIGRATION_LOCK_KEY = 0x616c756d;

export function createDataSource(options: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: options.url,
    entities,
    migrations,
    migrationsTableName: 'typeorm_migrations',
    synchronize: false,
    migrationsRun: false,
    uuidExtension: 'pgcrypto',
    poolSize: options.poolSize,
    applicationName: options.applicationName ?? 'connections-gateway',
    extra: {
      connectionTimeoutMillis: 5_000,
      // timestamptz parsed without pg's regular expression (db/timestamptz.ts): the same Dates, faster.
      types: gatewayTypes,
      // Kills a statement stuck behind a lock rather than holding a request forever. Sent as a
      // startup parameter, which a transaction pooler refuses: there the server's (or the
      // role's) own statement_timeout applies (README "Behind a connection pooler").
      ...(options.poolMode === 'transaction' ? {} : { statement_timeout: STATEMENT_TIMEOUT_MS }),
    },
  });
}

/** How long one statement may run (see createDataSource). */
export const STATEMENT_TIMEOUT_MS = 15_000;

/** Opens the data source and applies pending migrations (on start; docs/architecture.md#migrations). */
export async function openDatabase(options: DataSourceOptions): Promise<DataSource> {
  if (options.migrationUrl !== undefined) await migrateThrough(options.migrationUrl, options.applicationName);
  const dataSource = createDataSource(options);
  await dataSource.initialize();
  try {
    if (options.migrationUrl !== undefined) {
      // Migrated above, straight to the server.
    } else if (options.poolMode === 'transaction') await migrateUnderTransactionLock(dataSource);
    else if (options.lockMigrations)
      await withAdvisoryLock(options.url, () => dataSource.runMigrations({ transaction: 'each' }));
    else await dataSource.runMigrations({ transaction: 'each' });
  } catch (err) {
    await dataSource.destroy();
    throw err;
  }
  return dataSource;
}

/** Applies pending migrations through a URL of their own (straight to the server), under the session lock. */
async function migrateThrough(url: string, applicationName = 'connections-gateway'): Promise<void> {
  const migrator = createDataSource({ url, poolSize: 1, applicationName: `${applicationName}-migrations` });
  await migrator.initialize();
  try {
    await withAdvisoryLock(url, () => migrator.runMigrations({ transaction: 'each' }));
  } finally {
    await migrator.destroy();
  }
}

/**
 * Applies pending migrations in one transaction that first takes the migration lock as a
 * transaction-scoped advisory lock: through a transaction pooler the whole transaction stays on one
 * server connection, and the lock ends with it. A second instance waits for the first to commit,
 * then finds nothing to apply.
 */
async function migrateUnderTransactionLock(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.startTransaction();
    await runner.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    const executor = new MigrationExecutor(dataSource, runner);
    executor.transaction = 'all';
    await executor.executePendingMigrations();
    await runner.commitTransaction();
  } catch (err) {
    if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
    throw err;
  } finally {
    await runner.release();
  }
}

/**
 * Runs `work` while holding the migration lock, on a connection of its own (outside the pool, so
 * even a pool of one can migrate). A second instance waits here, then finds nothing to apply.
 */
async function withAdvisoryLock<T>(url: string, work: () => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, application_name: 'connections-gateway-migrations' });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await work();
  } finally {
    // Closing the session releases the lock even if the unlock could not be sent.
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await client.end().catch(() => undefined);
  }
}

/**
 * The readiness probe: the database answers, and the last migration this code knows is applied
 * (an instance started before a newer deploy rolled migrations back would say not ready).
 */
export async function isDatabaseReady(dataSource: DataSource): Promise<boolean> {
  const latest = migrations.length > 0 ? migrations[migrations.length - 1]!.name : undefined;
  try {
    if (!latest) return true;
    const rows: unknown[] = await dataSource.query('SELECT 1 FROM typeorm_migrations WHERE name = $1', [
      latest,
    ]);
    return rows.length === 1;
  } catch {
    return false;
  }
}
