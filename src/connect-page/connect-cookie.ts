/**
 * The connect page's hold on its browser session. `GET /connect?session=…` moves the token out of
 * the URL into this cookie (HttpOnly, SameSite=Lax, scoped to /connect, living as long as the
 * session), so it stays out of history, bookmarks and referrers. Forms carry a CSRF token derived
 * from the session token, which no other site can compute.
 */
import { createHmac } from 'node:crypto';
import { parse, serialize } from 'cookie';
import { safeEqual, sha256Hex } from '../shared/tokens';

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

/**
 * A link for another owner, waiting for the browser's answer (`/connect/switch`): the new session
 * token, held like the session's own cookie until the user chooses to stay or switch.
 */
const NEXT_COOKIE = 'alm_connect_next';
/** How long the question waits for an answer. */
const NEXT_MAX_AGE_SECONDS = 10 * 60;

export function serializeNextCookie(token: string, maxAgeSeconds: number, secure: boolean): string {
  return serialize(NEXT_COOKIE, token, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: CONNECT_PATH,
    maxAge: Math.max(0, Math.floor(Math.min(maxAgeSeconds, NEXT_MAX_AGE_SECONDS))),
  });
}

export function clearNextCookie(secure: boolean): string {
  return serializeNextCookie('', 0, secure);
}

export function readNextCookie(cookieHeader: string | undefined): string | undefined {
  return cookieHeader ? parse(cookieHeader)[NEXT_COOKIE] || undefined : undefined;
}

/**
 * The switch question's anti-forgery field: keyed by the session the browser holds (which no
 * other site, nor the sender of the new link, knows) and bound to the link it asks about.
 */
export function switchCsrfToken(currentToken: string, nextToken: string): string {
  return createHmac('sha256', currentToken)
    .update(`alm-connect-switch:${sha256Hex(nextToken)}`)
    .digest('base64url');
}

export function isValidSwitchCsrf(currentToken: string, nextToken: string, given: unknown): boolean {
  return (
    typeof given === 'string' && given !== '' && safeEqual(given, switchCsrfToken(currentToken, nextToken))
  );
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
