/**
 * `/connect`: the hosted page where a user connects accounts with a browser session, never an
 * API key. `GET /connect?session=<token>` moves the token into a cookie and redirects to
 * `/connect` — unless the browser holds a live session of another owner: then it asks first
 * (`/connect/switch`), so a link someone sent never silently replaces the session a user is
 * connecting with. The forms post back here with a CSRF token; every change goes through the
 * same connection service as the API.
 */
import { randomBytes } from 'node:crypto';
import express, { Router, type RequestHandler, type Response } from 'express';
import { queryString } from '../http/params';
import type { Caller } from '../shared/caller';
import { BadRequestError } from '../shared/errors';
import { isPlainObject } from '../shared/validation';
import { serializeBindingCookie } from '../oauth/browser-binding';
import {
  clearNextCookie,
  CONNECT_PATH,
  csrfToken,
  isValidCsrf,
  isValidSwitchCsrf,
  readConnectCookie,
  readNextCookie,
  serializeConnectCookie,
  serializeNextCookie,
  switchCsrfToken,
} from './connect-cookie';
import {
  ConnectPageService,
  type ConnectAction,
  type ConnectPageServices,
  type ConnectPageView,
} from './connect-page.service';
import { renderConnectPage, renderSwitchPage } from './connect-page.render';

export interface ConnectPageOptions {
  secureCookies: boolean;
  bodyLimitBytes: number;
}

/** What a page response carries: no caching, no referrer, and a CSP that allows exactly this page. */
function contentSecurityPolicy(items: ConnectPageView['items'], nonce: string, secure: boolean): string {
  // Chromium checks form-action along the redirects after a submission too: the OAuth form ends
  // at the provider's authorization endpoint, so those origins (and only those) are allowed.
  const providers = new Set<string>();
  for (const { connector } of items) {
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

export function connectPageRoutes(services: ConnectPageServices, options: ConnectPageOptions): Router {
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
    res.setHeader('Content-Security-Policy', contentSecurityPolicy(view.items, nonce, options.secureCookies));
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

  const secondsUntil = (at: Date) => (at.getTime() - Date.now()) / 1000;

  /** The browser takes this session: its cookie set, any pending question dropped. */
  const takeSession = (res: Response, token: string, expiresAt: Date) => {
    res.setHeader('Set-Cookie', [
      serializeConnectCookie(token, secondsUntil(expiresAt), options.secureCookies),
      clearNextCookie(options.secureCookies),
    ]);
    res.redirect(303, CONNECT_PATH);
  };

  router.get('/', async (req, res) => {
    const given = queryString(req, 'session');
    if (given !== undefined) {
      // Out of the URL (history, logs, referrers) and into a cookie only /connect receives.
      const choice = await page.choose(given, readConnectCookie(req.headers.cookie));
      if (choice.kind === 'take') {
        takeSession(res, given, choice.expiresAt);
        return;
      }
      // Another owner's link while this browser connects for someone: ask, never replace silently.
      res.setHeader('Set-Cookie', serializeNextCookie(given, Number.MAX_SAFE_INTEGER, options.secureCookies));
      res.redirect(303, `${CONNECT_PATH}/switch`);
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
      if (outcome.kind === 'provider') {
        // The binding cookie the callback requires, as the oauthUrl's Continue sets it.
        const { opened } = outcome;
        res.setHeader(
          'Set-Cookie',
          serializeBindingCookie(opened.flowId, opened.bindingValue, options.secureCookies),
        );
        res.redirect(303, opened.authorizationUrl);
        return;
      }
      if (outcome.kind === 'redirect') {
        res.redirect(303, outcome.location);
        return;
      }
      send(res, 400, await page.view(caller, undefined, outcome.problem), token);
    };

  /** The question: stay with the owner this browser connects for, or switch to the new link's. */
  router.get('/switch', async (req, res) => {
    const current = readConnectCookie(req.headers.cookie);
    const next = readNextCookie(req.headers.cookie);
    if (next === undefined) {
      res.redirect(303, CONNECT_PATH);
      return;
    }
    const question = await page.switchQuestion(current, next);
    if (!question) {
      // Nothing to ask any more: take the new link if it is live, else keep what there is.
      const offered = await page.choose(next, undefined).catch(() => undefined);
      if (offered?.kind === 'take') takeSession(res, next, offered.expiresAt);
      else {
        res.setHeader('Set-Cookie', clearNextCookie(options.secureCookies));
        res.redirect(303, CONNECT_PATH);
      }
      return;
    }
    const nonce = randomBytes(16).toString('base64');
    res.setHeader('Content-Security-Policy', contentSecurityPolicy([], nonce, options.secureCookies));
    res
      .status(200)
      .type('html')
      .send(renderSwitchPage(question, { nonce, csrf: switchCsrfToken(current!, next) }));
  });

  router.post('/switch', form, async (req, res) => {
    const current = readConnectCookie(req.headers.cookie);
    const next = readNextCookie(req.headers.cookie);
    const body: unknown = req.body;
    if (
      current === undefined ||
      next === undefined ||
      !isPlainObject(body) ||
      !isValidSwitchCsrf(current, next, body.csrf)
    ) {
      throw new BadRequestError('This form has expired. Open the connect link again.');
    }
    if (body.choice === 'switch') {
      const taken = await page.choose(next, undefined);
      if (taken.kind === 'take') {
        takeSession(res, next, taken.expiresAt);
        return;
      }
    }
    res.setHeader('Set-Cookie', clearNextCookie(options.secureCookies));
    res.redirect(303, CONNECT_PATH);
  });

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
