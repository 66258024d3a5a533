/**
 * Process start: config, database, app, listen, signals. Nothing else.
 */
// First: reads the settings, and boots the embedded database in a worker thread while the imports below load.
import { startupConfig } from './db/embedded-prestart';
import 'reflect-metadata';
import { ConfigError } from './config';
import { CatalogFileError } from './connectors/catalog.loader';
import { ConnectorDefinitionError } from './connectors/connector.validation';
import { DataDirLockedError } from './db/embedded';
import { createGateway } from './gateway';
import { createExpressServer } from './http/request-objects';

/** Start-up errors whose message is the whole story: print it, no stack. */
const EXPLAINED = [ConfigError, CatalogFileError, ConnectorDefinitionError, DataDirLockedError];

async function main(): Promise<void> {
  const config = startupConfig();
  const gateway = await createGateway(config);
  const { logger, database } = gateway;
  await gateway.start();

  const server = createExpressServer(gateway.app);
  // Explicit bounds so slow or idle clients cannot hold sockets open
  // (docs/security.md#resource-limits-per-owner).
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(
    {
      host: config.host,
      port,
      publicUrl: config.publicUrl,
      database: database.embedded ? 'embedded' : 'postgres',
    },
    `gateway listening on http://${config.host}:${port}`,
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining requests in flight');
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    // A keep-alive connection goes idle as soon as its request in flight is answered: close it
    // then, rather than waiting for its keep-alive timeout.
    const sweeper = setInterval(() => server.closeIdleConnections(), 50);
    const deadline = setTimeout(() => server.closeAllConnections(), config.shutdownTimeoutMs);
    await closed;
    clearInterval(sweeper);
    clearTimeout(deadline);
    logger.debug('http server closed');
    await gateway.stop();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err: unknown) => {
  if (EXPLAINED.some((type) => err instanceof type)) {
    console.error(`Cannot start: ${(err as Error).message}`);
  } else {
    console.error('Cannot start:', err);
  }
  process.exit(1);
});
