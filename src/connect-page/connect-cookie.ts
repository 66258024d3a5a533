/**
 * The connect page's hold on its browser session. `GET /connect?session=…` moves the token out of
 * the URL into this cookie (HttpOnly, SameSite=Lax, scoped to /connect, living as long as the
 * session), so it stays out of history, bookmarks and referrers. Forms carry a CSRF token derived
 * from the session token, which no other site can compute.
 */
import { createHmac } from 'node:crypto';
import { parse, serialize } from 'cookie';
import { safeEqual } from '../shared/tokens';

export const CONNECT_PATH = '/connect';
const COOKIE_NAME = 'alm_connect';

export function serializeConnectCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return serialize(COOKIE_NAME, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: CONNECT_PATH,
    maxAge: Math.max(0, Math.floor(maxAgeSeconds)),
  });
}

export function readConnectCookie(cookieHeader: string | undefined): string | undefined {
  return cookieHeader ? parse(cookieHeader)[COOKIE_NAME] : undefined;
}

/** The forms' CSRF token: an HMAC keyed by the session token, so it is bound to that session. */
export function csrfToken(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('alm-connect-page-csrf').digest('base64url');
}

export function isValidCsrf(sessionToken: string, given: unknown): boolean {
  return typeof given === 'string' && given !== '' && safeEqual(given, csrfToken(sessionToken));
}
