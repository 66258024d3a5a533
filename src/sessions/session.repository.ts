/** Browser sessions in PostgreSQL. TypeORM stays in here. */
import type { DataSource } from 'typeorm';
import { inTransaction, lockKey } from '../db/transaction';
import { BrowserSession } from './browser-session.entity';

export interface NewBrowserSession {
  ownerId: string;
  apiKeyId: string;
  tokenHash: string;
  allowedConnectors: string[] | null;
  expiresAt: Date;
  createdAt: Date;
}

/** What the Bearer check needs of a live session. */
export interface LiveSession {
  sessionId: string;
  ownerId: string;
  apiKeyId: string;
  allowedConnectors: string[] | null;
  expiresAt: Date;
}

export class SessionRepository {
  constructor(private readonly dataSource: DataSource) {}

  private get repo() {
    return this.dataSource.getRepository(BrowserSession);
  }

  /**
   * Inserts the session unless its owner already holds `limit` live ones (neither revoked nor
   * expired, their key not revoked); null then. The count and the insert run under the owner's
   * lock (lockKey, as webhook endpoints do), so concurrent creates take turns and never pass the
   * limit together.
   */
  insertWithinLimit(session: NewBrowserSession, limit: number): Promise<BrowserSession | null> {
    return inTransaction(this.dataSource, async (tx) => {
      await lockKey(tx, 'browser_sessions', session.ownerId);
      const rows: { live: number }[] = await tx.query(
        `SELECT count(*)::int AS live
           FROM browser_sessions s
           JOIN api_keys k ON k.id = s.api_key_id AND k.revoked_at IS NULL
          WHERE s.owner_id = $1 AND s.revoked_at IS NULL AND s.expires_at > $2`,
        [session.ownerId, session.createdAt],
      );
      if ((rows[0]?.live ?? 0) >= limit) return null;
      const repo = tx.getRepository(BrowserSession);
      return repo.save(repo.create({ ...session, revokedAt: null }));
    });
  }

  /**
   * The hot path of a session's every request: one indexed lookup. A session is live while it is
   * neither revoked nor expired and the API key that created it is not revoked.
   */
  async findLiveByTokenHash(tokenHash: string, now: Date): Promise<LiveSession | undefined> {
    const rows: {
      id: string;
      owner_id: string;
      api_key_id: string;
      allowed_connectors: string[] | null;
      expires_at: Date;
    }[] = await this.dataSource.query(
      `SELECT s.id, s.owner_id, s.api_key_id, s.allowed_connectors, s.expires_at
         FROM browser_sessions s
         JOIN api_keys k ON k.id = s.api_key_id AND k.revoked_at IS NULL
        WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > $2`,
      [tokenHash, now],
    );
    const row = rows[0];
    return row
      ? {
          sessionId: row.id,
          ownerId: row.owner_id,
          apiKeyId: row.api_key_id,
          allowedConnectors: row.allowed_connectors,
          expiresAt: new Date(row.expires_at),
        }
      : undefined;
  }

  /** Revokes one of the owner's sessions; null when the owner has no such session. */
  async revokeOfOwner(ownerId: string, id: string, now: Date): Promise<BrowserSession | null> {
    const session = await this.repo.findOneBy({ id, ownerId });
    if (!session) return null;
    if (!session.revokedAt) {
      await this.dataSource
        .createQueryBuilder()
        .update(BrowserSession)
        .set({ revokedAt: now })
        .where('id = :id AND revoked_at IS NULL', { id })
        .execute();
    }
    return this.repo.findOneBy({ id });
  }

  /** Deletes the owner's sessions that ended (expired or revoked) before `before`. */
  async deleteEndedOfOwner(ownerId: string, before: Date): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .delete()
      .from(BrowserSession)
      .where('owner_id = :ownerId AND (expires_at < :before OR revoked_at < :before)', { ownerId, before })
      .execute();
  }
}
