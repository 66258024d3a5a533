/**
 * Opens the gateway's database as configured: DATABASE_URL when set, otherwise the embedded
 * engine in DATA_DIR. Either way migrations are applied before anything else uses it.
 */
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import { isDatabaseReady, openDatabase } from './data-source';
import { startEmbeddedDatabase } from './embedded';

export interface Database {
  dataSource: DataSource;
  embedded: boolean;
  isReady(): Promise<boolean>;
  close(): Promise<void>;
}

export async function openGatewayDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir' | 'databasePoolSize'>,
  applicationName = 'connections-gateway',
): Promise<Database> {
  const embedded = config.databaseUrl
    ? undefined
    : await startEmbeddedDatabase(config.dataDir, config.databasePoolSize + 2);
  try {
    const dataSource = await openDatabase({
      url: config.databaseUrl ?? embedded!.url,
      poolSize: config.databasePoolSize,
      applicationName,
    });
    return {
      dataSource,
      embedded: embedded !== undefined,
      isReady: () => isDatabaseReady(dataSource),
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
