/**
 * The one composition root: createGateway builds the whole gateway from the validated config
 * (cipher, catalog, database, services, and when it serves, Apollo, the app and the background
 * jobs) and owns their start and stop. main, the admin CLI and the test harness all call it, so
 * what the tests exercise is what runs; the tests' hooks come in through `overrides`.
 */
import type { Express } from 'express';
import { buildApp } from './app';
import type { Config } from './config';
import { loadCatalog } from './connectors/catalog.loader';
import { createServices, type Services } from './container';
import { openGatewayDatabase, type Database } from './db/database';
import { startGraphQL } from './graphql/server';
import { HealthCheckScheduler } from './connections/health-check-scheduler';
import { RefreshScheduler } from './oauth/refresh-scheduler';
import { systemClock, type Clock } from './shared/clock';
import { resolveCipher } from './shared/crypto/keyring';
import { createLogger, type Logger } from './shared/logger';

/** The background jobs, in the order they start (they stop in the same order). */
export const GATEWAY_JOBS = [
  'invalidations',
  'webhookWorker',
  'auditRetention',
  'tokenRefresh',
  'healthChecks',
] as const;
export type GatewayJob = (typeof GATEWAY_JOBS)[number];

export interface GatewayOverrides {
  /** Where logs go (default: stdout at LOG_LEVEL). The CLI sends them to stderr; tests capture them. */
  logger?: Logger;
  /** The database's application_name (default `connections-gateway`). */
  applicationName?: string;
  /**
   * The admin CLI: on the embedded engine, use a running gateway's engine rather than refusing
   * (openGatewayDatabase's `reachRunning`).
   */
  reachRunning?: boolean;
  /**
   * Named prepared statements for the hot reads (default: on PostgreSQL, off on the embedded
   * engine). Off when the URL is served by one shared backend (the CLI; the embedded test run).
   */
  preparedStatements?: boolean;
  /** Tests: a fixed or moving clock (default the system clock). */
  clock?: Clock;
  /** Tests: a shorter token endpoint timeout, to prove the timeout path. */
  providerTimeoutMs?: number;
  /** Tests: the webhook worker sends only these owners' deliveries (the suites share one database). */
  webhookOwnerScope?: ReadonlySet<string>;
  /** Tests: which background jobs `start()` runs (default: every one, as `npm start` does). */
  jobs?: Partial<Record<GatewayJob, boolean>>;
}

/** Services over the database, nothing served and no job running: what the admin CLI needs. */
export interface GatewayCore {
  config: Config;
  logger: Logger;
  services: Services;
  database: Database;
  /** Closes the database. */
  stop(): Promise<void>;
}

export interface Gateway extends GatewayCore {
  app: Express;
  /** Starts the background jobs (call once the app is built, before listening). */
  start(): Promise<void>;
  /**
   * Stops every background job (each waits for its pass in flight), waits for provider
   * revocations in flight, stops Apollo and closes the database. Call after the HTTP server
   * stopped accepting and drained.
   */
  stop(): Promise<void>;
}

interface Job {
  start(): Promise<void> | void;
  stop(): Promise<void>;
}

/**
 * Builds the gateway. With `serve: false` (the admin CLI) only the services over the database:
 * no Apollo, no app, no job.
 */
export function createGateway(
  config: Config,
  overrides: GatewayOverrides & { serve: false },
): Promise<GatewayCore>;
export function createGateway(
  config: Config,
  overrides?: GatewayOverrides & { serve?: true },
): Promise<Gateway>;
export async function createGateway(
  config: Config,
  overrides: GatewayOverrides & { serve?: boolean } = {},
): Promise<Gateway | GatewayCore> {
  const serve = overrides.serve !== false;
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const { cipher, generatedKeyPath } = resolveCipher(config);
  if (generatedKeyPath && serve) {
    logger.warn(
      { path: generatedKeyPath },
      'ENCRYPTION_KEY is not set: using a key generated in DATA_DIR. Back it up with the data, and set ENCRYPTION_KEY in production.',
    );
  }
  const catalog = loadCatalog({ connectorsFile: config.connectorsFile, oauthClients: config.oauthClients });
  // Apollo needs no database: it starts while the database opens (the embedded one boots in its thread).
  const [database, graphql] = await Promise.all([
    openGatewayDatabase(config, overrides.applicationName, { reachRunning: overrides.reachRunning }),
    serve ? startGraphQL(config, logger) : undefined,
  ]);
  try {
    const services = createServices({
      dataSource: database.dataSource,
      // Named prepared statements live in a server session: not through a transaction pooler.
      preparedStatements:
        overrides.preparedStatements ?? (!database.embedded && config.databasePoolMode !== 'transaction'),
      catalog,
      cipher,
      clock: overrides.clock ?? systemClock,
      logger,
      config,
      providerTimeoutMs: overrides.providerTimeoutMs,
      webhookOwnerScope: overrides.webhookOwnerScope,
    });
    if (!graphql) return { config, logger, services, database, stop: () => database.close() };

    const built = await buildApp({ config, services, logger, isReady: database.isReady, graphql });
    const jobs: Record<GatewayJob, Job> = {
      invalidations: services.invalidations,
      webhookWorker: services.webhookWorker,
      auditRetention: services.auditRetention,
      tokenRefresh: new RefreshScheduler(
        services.tokens,
        services.handshakes,
        config.tokenRefreshIntervalSeconds * 1000,
        logger,
      ),
      healthChecks: new HealthCheckScheduler(services.connectionHealth, logger),
    };
    return {
      config,
      logger,
      services,
      database,
      app: built.app,
      async start() {
        for (const name of GATEWAY_JOBS) {
          if (overrides.jobs?.[name] !== false) await jobs[name].start();
        }
      },
      async stop() {
        for (const name of GATEWAY_JOBS) await jobs[name].stop();
        await services.providerRevocation.settle();
        await services.providerApi.close();
        await built.stop();
        logger.debug('graphql stopped');
        await database.close();
      },
    };
  } catch (err) {
    await graphql?.stop();
    await database.close();
    throw err;
  }
}
