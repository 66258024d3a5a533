import type { MigrationInterface, QueryRunner } from 'typeorm';

export class BrowserSessions1795892353994 implements MigrationInterface {
  name = 'BrowserSessions1795892353994';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "browser_sessions" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "owner_id" uuid NOT NULL, "api_key_id" uuid NOT NULL, "token_hash" character(64) NOT NULL, "allowed_connectors" text array, "expires_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "PK_62bb0057d5bf51b68d790563ba3" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "browser_sessions_owner_id_idx" ON "browser_sessions"  ("owner_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "browser_sessions_api_key_id_idx" ON "browser_sessions"  ("api_key_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "browser_sessions_token_hash_key" ON "browser_sessions"  ("token_hash") `,
    );
    await queryRunner.query(
      `ALTER TABLE "browser_sessions" ADD CONSTRAINT "FK_1fbb93837cbd1cae1dbdd86b128" FOREIGN KEY ("owner_id") REFERENCES "owners"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "browser_sessions" ADD CONSTRAINT "FK_ce797555cff3deaa5a6eae64319" FOREIGN KEY ("api_key_id") REFERENCES "api_keys"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "browser_sessions" DROP CONSTRAINT "FK_ce797555cff3deaa5a6eae64319"`,
    );
    await queryRunner.query(
      `ALTER TABLE "browser_sessions" DROP CONSTRAINT "FK_1fbb93837cbd1cae1dbdd86b128"`,
    );
    await queryRunner.query(`DROP INDEX "public"."browser_sessions_token_hash_key"`);
    await queryRunner.query(`DROP INDEX "public"."browser_sessions_api_key_id_idx"`);
    await queryRunner.query(`DROP INDEX "public"."browser_sessions_owner_id_idx"`);
    await queryRunner.query(`DROP TABLE "browser_sessions"`);
  }
}
