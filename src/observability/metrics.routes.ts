/**
 * GET /metrics, the Prometheus scrape endpoint (mounted only when METRICS_ENABLED). Open unless
 * METRICS_TOKEN is set; then `Authorization: Bearer <METRICS_TOKEN>` is required, compared in
 * constant time. Not part of /api/v1, so not in the OpenAPI document.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import { UnauthorizedError } from '../shared/errors';
import type { Metrics } from './metrics';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export function metricsRoutes(metrics: Metrics, token: string | undefined): Router {
  const router = Router();
  const expected = token === undefined ? undefined : digest(token);
  router.get('/metrics', async (req, res) => {
    if (expected) {
      const match = /^Bearer (.+)$/.exec(req.get('authorization') ?? '');
      if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected)) {
        throw new UnauthorizedError('GET /metrics requires "Authorization: Bearer <METRICS_TOKEN>".');
      }
    }
    const { contentType, body } = await metrics.render();
    res.setHeader('Cache-Control', 'no-store');
    res.type(contentType).send(body);
  });
  return router;
}
