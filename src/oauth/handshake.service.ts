/**
 * Begins OAuth handshakes: each one gets a fresh single-use ticket, valid 10 minutes, that
 * lets an ordinary browser tab (no Authorization header) open the `oauthUrl`.
 */
import type { Clock } from '../shared/clock';
import { randomToken, sha256Hex } from '../shared/tokens';
import type { OAuthFlowRepository } from './oauth-flow.repository';

export const HANDSHAKE_TTL_MS = 10 * 60 * 1000;

export class HandshakeService {
  constructor(
    private readonly flows: OAuthFlowRepository,
    private readonly clock: Clock,
    private readonly publicUrl: string,
  ) {}

  /** Starts a new handshake for the connection and returns its `oauthUrl`. */
  async begin(connectionId: string): Promise<string> {
    const ticket = randomToken();
    const now = this.clock.now();
    await this.flows.replaceFlowOfConnection(
      connectionId,
      sha256Hex(ticket),
      now,
      new Date(now.getTime() + HANDSHAKE_TTL_MS),
    );
    return `${this.publicUrl}/api/v1/connections/${connectionId}/oauth?ticket=${ticket}`;
  }

  /** Ends every handshake of a connection (on revocation). */
  async cancel(connectionId: string): Promise<void> {
    await this.flows.deleteFlowsOfConnection(connectionId);
  }
}
