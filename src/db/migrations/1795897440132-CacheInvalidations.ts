import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CacheInvalidations1795897440132 implements MigrationInterface {
  name = 'CacheInvalidations1795897440132';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "cache_invalidations" ("id" BIGSERIAL NOT NULL, "topic" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_99f36cb7efaaaaf6854eab36d71" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "cache_invalidations_created_at_idx" ON "cache_invalidations"  ("created_at") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."cache_invalidations_created_at_idx"`);
    await queryRunner.query(`DROP TABLE "cache_invalidations"`);
  }
}
