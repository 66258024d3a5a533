import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditRetention1795900300000 implements MigrationInterface {
  name = 'AuditRetention1795900300000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "connection_events_created_at_idx" ON "connection_events"  ("created_at") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."connection_events_created_at_idx"`);
  }
}
