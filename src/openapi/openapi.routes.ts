/**
 * `GET /api/v1/openapi.json`: the OpenAPI document as JSON, for clients, generators and the docs
 * page. No auth. Serialized once when the router is built, so a request costs nothing.
 */
import { Router } from 'express';
import { loadOpenApiDocument, type OpenApiDocument } from './openapi.document';

export function openapiRoutes(document: OpenApiDocument = loadOpenApiDocument()): Router {
  const body = JSON.stringify(document);
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.type('json').send(body);
  });
  return router;
}
