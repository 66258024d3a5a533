import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The oauthUrl asks before it acts (docs/security.md#a-link-never-acts-on-its-own): the
 * confirmation page stores a hash of its browser's anti-forgery cookie on the flow, and a cancelled
 * flow says so when opened again.
 */
export class OAuthFlowConfirm1796000100000 implements MigrationInterface {
  name = 'OAuthFlowConfirm1796000100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "oauth_flows" ADD "confirm_hash" character(64)`);
    await queryRunner.query(`ALTER TABLE "oauth_flows" ADD "cancelled_at" TIMESTAMP(3) WITH TIME ZONE`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "oauth_flows" DROP COLUMN "cancelled_at"`);
    await queryRunner.query(`ALTER TABLE "oauth_flows" DROP COLUMN "confirm_hash"`);
  }
}
