/**
 * Prometheus metrics (METRICS_ENABLED). Each gateway has its own registry, so two gateways in
 * one process (the tests) never share a counter, and nothing touches prom-client's global
 * registry. When metrics are off, `noopMetrics` stands in: no registry, no per-request work.
 */
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** `superseded`: the provider answered, but the tokens were replaced meanwhile (answer discarded). */
export type TokenRefreshOutcome = 'refreshed' | 'expired' | 'failed' | 'superseded';
export type WebhookDeliveryOutcome = 'delivered' | 'retried' | 'gave_up';
/**
 * One runtime proxy call's end: the provider's answer by class (`2xx` … `5xx`), `unavailable`
 * (it could not be reached or did not answer in time), or `refused` (the gateway sent nothing:
 * a bad path, a body too large, a connection not connected).
 */
export type ProxyOutcome = '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'unavailable' | 'refused';

/** The pg pool's counts at one moment. */
export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

export interface Metrics {
  readonly enabled: boolean;
  /** Counts and times every request; undefined when metrics are off (nothing to mount). */
  readonly httpMiddleware: RequestHandler | undefined;
  /** One refresh attempt's end: refreshed, turned expired (invalid_grant), or failed otherwise. */
  tokenRefresh(outcome: TokenRefreshOutcome): void;
  /** One webhook delivery attempt's end (the webhook worker's `onOutcome`). */
  webhookDelivery(outcome: WebhookDeliveryOutcome): void;
  /** One runtime proxy call's end, by connector slug and outcome, with its duration. */
  proxyCall(connector: string, outcome: ProxyOutcome, seconds: number): void;
  /** The Prometheus text exposition of every metric, collected now. */
  render(): Promise<{ contentType: string; body: string }>;
}

/** Metrics off: every recording is a no-op. */
export const noopMetrics: Metrics = {
  enabled: false,
  httpMiddleware: undefined,
  tokenRefresh: () => {},
  webhookDelivery: () => {},
  proxyCall: () => {},
  render: () => Promise.reject(new Error('metrics are disabled')),
};

/** Route label of a request that reached no route (and no mounted app such as /graphql). */
export const UNMATCHED = 'unmatched';

interface Route {
  path: string;
}

/**
 * Express sets `req.route` when a route matches, while `req.baseUrl` is still that router's
 * mount path; by the time the response finishes an error may have unwound `baseUrl`. So the
 * template is taken at the moment of the match: mount path plus route path, never the raw URL.
 */
function captureRouteTemplate(req: Parameters<RequestHandler>[0]): () => string {
  let route: Route | undefined;
  let template: string | undefined;
  Object.defineProperty(req, 'route', {
    configurable: true,
    enumerable: true,
    get: () => route,
    set: (value: Route | undefined) => {
      route = value;
      if (value && typeof value.path === 'string') template = `${req.baseUrl}${value.path}`;
    },
  });
  // Mounted apps without routes (Apollo at /graphql) are labelled by their mount path.
  return () => template ?? (req.baseUrl !== '' ? req.baseUrl : UNMATCHED);
}

export function createMetrics(options: { poolStats: () => PoolStats | undefined }): Metrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });

  const requests = new Counter({
    name: 'http_requests_total',
    help: 'HTTP requests answered, by method, matched route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers,
  });
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from receiving a request to finishing its answer, by method and matched route template.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers,
  });
  const refreshes = new Counter({
    name: 'token_refreshes_total',
    help: 'OAuth token refresh attempts, by outcome (refreshed, expired: the grant is gone, failed, superseded: the tokens were replaced meanwhile).',
    labelNames: ['outcome'] as const,
    registers,
  });
  const deliveries = new Counter({
    name: 'webhook_deliveries_total',
    help: 'Webhook delivery attempts, by outcome (delivered, retried later, gave_up).',
    labelNames: ['outcome'] as const,
    registers,
  });
  const proxyCalls = new Counter({
    name: 'proxy_requests_total',
    help: 'Runtime proxy calls, by connector and outcome (2xx…5xx: the provider answered; unavailable: it did not; refused: nothing was sent).',
    labelNames: ['connector', 'outcome'] as const,
    registers,
  });
  const proxyDuration = new Histogram({
    name: 'proxy_request_duration_seconds',
    help: 'Time from a runtime proxy call to the head of its answer (retries included), by connector and outcome.',
    labelNames: ['connector', 'outcome'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  new Gauge({
    name: 'db_pool_connections',
    help: 'Database pool connections at scrape time: total open, idle, and callers waiting for one.',
    labelNames: ['state'] as const,
    registers,
    collect() {
      const stats = options.poolStats();
      if (!stats) return;
      this.set({ state: 'total' }, stats.total);
      this.set({ state: 'idle' }, stats.idle);
      this.set({ state: 'waiting' }, stats.waiting);
    },
  });
  // Zero-valued series exist from the start, so a rate() has a baseline before the first event.
  for (const outcome of ['refreshed', 'expired', 'failed', 'superseded'] as const)
    refreshes.inc({ outcome }, 0);
  for (const outcome of ['delivered', 'retried', 'gave_up'] as const) deliveries.inc({ outcome }, 0);

  const httpMiddleware: RequestHandler = (req, res, next) => {
    const started = process.hrtime.bigint();
    const routeOf = captureRouteTemplate(req);
    let done = false;
    const record = () => {
      if (done) return;
      done = true;
      const route = routeOf();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      requests.inc({ method: req.method, route, status: String(res.statusCode) });
      duration.observe({ method: req.method, route }, seconds);
    };
    res.once('finish', record);
    // A client that hangs up before the answer is finished is counted too, with the status set so far.
    res.once('close', record);
    next();
  };

  return {
    enabled: true,
    httpMiddleware,
    tokenRefresh: (outcome) => refreshes.inc({ outcome }),
    webhookDelivery: (outcome) => deliveries.inc({ outcome }),
    proxyCall: (connector, outcome, seconds) => {
      proxyCalls.inc({ connector, outcome });
      proxyDuration.observe({ connector, outcome }, seconds);
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
