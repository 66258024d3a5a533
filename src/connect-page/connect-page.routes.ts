/**
 * `/connect`: the hosted page where a user connects accounts with a browser session, never an
 * API key. `GET /connect?session=<token>` moves the token into a cookie and redirects to
 * `/connect`; the forms post back here with a CSRF token; every change goes through the same
 * connection service as the API.
 */
import { randomBytes } from 'node:crypto';
import express, { Router, type RequestHandler, type Response } from 'express';
import type { Services } from '../container';
import { queryString } from '../http/params';
import type { Caller } from '../owners/owner.service';
import { BadRequestError } from '../shared/errors';
import { isPlainObject } from '../shared/validation';
import {
  CONNECT_PATH,
  csrfToken,
  isValidCsrf,
  readConnectCookie,
  serializeConnectCookie,
} from './connect-cookie';
import { ConnectPageService, type ConnectAction, type ConnectPageView } from './connect-page.service';
import { renderConnectPage } from './connect-page.render';

export interface ConnectPageOptions {
  secureCookies: boolean;
  bodyLimitBytes: number;
}

/** What a page response carries: no caching, no referrer, and a CSP that allows exactly this page. */
function contentSecurityPolicy(view: ConnectPageView, nonce: string, secure: boolean): string {
  // Chromium checks form-action along the redirects after a submission too: the OAuth form ends
  // at the provider's authorization endpoint, so those origins (and only those) are allowed.
  const providers = new Set<string>();
  for (const { connector } of view.items) {
    if (connector.authType === 'oauth' && connector.oauth)
      providers.add(new URL(connector.oauth.authorizationUrl).origin);
  }
  return [
    "default-src 'none'",
    `style-src 'nonce-${nonce}'`,
    "img-src 'self' data:",
    `form-action 'self' ${[...providers].join(' ')}`.trim(),
    "frame-ancestors 'none'",
    "base-uri 'none'",
    ...(secure ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

export function connectPageRoutes(services: Services, options: ConnectPageOptions): Router {
  const router = Router();
  const page = new ConnectPageService(services);
  const form = express.urlencoded({ extended: false, limit: options.bodyLimitBytes, parameterLimit: 100 });

  router.use((_req, res, next) => {
    res.locals.browserPage = true;
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });

  const send = (res: Response, status: number, view: ConnectPageView, token: string) => {
    const nonce = randomBytes(16).toString('base64');
    res.setHeader('Content-Security-Policy', contentSecurityPolicy(view, nonce, options.secureCookies));
    res
      .status(status)
      .type('html')
      .send(renderConnectPage(view, { nonce, csrf: csrfToken(token) }));
  };

  /** The session behind the page's cookie (401 page without a live one), checked before any body is read. */
  const requireSession: RequestHandler = async (req, res, next) => {
    const token = readConnectCookie(req.headers.cookie);
    res.locals.connect = { token, caller: (await page.openSession(token)).caller };
    next();
  };
  const session = (res: Response) => res.locals.connect as { token: string; caller: Caller };

  router.get('/', async (req, res) => {
    const given = queryString(req, 'session');
    if (given !== undefined) {
      // Out of the URL (history, logs, referrers) and into a cookie only /connect receives.
      const opened = await page.openSession(given);
      const maxAge = (opened.expiresAt.getTime() - Date.now()) / 1000;
      res.setHeader('Set-Cookie', serializeConnectCookie(given, maxAge, options.secureCookies));
      res.redirect(303, CONNECT_PATH);
      return;
    }
    const token = readConnectCookie(req.headers.cookie) ?? '';
    const { caller } = await page.openSession(token);
    send(res, 200, await page.view(caller, queryString(req, 'connectionId')), token);
  });

  const action =
    (run: (caller: Caller, body: Record<string, unknown>) => Promise<ConnectAction>): RequestHandler =>
    async (req, res) => {
      const { token, caller } = session(res);
      const body: unknown = req.body;
      if (!isPlainObject(body) || !isValidCsrf(token, body.csrf)) {
        throw new BadRequestError('This form has expired. Reload the connect page and try again.');
      }
      const outcome = await run(caller, body);
      if (outcome.kind === 'redirect') {
        res.redirect(303, outcome.location);
        return;
      }
      send(res, 400, await page.view(caller, undefined, outcome.problem), token);
    };

  router.post(
    '/oauth',
    requireSession,
    form,
    action((caller, body) => page.startOAuth(caller, body)),
  );
  router.post(
    '/credentials',
    requireSession,
    form,
    action((caller, body) => page.submitCredentials(caller, body)),
  );
  router.post(
    '/none',
    requireSession,
    form,
    action((caller, body) => page.connectNone(caller, body)),
  );

  return router;
}
