import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OAuthHandshakeAndTokens1795889087628 implements MigrationInterface {
  name = 'OAuthHandshakeAndTokens1795889087628';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "connections" ADD "token_expires_at" TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "connections" ADD "scopes" text array`);
    await queryRunner.query(`ALTER TABLE "connections" ADD "account" text`);
    await queryRunner.query(`ALTER TABLE "connections" ADD "last_refreshed_at" TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(
      `ALTER TABLE "connections" ADD "refresh_lease_until" TIMESTAMP(3) WITH TIME ZONE`,
    );
    await queryRunner.query(`ALTER TABLE "oauth_flows" ADD "state_hash" character(64)`);
    await queryRunner.query(`ALTER TABLE "oauth_flows" ADD "code_verifier" text`);
    await queryRunner.query(`ALTER TABLE "oauth_flows" ADD "binding_hash" character(64)`);
    await queryRunner.query(`ALTER TABLE "oauth_flows" ADD "return_to" text`);
    await queryRunner.query(`ALTER TABLE "oauth_flows" ADD "completed_at" TIMESTAMP(3) WITH TIME ZONE`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "oauth_flows_state_hash_key" ON "oauth_flows"  ("state_hash") WHERE "state_hash" IS NOT NULL`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."oauth_flows_state_hash_key"`);
    await queryRunner.query(`ALTER TABLE "oauth_flows" DROP COLUMN "completed_at"`);
    await queryRunner.query(`ALTER TABLE "oauth_flows" DROP COLUMN "return_to"`);
    await queryRunner.query(`ALTER TABLE "oauth_flows" DROP COLUMN "binding_hash"`);
    await queryRunner.query(`ALTER TABLE "oauth_flows" DROP COLUMN "code_verifier"`);
    await queryRunner.query(`ALTER TABLE "oauth_flows" DROP COLUMN "state_hash"`);
    await queryRunner.query(`ALTER TABLE "connections" DROP COLUMN "refresh_lease_until"`);
    await queryRunner.query(`ALTER TABLE "connections" DROP COLUMN "last_refreshed_at"`);
    await queryRunner.query(`ALTER TABLE "connections" DROP COLUMN "account"`);
    await queryRunner.query(`ALTER TABLE "connections" DROP COLUMN "scopes"`);
    await queryRunner.query(`ALTER TABLE "connections" DROP COLUMN "token_expires_at"`);
  }
}
