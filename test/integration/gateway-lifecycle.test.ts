/**
 * createGateway (src/gateway.ts) is the one composition root: it builds every background job and
 * owns their start and stop, and the admin CLI's `serve: false` builds only the services.
 */
import 'reflect-metadata';
import { AuditRetention } from '../../src/audit/audit-retention';
import { HealthCheckScheduler } from '../../src/connections/health-check-scheduler';
import { loadConfig } from '../../src/config';
import { createGateway, GATEWAY_JOBS, type GatewayJob } from '../../src/gateway';
import { RefreshScheduler } from '../../src/oauth/refresh-scheduler';
import { InvalidationFeed } from '../../src/shared/cache/invalidation-feed';
import { createLogger } from '../../src/shared/logger';
import { WebhookWorker } from '../../src/webhooks/webhook-worker';
import { Writable } from 'node:stream';
import { TEST_ENCRYPTION_KEY, testDatabaseUrl, testPoolerEnv } from '../support/env';

const JOB_CLASSES: Record<GatewayJob, { prototype: { start(): unknown; stop(): Promise<void> } }> = {
  invalidations: InvalidationFeed,
  webhookWorker: WebhookWorker,
  auditRetention: AuditRetention,
  tokenRefresh: RefreshScheduler,
  healthChecks: HealthCheckScheduler,
};

function testConfig() {
  return loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: testDatabaseUrl(),
    ...testPoolerEnv(),
    ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    DATABASE_POOL_SIZE: '2',
  });
}

const quiet = () => createLogger('warn', new Writable({ write: (_chunk, _encoding, done) => done() }));
const shared = () => ({
  logger: quiet(),
  preparedStatements: process.env.TEST_DATABASE_KIND === 'postgres',
  // The suites share one database: this worker sends no other file's deliveries.
  webhookOwnerScope: new Set<string>(),
});

afterEach(() => jest.restoreAllMocks());

describe('createGateway', () => {
  test('start() starts every background job, stop() stops every one and closes the database', async () => {
    const spies = GATEWAY_JOBS.map((name) => ({
      name,
      start: jest.spyOn(JOB_CLASSES[name].prototype, 'start'),
      stop: jest.spyOn(JOB_CLASSES[name].prototype, 'stop'),
    }));
    const gateway = await createGateway(testConfig(), shared());
    expect(typeof gateway.app).toBe('function');
    expect(spies.filter((spy) => spy.start.mock.calls.length > 0)).toEqual([]);

    await gateway.start();
    expect(spies.filter((spy) => spy.start.mock.calls.length !== 1).map((spy) => spy.name)).toEqual([]);

    await gateway.stop();
    expect(spies.filter((spy) => spy.stop.mock.calls.length !== 1).map((spy) => spy.name)).toEqual([]);
    expect(gateway.database.dataSource.isInitialized).toBe(false);
  });

  test('the jobs override keeps a job from starting, and stop() still stops it', async () => {
    const start = jest.spyOn(RefreshScheduler.prototype, 'start');
    const stop = jest.spyOn(RefreshScheduler.prototype, 'stop');
    const gateway = await createGateway(testConfig(), { ...shared(), jobs: { tokenRefresh: false } });
    await gateway.start();
    await gateway.stop();
    expect(start).not.toHaveBeenCalled();
    expect(stop).toHaveBeenCalledTimes(1);
  });

  test('serve: false (the admin CLI) builds the services over the database, and no app or job', async () => {
    const starts = GATEWAY_JOBS.map((name) => jest.spyOn(JOB_CLASSES[name].prototype, 'start'));
    const core = await createGateway(testConfig(), { ...shared(), serve: false });
    expect('app' in core).toBe(false);
    expect('start' in core).toBe(false);
    const owner = `lifecycle-${process.pid}-${Date.now()}`;
    const { ownerId } = await core.services.owners.createKey(owner);
    expect(await core.services.owners.listKeys(owner)).toMatchObject({ ownerId, keys: [expect.anything()] });
    await core.stop();
    expect(core.database.dataSource.isInitialized).toBe(false);
    expect(starts.filter((spy) => spy.mock.calls.length > 0)).toEqual([]);
  });
});
