/** Idempotency keys in PostgreSQL; see idempotency-key.entity.ts. Times are the database's. */
import type { DataSource } from 'typeorm';
import type { Sealed } from '../shared/crypto/cipher';
import type { IdempotencyScope } from './idempotency.service';

export interface StoredKey {
  fingerprint: string;
  /** Null while the first request is in progress. */
  responseStatus: number | null;
  responseContentType: string | null;
  responseBody: Sealed | null;
}

export interface StoredResponse {
  status: number;
  contentType: string | null;
  body: Sealed;
}

export class IdempotencyRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Takes the key for a request: true when this caller now holds it. The unique key decides
   * races between instances (the loser's upsert finds the winner's row and does nothing). A row
   * is taken over only when it has expired, or when it is an unfinished run of the same request
   * whose lock ran out (its instance crashed).
   */
  async claim(
    scope: IdempotencyScope,
    key: string,
    fingerprint: string,
    lockToken: string,
    lockSeconds: number,
    ttlSeconds: number,
  ): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `INSERT INTO idempotency_keys AS k
         (credential, idempotency_key, owner_id, fingerprint, lock_token, locked_until, expires_at)
       VALUES ($1, $2, $7, $3, $4, now() + make_interval(secs => $5), now() + make_interval(secs => $6))
       ON CONFLICT (credential, idempotency_key) DO UPDATE
         SET fingerprint = EXCLUDED.fingerprint, lock_token = EXCLUDED.lock_token,
             locked_until = EXCLUDED.locked_until, expires_at = EXCLUDED.expires_at,
             response_status = NULL, response_content_type = NULL, response_body = NULL,
             created_at = now()
         WHERE k.expires_at <= now()
            OR (k.response_status IS NULL AND k.locked_until <= now()
                AND k.fingerprint = EXCLUDED.fingerprint)
       RETURNING 1 AS claimed`,
      [scope.credential, key, fingerprint, lockToken, lockSeconds, ttlSeconds, scope.ownerId],
    );
    return rows.length === 1;
  }

  async findLive(scope: IdempotencyScope, key: string): Promise<StoredKey | undefined> {
    const rows: {
      fingerprint: string;
      response_status: number | null;
      response_content_type: string | null;
      response_body: Sealed | null;
    }[] = await this.dataSource.query(
      `SELECT fingerprint, response_status, response_content_type, response_body
         FROM idempotency_keys
        WHERE credential = $1 AND idempotency_key = $2 AND expires_at > now()`,
      [scope.credential, key],
    );
    const row = rows[0];
    return (
      row && {
        fingerprint: row.fingerprint,
        responseStatus: row.response_status === null ? null : Number(row.response_status),
        responseContentType: row.response_content_type,
        responseBody: row.response_body,
      }
    );
  }

  /** Stores the answer, if the lock is still this caller's. */
  async complete(
    scope: IdempotencyScope,
    key: string,
    lockToken: string,
    response: StoredResponse,
  ): Promise<void> {
    await this.dataSource.query(
      `UPDATE idempotency_keys
          SET response_status = $4, response_content_type = $5, response_body = $6,
              lock_token = NULL, locked_until = NULL
        WHERE credential = $1 AND idempotency_key = $2 AND lock_token = $3`,
      [scope.credential, key, lockToken, response.status, response.contentType, response.body],
    );
  }

  /** Forgets the key (an answer not worth keeping), if the lock is still this caller's. */
  async release(scope: IdempotencyScope, key: string, lockToken: string): Promise<void> {
    await this.dataSource.query(
      `DELETE FROM idempotency_keys WHERE credential = $1 AND idempotency_key = $2 AND lock_token = $3`,
      [scope.credential, key, lockToken],
    );
  }

  async deleteExpired(): Promise<void> {
    await this.dataSource.query(`DELETE FROM idempotency_keys WHERE expires_at <= now()`);
  }
}
