import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The scheduled refresh pass's index: connected OAuth connections holding tokens, by token expiry.
 * Without it each pass (every TOKEN_REFRESH_INTERVAL_SECONDS, on every instance) read the whole
 * connections table and sorted what expires soon (test/integration/background-cost.test.ts).
 */
export class ConnectionsRefreshDue1796303375260 implements MigrationInterface {
  name = 'ConnectionsRefreshDue1796303375260';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "connections_refresh_due_idx" ON "connections"  ("token_expires_at") WHERE "deleted_at" IS NULL AND "auth_type" = 'oauth' AND "status" = 'connected' AND "secret" IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."connections_refresh_due_idx"`);
  }
}
