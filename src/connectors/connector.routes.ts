/** REST door of the catalog: thin, the service does the filtering. */
import { Router } from 'express';
import type { Services } from '../container';
import { callerOf } from '../http/auth.middleware';
import { pathParam, queryString } from '../http/params';
import { toConnectorView } from './connector.serializer';
import type { AuthType } from './connector.types';

export function connectorRoutes(services: Pick<Services, 'connectors'>): Router {
  const router = Router();

  router.get('/connectors', (req, res) => {
    const connectors = services.connectors.list(
      {
        authType: queryString(req, 'authType') as AuthType | undefined,
        availability: queryString(req, 'availability'),
      },
      callerOf(res),
    );
    res.json({ connectors: connectors.map(toConnectorView) });
  });

  router.get('/connectors/:slug', (req, res) => {
    res.json({ connector: toConnectorView(services.connectors.get(pathParam(req, 'slug'), callerOf(res))) });
  });

  return router;
}
