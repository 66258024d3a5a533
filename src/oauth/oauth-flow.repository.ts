/** OAuth handshakes in PostgreSQL: any instance can finish what another began. */
import type { DataSource } from 'typeorm';
import { inTransaction } from '../db/transaction';
import type { Sealed } from '../shared/crypto/cipher';
import { OAuthFlow } from './oauth-flow.entity';

/** A ticket nobody has continued, cancelled or finished yet, within its 10 minutes. */
const UNUSED = 'state_hash IS NULL AND cancelled_at IS NULL AND completed_at IS NULL AND expires_at > :now';

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
        repo.create({
          ...flow,
          stateHash: null,
          codeVerifier: null,
          bindingHash: null,
          confirmHash: null,
          cancelledAt: null,
          completedAt: null,
        }),
      );
    });
  }

  findById(id: string): Promise<OAuthFlow | null> {
    return this.repo.findOneBy({ id });
  }

  findByTicketHash(ticketHash: string): Promise<OAuthFlow | null> {
    return this.repo.findOneBy({ ticketHash });
  }

  findByStateHash(stateHash: string): Promise<OAuthFlow | null> {
    return this.repo.findOneBy({ stateHash });
  }

  /**
   * Records which browser was shown the confirmation page (a hash of its cookie), while the
   * ticket is still unused. The last browser to open the page is the one that may continue.
   */
  async recordConfirmation(flowId: string, confirmHash: string, now: Date): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(OAuthFlow)
      .set({ confirmHash })
      .where(`id = :flowId AND ${UNUSED}`, { flowId, now })
      .execute();
    return (result.affected ?? 0) === 1;
  }

  /**
   * Records the state, verifier and browser binding of the one opening of the ticket: the
   * continue of the confirmation page (`confirmHash` given: only that browser's), or an API
   * caller's direct open. Once opened, the ticket is spent: of two concurrent openings one wins.
   */
  async recordOpening(
    flowId: string,
    opening: { stateHash: string; codeVerifier: Sealed; bindingHash: string },
    now: Date,
    confirmHash?: string,
  ): Promise<boolean> {
    const query = this.dataSource
      .createQueryBuilder()
      .update(OAuthFlow)
      .set({ ...opening, confirmHash: null })
      .where(`id = :flowId AND ${UNUSED}`, { flowId, now });
    if (confirmHash !== undefined) query.andWhere('confirm_hash = :confirmHash', { confirmHash });
    const result = await query.execute();
    return (result.affected ?? 0) === 1;
  }

  /** Cancels an unused ticket from its confirmation page (only the browser that was shown it). */
  async cancel(flowId: string, confirmHash: string, now: Date): Promise<boolean> {
    const result = await this.dataSource
      .createQueryBuilder()
      .update(OAuthFlow)
      .set({ cancelledAt: now, confirmHash: null })
      .where(`id = :flowId AND ${UNUSED} AND confirm_hash = :confirmHash`, { flowId, now, confirmHash })
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
