/**
 * runtime/ is the door of the agent runtime: the service that runs the owners' agents and asks the
 * gateway for their connections' live credentials. It has nothing to do with the Node.js runtime.
 *
 * `/internal/v1`: the agent runtime's door. Authenticated by RUNTIME_TOKEN alone (compared in
 * constant time); owners' API keys get 401 here, and without RUNTIME_TOKEN everyone does.
 */
import { Router, type RequestHandler } from 'express';
import type { Services } from '../container';
import { bearerToken } from '../http/auth.middleware';
import { pathParam } from '../http/params';
import { UnauthorizedError } from '../shared/errors';
import { safeEqual } from '../shared/tokens';
import { setActor } from '../shared/request-context';

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

export function runtimeRoutes(services: Pick<Services, 'runtime'>, runtimeToken: string | undefined): Router {
  const router = Router();
  router.use(requireRuntime(runtimeToken));
  router.get('/connections/:id/credentials', async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(await services.runtime.credentialsFor(pathParam(req, 'id'), String(req.id)));
  });
  return router;
}
