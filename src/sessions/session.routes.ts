/** REST door of browser sessions: owner API key only (the service refuses session tokens). */
import { Router } from 'express';
import type { Services } from '../container';
import { callerOf } from '../http/auth.middleware';
import { pathParam } from '../http/params';
import { validateInput } from '../shared/validation';
import { CreateSessionDto } from './dto/create-session.dto';
import { toSessionView } from './session.serializer';

export function sessionRoutes(services: Pick<Services, 'sessions'>): Router {
  const router = Router();

  router.post('/sessions', async (req, res) => {
    const created = await services.sessions.create(
      callerOf(res),
      await validateInput(CreateSessionDto, req.body),
    );
    res.setHeader('Cache-Control', 'no-store');
    res.status(201).json({ session: toSessionView(created.session), token: created.token });
  });

  router.delete('/sessions/:id', async (req, res) => {
    await services.sessions.revoke(callerOf(res), pathParam(req, 'id'));
    res.json({ revoked: true });
  });

  return router;
}
