/** OAuth handshakes in PostgreSQL: any instance can finish what another began. */
import type { DataSource } from 'typeorm';
import { inTransaction } from '../db/transaction';
import type { Sealed } from '../shared/crypto/cipher';
import { OAuthFlow } from './oauth-flow.entity';

export class OAuthFlowRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(OAuthFlow);
  }

  /** Starts a flow and ends every earlier one of the connection (their tickets die with them). */
  async replaceFlowOfConnection(flow: {
    connectionId: string;
    ticketHash: string;
    returnTo: string | null;
    createdAt: Date;
    expiresAt: Date;
  }): Promise<OAuthFlow> {
    return inTransaction(this.dataSource, async (tx) => {
      await tx.delete(OAuthFlow, { connectionId: flow.connectionId });
      const repo = tx.getRepository(OAuthFlow);
      return repo.save(
        repo.create({ ...flow, stateHash: null, codeVerifier: null, bindingHash: null, completedAt: null }),
      );
    });
  }

  findByTicketHash(ticketHash: string): Promise<OAuthFlow | null> {
    return this.repo.findOneBy({ ticketHash });
  }

  findByStateHash(stateHash: string): Promise<OAuthFlow | null> {
    return this.repo.findOneBy({ stateHash });
  }

  /**
   * Records the state, verifier and browser binding of an opening of the ticket URL. Opening it
   * again replaces them: only the latest state is accepted at the callback.
   */
  async recordOpening(
    flowId: string,
    opening: { stateHash: string; codeVerifier: Sealed; bindingHash: string },
  ): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(OAuthFlow)
      .set(opening)
      .where('id = :flowId AND completed_at IS NULL', { flowId })
      .execute();
    return (result.affected ?? 0) === 1;
  }

  /** Claims the flow for one callback: of concurrent callbacks with the same state exactly one wins. */
  async claim(flowId: string, now: Date): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(OAuthFlow)
      .set({ completedAt: now })
      .where('id = :flowId AND completed_at IS NULL AND expires_at > :now', { flowId, now })
      .execute();
    return (result.affected ?? 0) === 1;
  }

  async deleteFlowsOfConnection(connectionId: string): Promise<void> {
    await this.repo.delete({ connectionId });
  }

  /** Drops flows that ended long ago; their rows only matter while they can be replayed. */
  async deleteExpiredBefore(cutoff: Date): Promise<number> {
    const result = await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(OAuthFlow)
      .where('expires_at < :cutoff', { cutoff })
      .execute();
    return result.affected ?? 0;
  }
}
