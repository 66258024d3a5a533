/**
 * http/routed.ts: a router is entered only by paths its routes could match — and by every such
 * path, as express itself would match it (case-insensitively, with or without a trailing slash).
 */
import express, { Router } from 'express';
import type { AddressInfo } from 'node:net';
import { auditRoutes } from '../../src/audit/audit.routes';
import { connectionRoutes } from '../../src/connections/connection.routes';
import { connectorRoutes, connectorSchemaRoutes } from '../../src/connectors/connector.routes';
import { docsRoutes } from '../../src/docs/docs.routes';
import { routed, routePrefixes } from '../../src/http/routed';
import { metricsRoutes } from '../../src/observability/metrics.routes';
import { oauthRoutes } from '../../src/oauth/oauth.routes';
import { openapiRoutes } from '../../src/openapi/openapi.routes';
import { sessionRoutes } from '../../src/sessions/session.routes';
import { webhookRoutes } from '../../src/webhooks/webhook.routes';

const noop: express.RequestHandler = (_req, _res, next) => next();

describe('routePrefixes', () => {
  it('keeps the literal start of each route path, lower-cased, without ones another covers', () => {
    const router = Router();
    router.get('/connections', noop);
    router.get('/connections/:id', noop);
    router.post('/connections/:id/oauth', noop);
    router.get('/Openapi.json', noop);
    router.get(['/events', '/webhooks/{:id}'], noop);
    router.get('/files/*rest', noop);
    expect(routePrefixes(router)?.sort()).toEqual([
      '/connections',
      '/events',
      '/files',
      '/openapi.json',
      '/webhooks',
    ]);
  });

  it('gives up on a router holding middleware of its own or a RegExp path', () => {
    const withMiddleware = Router();
    withMiddleware.use(noop);
    withMiddleware.get('/a', noop);
    expect(routePrefixes(withMiddleware)).toBeUndefined();
    const withPattern = Router();
    withPattern.get(/^\/a/, noop);
    expect(routePrefixes(withPattern)).toBeUndefined();
    expect(routed(withMiddleware)).toBe(withMiddleware);
  });

  it('guards every feature router the app mounts side by side (else the lever is lost)', () => {
    const services = {} as never;
    const routers: [string, Router][] = [
      ['openapi', openapiRoutes()],
      ['connector schema', connectorSchemaRoutes()],
      ['oauth', oauthRoutes(services, { secureCookies: false, json: noop, bodyLimitBytes: 1, auth: noop })],
      ['connectors', connectorRoutes(services)],
      ['connections', connectionRoutes(services)],
      ['audit', auditRoutes(services)],
      ['sessions', sessionRoutes(services)],
      ['webhooks', webhookRoutes(services)],
      ['docs', docsRoutes()],
      ['metrics', metricsRoutes({} as never, undefined)],
    ];
    for (const [name, router] of routers) {
      expect([name, routePrefixes(router)]).toEqual([name, expect.any(Array)]);
    }
  });
});

describe('routed', () => {
  let base: string;
  let entered: string[];
  let close: () => void;

  beforeAll(async () => {
    entered = [];
    const router = Router();
    router.get('/connections/:id', (req, res) => {
      res.json({ route: 'one', id: req.params.id });
    });
    router.get('/connections', (_req, res) => {
      res.json({ route: 'list' });
    });
    const app = express();
    app.set('strict routing', false);
    app.use((req, _res, next) => {
      entered.length = 0;
      next();
    });
    // The router function hands every request it is given to router.handle: count those.
    const inner = router as unknown as { handle: express.RequestHandler };
    const handle = inner.handle.bind(router);
    inner.handle = (req, res, next) => {
      entered.push(req.path);
      void handle(req, res, next);
    };
    app.use(routed(router));
    app.use((req, res) => {
      res.status(404).json({ route: 'none', path: req.path });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  afterAll(() => close());

  const get = async (path: string) => (await (await fetch(`${base}${path}`)).json()) as { route: string };

  it('enters for its paths as express matches them, and only for those', async () => {
    expect(await get('/connections')).toEqual({ route: 'list' });
    expect(entered).toEqual(['/connections']);
    expect(await get('/CONNECTIONS/')).toEqual({ route: 'list' });
    expect(await get('/connections/abc?x=1')).toEqual({ route: 'one', id: 'abc' });
    expect(await get('/connectionsx')).toEqual({ route: 'none', path: '/connectionsx' });
    expect(entered).toEqual(['/connectionsx']);
    expect(await get('/connectors')).toEqual({ route: 'none', path: '/connectors' });
    expect(entered).toEqual([]);
    expect(await get('/')).toEqual({ route: 'none', path: '/' });
    expect(entered).toEqual([]);
  });
});
