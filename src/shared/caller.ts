/**
 * Who is calling, and the one authorisation rule every feature applies to it. Resolved from the
 * Bearer token once per request (http/auth.middleware.ts) and passed to every service call.
 */

/** Who is calling: an owner's API key, or a browser session that key created. */
export interface Caller {
  ownerId: string;
  /** The API key; for a browser session, the key that created it. */
  keyId: string;
  /** Set when the caller is a browser session (`alm_sess_…`) rather than the owner's API key. */
  sessionId?: string;
  /** A browser session's connector restriction; null or absent: every connector. */
  allowedConnectors?: string[] | null;
}

/** Whether the caller may see and use this connector (a browser session may be restricted). */
export function mayUseConnector(caller: Caller, slug: string): boolean {
  return !caller.allowedConnectors || caller.allowedConnectors.includes(slug);
}
