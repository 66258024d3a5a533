import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The health pass's index, per connector: (connector, next check), NULLS FIRST as before. The pass
 * reads each connector it checks as one range; in one index over every connector, the connections
 * of connectors it does not check (never scheduled, so first) were stepped over by every claim
 * (test/integration/background-cost.test.ts). Generated, then given back its NULLS FIRST (TypeORM
 * does not compare it).
 */
export class ConnectionsHealthDuePerConnector1796303413612 implements MigrationInterface {
  name = 'ConnectionsHealthDuePerConnector1796303413612';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."connections_health_due_idx"`);
    await queryRunner.query(
      `CREATE INDEX "connections_health_due_idx" ON "connections"  ("connector_slug", "check_lease_until" ASC NULLS FIRST) WHERE "deleted_at" IS NULL AND "status" IN ('connected', 'error')`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."connections_health_due_idx"`);
    await queryRunner.query(
      `CREATE INDEX "connections_health_due_idx" ON "connections" ("check_lease_until" ASC NULLS FIRST) WHERE "deleted_at" IS NULL AND "status" IN ('connected', 'error')`,
    );
  }
}
