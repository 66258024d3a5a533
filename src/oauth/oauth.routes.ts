/**
 * The OAuth doors of the REST API (openapi/openapi.yaml). Two are opened by a browser without an
 * API key: the ticket URL (`GET /connections/:id/oauth?ticket=`: a confirmation page whose form
 * POSTs back to the same URL to go on to the provider) and the provider's callback; they answer
 * pages and redirects. The others take the owner's Bearer key like every other route.
 */
import { randomBytes } from 'node:crypto';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import type { Services } from '../container';
import { callerOf, requireCaller } from '../http/auth.middleware';
import { pathParam, queryString } from '../http/params';
import { toConnectionView } from '../connections/connection.serializer';
import { BadRequestError } from '../shared/errors';
import { validateInput } from '../shared/validation';
import { ConnectDto } from '../connections/dto/connect.dto';
import {
  clearBindingCookie,
  clearConfirmCookie,
  readConfirmCookie,
  serializeBindingCookie,
  serializeConfirmCookie,
  ticketPath,
} from './browser-binding';
import { renderConfirmPage } from './confirm-page.render';
import { renderPage } from '../http/page';
import type { CallbackOutcome, OpenedHandshake } from './handshake.types';
import { ReauthorizeDto } from './reauthorize.dto';

/** Marks a route as a browser page: the error middleware then answers HTML unless JSON is asked for. */
function browserPage(res: Response): void {
  res.locals.browserPage = true;
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Referrer-Policy', 'no-referrer');
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
  services: Pick<Services, 'connections' | 'handshakes' | 'owners' | 'sessions'>,
  options: {
    secureCookies: boolean;
    json: RequestHandler;
    /** The request body limit (the confirmation form is a few hundred bytes). */
    bodyLimitBytes?: number;
    /** The Bearer check of the authenticated doors (app.ts adds the rate limit to it). */
    auth?: RequestHandler;
  },
): Router {
  const router = Router();
  const auth = options.auth ?? requireCaller(services.owners, services.sessions);

  const form = express.urlencoded({
    extended: false,
    limit: Math.min(options.bodyLimitBytes ?? 16_384, 16_384),
    parameterLimit: 10,
  });

  /** 302 to the provider with the browser-binding cookie the callback requires. */
  const redirectToProvider = (res: Response, opened: OpenedHandshake, extraCookies: string[] = []) => {
    res.setHeader('Set-Cookie', [
      serializeBindingCookie(opened.flowId, opened.bindingValue, options.secureCookies),
      ...extraCookies,
    ]);
    res.redirect(302, opened.authorizationUrl);
  };

  /**
   * The `oauthUrl` as a browser opens it: the confirmation page
   * (docs/security.md#a-link-never-acts-on-its-own), which goes on only by its form's POST. An API
   * caller with a Bearer header is checked like any request (the connection must be its own) and
   * goes to the provider at once; without a ticket it begins a fresh handshake first.
   */
  router.get('/connections/:id/oauth', async (req, res) => {
    browserPage(res);
    const id = pathParam(req, 'id');
    const ticket = queryString(req, 'ticket');
    if (req.headers.authorization) {
      await runMiddleware(auth, req, res);
      const caller = callerOf(res);
      if (ticket === undefined) {
        const begun = await services.connections.reauthorize(caller, id, queryString(req, 'returnTo'));
        redirectToProvider(res, await services.handshakes.open(id, begun.ticket));
      } else {
        await services.connections.get(caller, id); // 404 unless it is the caller's own
        redirectToProvider(res, await services.handshakes.open(id, ticket));
      }
      return;
    }
    if (ticket === undefined) {
      throw new BadRequestError('This sign-in link is incomplete: open the oauthUrl the API handed out.');
    }
    const confirmation = await services.handshakes.confirmation(
      id,
      ticket,
      readConfirmCookie(req.headers.cookie),
    );
    const nonce = randomBytes(16).toString('base64');
    res.setHeader(
      'Content-Security-Policy',
      confirmPagePolicy(confirmation.providerOrigin, nonce, options.secureCookies),
    );
    res.setHeader(
      'Set-Cookie',
      serializeConfirmCookie(
        confirmation.connectionId,
        confirmation.cookieValue,
        (confirmation.expiresAt.getTime() - Date.now()) / 1000,
        options.secureCookies,
      ),
    );
    res
      .status(200)
      .type('html')
      .send(
        renderConfirmPage({
          connectorName: confirmation.connectorName,
          ownerName: confirmation.ownerName,
          action: `${ticketPath(confirmation.connectionId)}?ticket=${encodeURIComponent(ticket)}`,
          formValue: confirmation.formValue,
          nonce,
        }),
      );
  });

  /**
   * The confirmation page's form (no Bearer, `?ticket=`): Continue → 302 to the provider,
   * Cancel → a page saying so. A request with a Bearer header, or without a ticket, is the
   * API's re-authorisation below.
   */
  router.post('/connections/:id/oauth', async (req, res, next) => {
    const ticket = queryString(req, 'ticket');
    if (req.headers.authorization || ticket === undefined) {
      next();
      return;
    }
    browserPage(res);
    await runMiddleware(form, req, res);
    const id = pathParam(req, 'id');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const proof = { cookieValue: readConfirmCookie(req.headers.cookie), formValue: body.confirm };
    if (body.action === 'cancel') {
      const cancelled = await services.handshakes.cancelConfirmed(id, ticket, proof);
      res.setHeader('Set-Cookie', clearConfirmCookie(id, options.secureCookies));
      res
        .status(200)
        .type('html')
        .send(
          renderPage({
            ok: false,
            title: `Sign-in to ${cancelled.connectorName} cancelled`,
            lines: ['Nothing was connected, and this link no longer works.', 'You can close this window.'],
          }),
        );
      return;
    }
    const opened = await services.handshakes.continueConfirmed(id, ticket, proof);
    redirectToProvider(res, opened, [clearConfirmCookie(id, options.secureCookies)]);
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
    const { connection, handshake } = await services.connections.startOAuth(callerOf(res), input);
    if (wantsJson(req)) {
      // 200 whether the connection was created or reused (POST says which by 201/200).
      res.json({ connection: toConnectionView(connection), oauthUrl: handshake.url });
      return;
    }
    redirectToProvider(res, await services.handshakes.open(connection.id, handshake.ticket));
  });

  return router;
}

/**
 * The confirmation page's CSP: its own styled page, no script, no framing (a page with a
 * Continue button is what clickjacking aims at), and a form that may end at the provider
 * (Chromium checks form-action along the redirect after a submission too).
 */
function confirmPagePolicy(providerOrigin: string, nonce: string, secure: boolean): string {
  return [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    "img-src 'self' data:",
    `form-action 'self' ${providerOrigin}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
    ...(secure ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

/** Runs a middleware inline (the Bearer check, for the one route where it is optional). */
function runMiddleware(handler: RequestHandler, req: Request, res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    Promise.resolve(handler(req, res, (err?: unknown) => (err ? reject(err) : resolve()))).catch(reject);
  });
}
