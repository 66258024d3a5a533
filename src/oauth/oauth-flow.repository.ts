import type { DataSource } from 'typeorm';
import { inTransaction } from '../db/transaction';
import { OAuthFlow } from './oauth-flow.entity';

export class OAuthFlowRepository {
  constructor(private readonly dataSource: DataSource) {}

  /** Starts a flow and ends every earlier one of the connection (their tickets die with them). */
  async replaceFlowOfConnection(
    connectionId: string,
    ticketHash: string,
    now: Date,
    expiresAt: Date,
  ): Promise<void> {
    await inTransaction(this.dataSource, async (tx) => {
      await tx.delete(OAuthFlow, { connectionId });
      await tx.insert(OAuthFlow, { connectionId, ticketHash, createdAt: now, expiresAt });
    });
  }

  async deleteFlowsOfConnection(connectionId: string): Promise<void> {
    await this.dataSource.getRepository(OAuthFlow).delete({ connectionId });
  }
}
