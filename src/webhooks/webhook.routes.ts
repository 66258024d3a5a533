/** REST door of webhook endpoints: owner API key only (the service refuses session tokens). */
import { Router } from 'express';
import type { Services } from '../container';
import { callerOf } from '../http/auth.middleware';
import { pathParam, queryInt } from '../http/params';
import { validateInput } from '../shared/validation';
import { CreateWebhookDto } from './dto/create-webhook.dto';
import { toDeliveryView, toWebhookView } from './webhook.serializer';

export function webhookRoutes(services: Pick<Services, 'webhooks'>): Router {
  const router = Router();
  const { webhooks } = services;

  router.post('/webhooks', async (req, res) => {
    const created = await webhooks.create(callerOf(res), await validateInput(CreateWebhookDto, req.body));
    res.setHeader('Cache-Control', 'no-store');
    res.status(201).json({ webhook: toWebhookView(created.webhook), secret: created.secret });
  });

  router.get('/webhooks', async (_req, res) => {
    res.json({ webhooks: (await webhooks.list(callerOf(res))).map(toWebhookView) });
  });

  router.get('/webhooks/:id', async (req, res) => {
    res.json({ webhook: toWebhookView(await webhooks.get(callerOf(res), pathParam(req, 'id'))) });
  });

  router.delete('/webhooks/:id', async (req, res) => {
    res.json(await webhooks.delete(callerOf(res), pathParam(req, 'id')));
  });

  router.get('/webhooks/:id/deliveries', async (req, res) => {
    const deliveries = await webhooks.recentDeliveries(
      callerOf(res),
      pathParam(req, 'id'),
      queryInt(req, 'limit'),
    );
    res.json({ deliveries: deliveries.map(toDeliveryView) });
  });

  return router;
}
