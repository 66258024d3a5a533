/** REST door of the audit trail: `GET /api/v1/connections/:id/events`. */
import { Router } from 'express';
import type { Services } from '../container';
import { callerOf } from '../http/auth.middleware';
import { pathParam, queryInt, queryString } from '../http/params';
import { toAuditEventView } from './audit.serializer';

export function auditRoutes(services: Pick<Services, 'audit'>): Router {
  const router = Router();
  router.get('/connections/:id/events', async (req, res) => {
    const page = await services.audit.listOfConnection(callerOf(res), pathParam(req, 'id'), {
      limit: queryInt(req, 'limit'),
      cursor: queryString(req, 'cursor'),
      type: queryString(req, 'type'),
    });
    res.json({ events: page.events.map(toAuditEventView), nextCursor: page.nextCursor });
  });
  return router;
}
