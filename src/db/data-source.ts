/**
 * One TypeORM DataSource over the ordinary `postgres` driver, whether the server is a real
 * PostgreSQL or the embedded engine behind its socket: only the URL differs.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';

/** Re-exported so the composition root can name the type without importing TypeORM itself. */
export type { DataSource };
import { entities } from './entities';
import { migrations } from './migrations';

export interface DataSourceOptions {
  url: string;
  poolSize: number;
  applicationName?: string;
}

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

/** Opens the data source and applies pending migrations (contract §1: on start). */
export async function openDatabase(options: DataSourceOptions): Promise<DataSource> {
  const dataSource = createDataSource(options);
  await dataSource.initialize();
  try {
    await dataSource.runMigrations({ transaction: 'each' });
  } catch (err) {
    await dataSource.destroy();
    throw err;
  }
  return dataSource;
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
