/**
 * buildApp: express 5 with the REST facade under /api/v1, GraphQL at /graphql, the probes, and
 * the error middleware. No listening, no process concerns: main and the tests both call it.
 */
import cors from 'cors';
import express, { type Express } from 'express';
import helmet from 'helmet';
import type { Config } from './config';
import { connectPageRoutes } from './connect-page/connect-page.routes';
import type { Services } from './container';
import { auditRoutes } from './audit/audit.routes';
import { connectionRoutes, idempotentConnectionRoutes } from './connections/connection.routes';
import { connectorRoutes, connectorSchemaRoutes } from './connectors/connector.routes';
import { docsRoutes } from './docs/docs.routes';
import { createGraphQLContext, type GraphQLContext } from './graphql/context';
import { graphqlHandler } from './graphql/express-handler';
import { startGraphQL, type GraphQLServer } from './graphql/server';
import { callerOf, requireCaller } from './http/auth.middleware';
import { errorMiddleware, notFoundRoute } from './http/error.middleware';
import { endJsonInOneWrite } from './http/json-response';
import { routed } from './http/routed';
import { metricsRoutes } from './observability/metrics.routes';
import { requestLog } from './observability/request-log';
import { oauthRoutes } from './oauth/oauth.routes';
import { openapiRoutes } from './openapi/openapi.routes';
import { graphqlFingerprintBody, idempotency } from './idempotency/idempotency.middleware';
import { graphqlPoints } from './rate-limits/graphql-cost';
import { addressRateLimit, authenticatedAndLimited, rateLimit } from './rate-limits/rate-limit.middleware';
import { runtimeRoutes } from './runtime/runtime.routes';
import { sessionRoutes } from './sessions/session.routes';
import { webhookRoutes } from './webhooks/webhook.routes';
import type { Logger } from './shared/logger';

export interface AppDeps {
  config: Pick<
    Config,
    | 'bodyLimitBytes'
    | 'graphqlIntrospection'
    | 'isProduction'
    | 'trustProxy'
    | 'publicUrl'
    | 'runtimeToken'
    | 'corsOrigins'
    | 'docsEnabled'
    | 'metricsEnabled'
    | 'metricsToken'
  >;
  services: Services;
  logger: Logger;
  /** Readiness: database reachable and migrations applied. */
  isReady: () => Promise<boolean>;
  /**
   * Apollo, already started (main starts it while the database opens); when absent, buildApp
   * starts one with the config's settings.
   */
  graphql?: GraphQLServer;
}

export interface BuiltApp {
  app: Express;
  /** Stops Apollo (call on shutdown, after the HTTP server stops accepting). */
  stop(): Promise<void>;
}

export async function buildApp(deps: AppDeps): Promise<BuiltApp> {
  const { services, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.config.trustProxy);
  app.set('etag', false);
  endJsonInOneWrite(app);

  // The request's id, its context (id, address, user agent) for every later line of code, and its log line.
  app.use(requestLog(logger));
  // Only when METRICS_ENABLED: otherwise no per-request work at all.
  if (deps.config.metricsEnabled && services.metrics.httpMiddleware) app.use(services.metrics.httpMiddleware);
  app.use(helmet());

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const ready = await deps.isReady();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable' });
  });
  if (deps.config.metricsEnabled) app.use(routed(metricsRoutes(services.metrics, deps.config.metricsToken)));
  // The docs pages (/docs, /graphiql) need no key; the calls they make carry the user's own.
  if (deps.config.docsEnabled) app.use(routed(docsRoutes()));

  const json = express.json({ limit: deps.config.bodyLimitBytes, strict: true });
  // An owner's API key, or a browser session's token (the sessions routes refuse the latter).
  const auth = requireCaller(services.owners, services.sessions);
  const secureCookies = deps.config.publicUrl.startsWith('https:');
  // Every authenticated request is charged to its API key's or session's rate limit.
  const limit = rateLimit(services.rateLimits);
  // The doors a browser opens without an API key are charged to the client's address instead
  // (RATE_LIMIT_ADDRESS_POINTS): the OAuth callback, the ticket URL (any method), and everything
  // under /connect. Only a Bearer call of the API on the ticket URL's path (no ticket, no form) is
  // charged to its credential instead: a made-up Authorization header does not skip the limit.
  const limitAddress = addressRateLimit(services.rateLimits);
  const limitBrowserDoor: express.RequestHandler = (req, res, next) => {
    const apiCall =
      req.headers.authorization !== undefined &&
      req.query.ticket === undefined &&
      !req.is('application/x-www-form-urlencoded');
    if (apiCall) next();
    else limitAddress(req, res, next);
  };

  if (deps.config.corsOrigins.length > 0) {
    // Frontends on CORS_ORIGINS send a session token in the Authorization header, never cookies.
    // Preflights are answered here, before any authentication.
    app.use(
      ['/api/v1', '/graphql'],
      cors({
        origin: deps.config.corsOrigins,
        credentials: false,
        allowedHeaders: ['Authorization', 'Content-Type', 'apollo-require-preflight', 'Idempotency-Key'],
        exposedHeaders: [
          'WWW-Authenticate',
          'X-Request-Id',
          'Retry-After',
          'RateLimit',
          'RateLimit-Policy',
          'Idempotent-Replayed',
        ],
        maxAge: 600,
      }),
    );
  }

  // Each feature's router is entered only by paths its routes could match (http/routed.ts).
  const api = express.Router();
  // The API's own description is public: served before any Bearer check.
  api.use(routed(openapiRoutes()));
  api.use(routed(connectorSchemaRoutes()));
  api.all('/connections/oauth/callback', limitAddress);
  api.all('/connections/:id/oauth', limitBrowserDoor);
  // The browser's OAuth doors come before the Bearer check; the others carry their own.
  api.use(
    routed(
      oauthRoutes(services, {
        secureCookies,
        json,
        bodyLimitBytes: deps.config.bodyLimitBytes,
        auth: authenticatedAndLimited(auth, limit),
      }),
    ),
  );
  // Authenticate before reading a body: an anonymous caller's bytes are never parsed.
  api.use(auth);
  // Charged per request, before the body is read (README "Rate limits").
  api.use(limit);
  api.use(json);
  // Each door names its routes a client may retry with an Idempotency-Key; the check runs in front.
  const idempotentRoutes = [...idempotentConnectionRoutes];
  api.post(idempotentRoutes, idempotency(services.idempotency, logger));
  api.use(routed(connectorRoutes(services)));
  api.use(routed(connectionRoutes(services)));
  api.use(routed(auditRoutes(services)));
  api.use(routed(sessionRoutes(services)));
  api.use(routed(webhookRoutes(services)));
  api.use(notFoundRoute);
  app.use('/api/v1', api);
  app.use('/internal/v1', runtimeRoutes(services, deps.config.runtimeToken, json, logger), notFoundRoute);
  app.use(
    '/connect',
    limitAddress,
    connectPageRoutes(services, { secureCookies, bodyLimitBytes: deps.config.bodyLimitBytes }),
  );

  const apollo = deps.graphql ?? (await startGraphQL(deps.config, logger));
  app.use(
    '/graphql',
    auth,
    json,
    // An operation is charged by its cost, priced with its variables and default page sizes
    // (rate-limits/graphql-cost.ts); Apollo refuses one over the cost limit (graphql/cost-limit.ts).
    rateLimit(services.rateLimits, graphqlPoints),
    idempotency(services.idempotency, logger, { fingerprintBody: graphqlFingerprintBody }),
    graphqlHandler<GraphQLContext>(apollo, async (_req, res) =>
      createGraphQLContext(callerOf(res), services),
    ),
  );

  app.use(notFoundRoute);
  app.use(errorMiddleware(logger));
  return { app, stop: () => apollo.stop() };
}
