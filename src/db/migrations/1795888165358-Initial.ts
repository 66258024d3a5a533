import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Initial1795888165358 implements MigrationInterface {
  name = 'Initial1795888165358';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "owners" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_42838282f2e6b216301a70b02d6" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "owners_name_key" ON "owners"  ("name") `);
    await queryRunner.query(
      `CREATE TABLE "connections" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "owner_id" uuid NOT NULL, "connector_slug" text NOT NULL, "auth_type" text NOT NULL, "label" text, "status" text NOT NULL, "last_error" jsonb, "secret" text, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "connected_at" TIMESTAMP(3) WITH TIME ZONE, "deleted_at" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "connections_auth_type_check" CHECK ("auth_type" IN ('oauth', 'api_key', 'none')), CONSTRAINT "connections_status_check" CHECK ("status" IN ('pending', 'connected', 'expired', 'error', 'revoked')), CONSTRAINT "PK_0a1f844af3122354cbd487a8d03" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "connections_owner_created_live_idx" ON "connections"  ("owner_id", "created_at", "id") WHERE "deleted_at" IS NULL`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "connections_owner_slug_live_key" ON "connections"  ("owner_id", "connector_slug") WHERE "deleted_at" IS NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "api_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "owner_id" uuid NOT NULL, "key_hash" character(64) NOT NULL, "prefix" text NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "revoked_at" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "PK_5c8a79801b44bd27b79228e1dad" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "api_keys_owner_id_idx" ON "api_keys"  ("owner_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys"  ("key_hash") `);
    await queryRunner.query(
      `ALTER TABLE "connections" ADD CONSTRAINT "FK_46d59723110fa83f910f4263565" FOREIGN KEY ("owner_id") REFERENCES "owners"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "api_keys" ADD CONSTRAINT "FK_d93cc0e04cac89126b2155ba9bc" FOREIGN KEY ("owner_id") REFERENCES "owners"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "api_keys" DROP CONSTRAINT "FK_d93cc0e04cac89126b2155ba9bc"`);
    await queryRunner.query(`ALTER TABLE "connections" DROP CONSTRAINT "FK_46d59723110fa83f910f4263565"`);
    await queryRunner.query(`DROP INDEX "public"."api_keys_key_hash_key"`);
    await queryRunner.query(`DROP INDEX "public"."api_keys_owner_id_idx"`);
    await queryRunner.query(`DROP TABLE "api_keys"`);
    await queryRunner.query(`DROP INDEX "public"."connections_owner_slug_live_key"`);
    await queryRunner.query(`DROP INDEX "public"."connections_owner_created_live_idx"`);
    await queryRunner.query(`DROP TABLE "connections"`);
    await queryRunner.query(`DROP INDEX "public"."owners_name_key"`);
    await queryRunner.query(`DROP TABLE "owners"`);
  }
}
