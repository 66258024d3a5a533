/** REST door of the catalog: thin, the service does the filtering. */
import { Router } from 'express';
import type { Services } from '../container';
import { callerOf } from '../http/auth.middleware';
import { pathParam, queryString } from '../http/params';
import { toConnectorView } from './connector.serializer';
import type { AuthType } from './connector.types';
import { definitionSchemaText } from './connector.validation';

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

/**
 * `GET /api/v1/connector-definition.schema.json`: the JSON Schema (2020-12) of a connector
 * definition, the one that checks the built-in catalog and CONNECTORS_FILE. Public, like the
 * OpenAPI document: an operator's editor or CI can validate a file against it.
 */
export function connectorSchemaRoutes(): Router {
  const router = Router();
  router.get('/connector-definition.schema.json', (_req, res) => {
    res.type('application/schema+json').send(definitionSchemaText());
  });
  return router;
}
