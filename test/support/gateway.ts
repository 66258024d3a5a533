/**
 * Starts a real gateway for a test file: the same createGateway as `npm start`, on the run's
 * database, listening on a loopback port. Log lines are captured so tests can prove that
 * no secret reaches them.
 */
import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import { connectorsFileWithStandIns } from './provider-stand-in';
import { Writable } from 'node:stream';
import type { DataSource } from 'typeorm';
import { loadConfig, type Config } from '../../src/config';
import type { Services } from '../../src/container';
import { createGateway } from '../../src/gateway';
import { expressServerClasses } from '../../src/http/request-objects';
import type { Clock } from '../../src/shared/clock';
import { createLogger } from '../../src/shared/logger';
import { TEST_ENCRYPTION_KEY, testDatabaseUrl, testPoolerEnv } from './env';

export interface TestGateway {
  baseUrl: string;
  config: Config;
  services: Services;
  dataSource: DataSource;
  /** Every log line written so far, as raw JSON text. */
  logs: string[];
  /** The owners whose webhook deliveries this gateway's worker sends (see `webhookWorker`). */
  webhookOwners: Set<string>;
  /** Creates an owner with a fresh name and returns a working API key for it. */
  newOwner(prefix?: string): Promise<{ ownerId: string; apiKey: string }>;
  close(): Promise<void>;
}

let ownerCounter = 0;

export async function startGateway(
  options: {
    env?: Record<string, string>;
    clock?: Clock;
    providerTimeoutMs?: number;
    /** PUBLIC_URL becomes the gateway's own loopback address (default http://gateway.test). */
    publicUrlIsAddress?: boolean;
    /**
     * Run the webhook delivery worker (as `npm start` does). Off by default. The suites share one
     * database, so a test gateway's worker only sends the deliveries of owners in its
     * `webhookOwners` (those its `newOwner` made, and any a test adds): a worker with another
     * file's settings (a guard, a low attempt limit) never touches this file's deliveries.
     */
    webhookWorker?: boolean;
    /**
     * Run the background health-check pass (as `npm start` does). Off by default: it would check
     * other files' connections. Tests may also run one pass with `services.connectionHealth.runPass()`.
     */
    healthChecks?: boolean;
  } = {},
): Promise<TestGateway> {
  // Listen first, so a test that needs PUBLIC_URL to be the real address (a real browser) can have it.
  // Request objects born with the app's prototypes, as `npm start` serves them (http/request-objects.ts).
  const classes = expressServerClasses();
  const server = http.createServer({
    IncomingMessage: classes.IncomingMessage,
    ServerResponse: classes.ServerResponse,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const connectorsFile = await connectorsFileWithStandIns(options.env?.CONNECTORS_FILE);
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: testDatabaseUrl(),
    ...testPoolerEnv(),
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    DATABASE_POOL_SIZE: '5',
    LOG_LEVEL: 'info',
    PUBLIC_URL: options.publicUrlIsAddress ? `http://127.0.0.1:${port}` : 'http://gateway.test',
    // Every test comes from 127.0.0.1: a per-address limit would make the suites trip each other
    // (address-limit.test.ts turns it on).
    RATE_LIMIT_ADDRESS_POINTS: '0',
    ...options.env,
    ...(connectorsFile !== undefined ? { CONNECTORS_FILE: connectorsFile } : {}),
  });
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      callback();
    },
  });
  const webhookOwners = new Set<string>();
  const gateway = await createGateway(config, {
    logger: createLogger(config.logLevel, sink),
    // The embedded run serves this URL from one shared backend too (see db/hot-queries.ts).
    // Not through a transaction pooler either (config.databasePoolMode says so).
    preparedStatements:
      process.env.TEST_DATABASE_KIND === 'postgres' && config.databasePoolMode === 'session',
    clock: options.clock,
    providerTimeoutMs: options.providerTimeoutMs,
    webhookOwnerScope: webhookOwners,
    // The suites share one database: the jobs that would act on other files' rows stay off.
    jobs: {
      webhookWorker: options.webhookWorker ?? false,
      auditRetention: false,
      tokenRefresh: false,
      healthChecks: options.healthChecks ?? false,
    },
  });
  const { services } = gateway;
  await gateway.start();
  classes.adopt(gateway.app);
  server.on('request', gateway.app);
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    config,
    services,
    dataSource: gateway.database.dataSource,
    logs,
    webhookOwners,
    async newOwner(prefix = 'owner') {
      ownerCounter += 1;
      const owner = await services.owners.createKey(`${prefix}-${process.pid}-${Date.now()}-${ownerCounter}`);
      webhookOwners.add(owner.ownerId);
      return owner;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await gateway.stop();
    },
  };
}
