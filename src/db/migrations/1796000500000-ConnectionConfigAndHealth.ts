import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Per-connection config (the non-secret inputs a connector asks for: a tenant, a host), and the
 * health check's bookkeeping: when a connection was last checked, and its next scheduled check
 * (the lease one instance holds while it checks, then the not-before time of the next one;
 * docs/architecture.md#health-checks). The partial index serves the background pass: the live
 * connected or errored connections in the order they fall due.
 */
export class ConnectionConfigAndHealth1796000500000 implements MigrationInterface {
  name = 'ConnectionConfigAndHealth1796000500000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "connections" ADD "config" jsonb NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`ALTER TABLE "connections" ADD "last_checked_at" TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "connections" ADD "check_lease_until" TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(
      `CREATE INDEX "connections_health_due_idx" ON "connections" ("check_lease_until" ASC NULLS FIRST) WHERE "deleted_at" IS NULL AND "status" IN ('connected', 'error')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."connections_health_due_idx"`);
    await queryRunner.query(`ALTER TABLE "connections" DROP COLUMN "check_lease_until"`);
    await queryRunner.query(`ALTER TABLE "connections" DROP COLUMN "last_checked_at"`);
    await queryRunner.query(`ALTER TABLE "connections" DROP COLUMN "config"`);
  }
}
