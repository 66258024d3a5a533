/** The public record of a browser session: an allow-list (never the token or its hash). */
import type { BrowserSession } from './browser-session.entity';

export interface SessionView {
  id: string;
  allowedConnectors: string[] | null;
  expiresAt: string;
  createdAt: string;
}

export function toSessionView(session: BrowserSession): SessionView {
  return {
    id: session.id,
    allowedConnectors: session.allowedConnectors ? [...session.allowedConnectors] : null,
    expiresAt: session.expiresAt.toISOString(),
    createdAt: session.createdAt.toISOString(),
  };
}
