/**
 * `GET /api/v1/openapi.json`: the OpenAPI document as JSON, for clients, generators and the docs
 * page. No auth. Read, parsed and serialized on the first request, not at start (the YAML parser
 * and the parse cost ~0.2 s that `npm start` would wait for); every request after that costs
 * nothing.
 */
import { Router } from 'express';
import type { OpenApiDocument } from './openapi.document';

export function openapiRoutes(document?: OpenApiDocument): Router {
  let body: Promise<string> | undefined;
  const serialize = async () =>
    JSON.stringify(document ?? (await import('./openapi.document')).loadOpenApiDocument());
  const router = Router();
  router.get('/openapi.json', async (_req, res) => {
    body ??= serialize();
    try {
      res.type('json').send(await body);
    } catch (err) {
      body = undefined; // a broken file is reported on every request until it is fixed
      throw err;
    }
  });
  return router;
}
