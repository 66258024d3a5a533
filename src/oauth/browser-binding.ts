/**
 * The browser-binding cookie (security.md promise 5): set when the ticket URL is opened,
 * required at the callback, so a flow finishes only in the browser that began it. One cookie
 * per flow, scoped to the callback path, HttpOnly, SameSite=Lax (sent on the provider's
 * top-level redirect back to us), Secure when PUBLIC_URL is https.
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
