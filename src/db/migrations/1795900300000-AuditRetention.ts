import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AuditRetention1795900300000 implements MigrationInterface {
  name = 'AuditRetention1795900300000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // Indexing a trail that has grown can outlast the pool's 15 s statement_timeout (meant for
    // requests): lift it for this migration's own transaction only.
    await queryRunner.query('SET LOCAL statement_timeout = 0');
    await queryRunner.query(
      `CREATE INDEX "connection_events_created_at_idx" ON "connection_events"  ("created_at") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."connection_events_created_at_idx"`);
  }
}
