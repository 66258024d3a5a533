/**
 * The OAuth doors of contract §3. Two are opened by a browser without an API key: the ticket
 * URL (`GET /connections/:id/oauth?ticket=`) and the provider's callback; they answer pages and
 * redirects. The others take the owner's Bearer key like every other route.
 */
import { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Services } from '../container';
import { callerOf, requireCaller } from '../http/auth.middleware';
import { pathParam, queryString } from '../http/params';
import { toConnectionView } from '../connections/connection.serializer';
import { BadRequestError } from '../shared/errors';
import { validateInput } from '../shared/validation';
import { ConnectDto } from '../connections/dto/connect.dto';
import { clearBindingCookie, serializeBindingCookie } from './browser-binding';
import { renderPage } from '../http/page';
import type { CallbackOutcome } from './handshake.service';
import { ReauthorizeDto } from './reauthorize.dto';

/** Marks a route as a browser page: the error middleware then answers HTML unless JSON is asked for. */
function browserPage(res: Response): void {
  res.locals.browserPage = true;
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
}

/** The ticket of an `oauthUrl` this gateway handed out. */
function ticketOf(oauthUrl: string): string {
  return new URL(oauthUrl).searchParams.get('ticket') ?? '';
}

function wantsJson(req: Request): boolean {
  return req.accepts(['html', 'json']) === 'json';
}

function callbackPage(outcome: CallbackOutcome): string {
  if (outcome.kind === 'connected') {
    const account = outcome.connection.account;
    return renderPage({
      ok: true,
      title: `${outcome.connectorName} is connected`,
      lines: [
        account ? `Connected as ${account}.` : `Your ${outcome.connectorName} account is connected.`,
        'You can close this window.',
      ],
    });
  }
  return renderPage({
    ok: false,
    title: `${outcome.connectorName} was not connected`,
    lines: [outcome.error.message, 'You can close this window and try again from the app.'],
  });
}

function returnUrl(outcome: CallbackOutcome): string | null {
  if (!outcome.returnTo) return null;
  const url = new URL(outcome.returnTo);
  url.searchParams.set('connectionId', outcome.connection.id);
  url.searchParams.set('status', outcome.kind === 'connected' ? 'connected' : 'failed');
  if (outcome.kind === 'failed') url.searchParams.set('error', outcome.error.code);
  return url.toString();
}

export function oauthRoutes(
  services: Services,
  options: {
    secureCookies: boolean;
    json: RequestHandler;
    /** The Bearer check of the authenticated doors (app.ts adds the rate limit to it). */
    auth?: RequestHandler;
  },
): Router {
  const router = Router();
  const auth = options.auth ?? requireCaller(services.owners, services.sessions);

  /** Opens a handshake's ticket: the browser-binding cookie, then 302 to the provider. */
  const openAndRedirect = async (res: Response, connectionId: string, ticket: string) => {
    const opened = await services.handshakes.open(connectionId, ticket);
    res.setHeader(
      'Set-Cookie',
      serializeBindingCookie(opened.flowId, opened.bindingValue, options.secureCookies),
    );
    res.redirect(302, opened.authorizationUrl);
  };

  /**
   * The `oauthUrl` as a browser opens it. Without a ticket it needs the owner's Bearer key, and
   * begins a fresh handshake first.
   */
  router.get('/connections/:id/oauth', async (req, res) => {
    browserPage(res);
    const id = pathParam(req, 'id');
    const ticket = queryString(req, 'ticket');
    if (ticket !== undefined) {
      await openAndRedirect(res, id, ticket);
      return;
    }
    if (!req.headers.authorization) {
      throw new BadRequestError('This sign-in link is incomplete: open the oauthUrl the API handed out.');
    }
    await runMiddleware(auth, req, res);
    const { oauthUrl } = await services.connections.reauthorize(
      callerOf(res),
      id,
      queryString(req, 'returnTo'),
    );
    await openAndRedirect(res, id, ticketOf(oauthUrl));
  });

  /** The provider's redirect target (no Bearer): state, cookie and `iss` decide. */
  router.get('/connections/oauth/callback', async (req, res) => {
    browserPage(res);
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(req.query))
      if (typeof value === 'string') query.set(key, value);
    const outcome = await services.handshakes.complete(query, req.headers.cookie);
    res.setHeader('Set-Cookie', clearBindingCookie(outcome.flowId, options.secureCookies));
    const status = outcome.kind === 'connected' ? 200 : 400;
    const target = returnUrl(outcome);
    if (target) {
      res.redirect(303, target);
    } else if (wantsJson(req)) {
      res.status(status).json({
        connection: toConnectionView(outcome.connection),
        ...(outcome.kind === 'failed' ? { error: outcome.error } : {}),
      });
    } else {
      res.status(status).type('html').send(callbackPage(outcome));
    }
  });

  /** Begins a fresh handshake for an OAuth connection in any live status (re-authorisation). */
  router.post('/connections/:id/oauth', auth, options.json, async (req, res) => {
    const input = await validateInput(ReauthorizeDto, req.body === undefined ? {} : req.body);
    const outcome = await services.connections.reauthorize(
      callerOf(res),
      pathParam(req, 'id'),
      input.returnTo,
    );
    res.json({ connection: toConnectionView(outcome.connection), oauthUrl: outcome.oauthUrl });
  });

  /** Creates or reuses the caller's connection by slug, then sends the browser to the provider. */
  router.get('/connections/oauth/start', auth, async (req, res) => {
    const params: Record<string, string> = {};
    for (const key of ['connectorSlug', 'label', 'returnTo']) {
      const value = queryString(req, key);
      if (value !== undefined) params[key] = value;
    }
    const input = await validateInput(ConnectDto, params);
    const connector = services.connectors.find(input.connectorSlug);
    if (connector && connector.authType !== 'oauth') {
      throw new BadRequestError(
        `OAuth not supported: connector "${connector.slug}" is ${connector.authType}.`,
      );
    }
    const caller = callerOf(res);
    const outcome = await services.connections.connect(caller, input);
    // An already connected connection gets a fresh handshake too: opening start means "connect again".
    const oauthUrl =
      outcome.oauthUrl ??
      (await services.connections.reauthorize(caller, outcome.connection.id, input.returnTo)).oauthUrl;
    if (wantsJson(req)) {
      // Contract §3: 200 whether the connection was created or reused (POST says which by 201/200).
      res.json({ connection: toConnectionView(outcome.connection), oauthUrl });
      return;
    }
    await openAndRedirect(res, outcome.connection.id, ticketOf(oauthUrl));
  });

  return router;
}

/** Runs a middleware inline (the Bearer check, for the one route where it is optional). */
function runMiddleware(handler: RequestHandler, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    Promise.resolve(handler(req, res, (err?: unknown) => (err ? reject(err) : resolve()))).catch(reject);
  });
}
