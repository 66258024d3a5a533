/** What the OAuth handshake (handshake.service.ts) is given and gives back. */
import type { Connection } from '../connections/connection.entity';
import type { LastError } from '../connections/connection.types';

export interface HandshakeSettings {
  publicUrl: string;
  returnUrlAllowlist: readonly string[];
}

/** A handshake begun: its ticket, and the `oauthUrl` a browser opens. */
export interface HandshakeTicket {
  ticket: string;
  url: string;
}

/** What opening a ticket URL yields: where to send the browser, and the cookie to set. */
export interface OpenedHandshake {
  flowId: string;
  authorizationUrl: string;
  bindingValue: string;
}

export type CallbackOutcome =
  | {
      kind: 'connected';
      flowId: string;
      connection: Connection;
      connectorName: string;
      returnTo: string | null;
    }
  | {
      kind: 'failed';
      flowId: string;
      connection: Connection;
      connectorName: string;
      error: LastError;
      returnTo: string | null;
    };
