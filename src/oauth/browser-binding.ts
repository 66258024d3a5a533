/**
 * The browser-binding cookie (docs/security.md#oauth-done-right): set when the ticket is opened
 * (the confirmation page's Continue, or an API caller's direct open), required at the callback, so
 * a flow finishes only in the browser that began it. One cookie per flow, scoped to the callback
 * path, HttpOnly, SameSite=Lax (sent on the provider's top-level redirect back to us), Secure when
 * PUBLIC_URL is https.
 */
import { parse, serialize } from 'cookie';
import { HANDSHAKE_TTL_MS } from './handshake.constants';

export const CALLBACK_PATH = '/api/v1/connections/oauth/callback';

export function bindingCookieName(flowId: string): string {
  return `alm_oauth_${flowId.replace(/-/g, '')}`;
}

export function serializeBindingCookie(flowId: string, value: string, secure: boolean): string {
  return serialize(bindingCookieName(flowId), value, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: CALLBACK_PATH,
    maxAge: Math.floor(HANDSHAKE_TTL_MS / 1000),
  });
}

export function clearBindingCookie(flowId: string, secure: boolean): string {
  return serialize(bindingCookieName(flowId), '', {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: CALLBACK_PATH,
    maxAge: 0,
  });
}

export function readBindingCookie(cookieHeader: string | undefined, flowId: string): string | undefined {
  if (!cookieHeader) return undefined;
  return parse(cookieHeader)[bindingCookieName(flowId)];
}

/**
 * The confirmation page's cookie (docs/security.md#a-link-never-acts-on-its-own): set when a
 * browser opens the ticket URL, scoped to that URL's path, and required with the page's
 * anti-forgery field by its Continue and Cancel. The flow keeps only its hash.
 */
const CONFIRM_COOKIE = 'alm_oauth_confirm';

/** The path of a connection's ticket URL (the `oauthUrl` without its query). */
export function ticketPath(connectionId: string): string {
  return `/api/v1/connections/${connectionId}/oauth`;
}

export function serializeConfirmCookie(
  connectionId: string,
  value: string,
  maxAgeSeconds: number,
  secure: boolean,
): string {
  return serialize(CONFIRM_COOKIE, value, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: ticketPath(connectionId),
    maxAge: Math.max(0, Math.floor(maxAgeSeconds)),
  });
}

export function clearConfirmCookie(connectionId: string, secure: boolean): string {
  return serializeConfirmCookie(connectionId, '', 0, secure);
}

export function readConfirmCookie(cookieHeader: string | undefined): string | undefined {
  return cookieHeader ? parse(cookieHeader)[CONFIRM_COOKIE] : undefined;
}
