/**
 * runtime/ is the door of the agent runtime: the service that runs the owners' agents and asks the
 * gateway for their connections' live credentials. It has nothing to do with the Node.js runtime.
 *
 * `/internal/v1`: the agent runtime's door. Authenticated by RUNTIME_TOKEN alone (compared in
 * constant time); owners' API keys get 401 here, and without RUNTIME_TOKEN everyone does.
 */
import { pipeline } from 'node:stream/promises';
import { Router, type Request, type RequestHandler } from 'express';
import type { Services } from '../container';
import { bearerToken } from '../http/auth.middleware';
import { pathParam } from '../http/params';
import { BadRequestError, UnauthorizedError } from '../shared/errors';
import { safeEqual } from '../shared/tokens';
import type { Logger } from '../shared/logger';
import { setActor } from '../shared/request-context';
import { mcpMethodNotAllowed, mcpPost } from './mcp.routes';

function requireRuntime(runtimeToken: string | undefined): RequestHandler {
  return (req, _res, next) => {
    const token = bearerToken(req);
    if (!runtimeToken || token === undefined || !safeEqual(token, runtimeToken)) {
      throw new UnauthorizedError(
        'The runtime token is required: send "Authorization: Bearer $RUNTIME_TOKEN".',
      );
    }
    setActor({ type: 'runtime', id: null });
    next();
  };
}

/** The path after `/proxy` and the query string, exactly as they arrived (undecoded). */
function proxyTarget(req: Request): { path: string; query: string } {
  const raw = req.originalUrl;
  const mark = raw.indexOf('?');
  const pathname = (mark === -1 ? raw : raw.slice(0, mark)).slice(req.baseUrl.length);
  const match = /^\/connections\/[^/]+\/proxy(\/.*)?$/i.exec(pathname);
  return { path: match?.[1] ?? '/', query: mark === -1 ? '' : raw.slice(mark + 1) };
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * Any method: forwarded by the proxy service, the answer streamed back. No body parser runs on
 * this route: the body reaches the provider as it arrives (ProxyService counts it).
 */
const proxyRoute =
  (services: Pick<Services, 'proxy'>): RequestHandler =>
  async (req, res) => {
    const ending = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) ending.abort(new Error('the caller went away'));
    });
    const { path, query } = proxyTarget(req);
    const answer = await services.proxy.forward(pathParam(req, 'id'), {
      method: req.method,
      path,
      query,
      headers: req.headers,
      ...(hasBody(req) ? { body: req } : {}),
      signal: ending.signal,
    });
    res.status(answer.status);
    for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
    try {
      await pipeline(answer.body, res);
    } catch {
      // The caller or the provider went away mid-body: the socket is closed, nothing more to say.
      res.destroy();
    }
  };

export function runtimeRoutes(
  services: Pick<Services, 'runtime' | 'proxy' | 'tools' | 'mcp'>,
  runtimeToken: string | undefined,
  /** The JSON body reader of the API (its limit and errors), for the routes that take JSON. */
  json: RequestHandler,
  logger: Logger,
): Router {
  const router = Router();
  router.use(requireRuntime(runtimeToken));
  router.get('/connections/:id/credentials', async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await services.runtime.credentialsFor(pathParam(req, 'id'), String(req.id)));
  });
  router.all('/connections/:id/proxy{/*path}', proxyRoute(services));
  // A tool run: its input checked against the tool's schema, its request sent through the proxy.
  router.post('/connections/:id/tools/:name', json, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (typeof body !== 'object' || Array.isArray(body) || Object.keys(body).some((key) => key !== 'input')) {
      throw new BadRequestError('The body must be {"input": {…}}.', [
        { field: 'input', message: 'is the only field of the body' },
      ]);
    }
    res.json(await services.tools.run(pathParam(req, 'id'), pathParam(req, 'name'), body.input ?? {}));
  });
  // MCP for the agent runtime: the owner's tools over Streamable HTTP, statelessly.
  router.post('/mcp', json, mcpPost(services, logger));
  router.all('/mcp', mcpMethodNotAllowed);
  return router;
}
