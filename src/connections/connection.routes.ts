/** REST door of connections (openapi/openapi.yaml): parse, call one service method, map the result. */
import { Router } from 'express';
import type { Services } from '../container';
import { callerOf } from '../http/auth.middleware';
import { pathParam, queryInt, queryString } from '../http/params';
import { validateInput } from '../shared/validation';
import { toConnectionView } from './connection.serializer';
import type { ConnectOutcome } from './connection.service';
import { ConnectDto } from './dto/connect.dto';
import { SubmitCredentialsDto } from './dto/submit-credentials.dto';

export function toRestConnect(outcome: ConnectOutcome) {
  return {
    connection: toConnectionView(outcome.connection),
    oauthUrl: outcome.oauthUrl,
    credentialSubmitUrl: outcome.credentialSubmitUrl,
  };
}

const CONNECT = '/connections';
const SUBMIT_CREDENTIALS = '/connections/:id/credentials';

/**
 * The POST routes of this door a client may retry with an Idempotency-Key: app.ts collects every
 * door's list and puts the idempotency check in front of them (idempotency/idempotency.middleware.ts).
 */
export const idempotentConnectionRoutes: readonly string[] = [CONNECT, SUBMIT_CREDENTIALS];

export function connectionRoutes(services: Pick<Services, 'connections' | 'connectionHealth'>): Router {
  const router = Router();
  const { connections, connectionHealth } = services;

  router.get('/connections', async (req, res) => {
    const page = await connections.list(callerOf(res), {
      limit: queryInt(req, 'limit'),
      cursor: queryString(req, 'cursor'),
      connectorSlug: queryString(req, 'connectorSlug'),
      status: queryString(req, 'status'),
    });
    res.json({ connections: page.connections.map(toConnectionView), nextCursor: page.nextCursor });
  });

  router.post(CONNECT, async (req, res) => {
    const outcome = await connections.connect(callerOf(res), await validateInput(ConnectDto, req.body));
    res.status(outcome.created ? 201 : 200).json(toRestConnect(outcome));
  });

  router.get('/connections/:id', async (req, res) => {
    res.json({ connection: toConnectionView(await connections.get(callerOf(res), pathParam(req, 'id'))) });
  });

  router.delete('/connections/:id', async (req, res) => {
    await connections.revoke(callerOf(res), pathParam(req, 'id'));
    res.json({ deleted: true });
  });

  router.post(SUBMIT_CREDENTIALS, async (req, res) => {
    const caller = callerOf(res);
    const input = await validateInput(SubmitCredentialsDto, req.body);
    const connection = await connections.submitCredentials(caller, pathParam(req, 'id'), input);
    res.json({ connection: toConnectionView(connection) });
  });

  // Runs the check again on a retry, which is what a retry wants: no Idempotency-Key.
  router.post('/connections/:id/check', async (req, res) => {
    const connection = await connectionHealth.check(callerOf(res), pathParam(req, 'id'));
    res.json({ connection: toConnectionView(connection) });
  });

  return router;
}
