/**
 * One TypeORM DataSource over the ordinary `postgres` driver, whether the server is a real
 * PostgreSQL or the embedded engine behind its socket: only the URL differs.
 */
import 'reflect-metadata';
import { Client } from 'pg';
import { DataSource } from 'typeorm';

/** Re-exported so the composition root can name the type without importing TypeORM itself. */
export type { DataSource };
import { entities } from './entities';
import { migrations } from './migrations';

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
      // Kills a statement stuck behind a lock rather than holding a request forever.
      statement_timeout: 15_000,
    },
  });
}

/** Opens the data source and applies pending migrations (on start; docs/architecture.md#migrations). */
export async function openDatabase(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = createDataSource(options);
  await dataSource.initialize();
  try {
    if (options.lockMigrations)
      await withAdvisoryLock(options.url, () => dataSource.runMigrations({ transaction: 'each' }));
    else await dataSource.runMigrations({ transaction: 'each' });
  } catch (err) {
    await dataSource.destroy();
    throw err;
  }
  return dataSource;
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
