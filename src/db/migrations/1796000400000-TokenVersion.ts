import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The version of a connection's tokens: every token write compares and swaps on it, so a late
 * refresh never overwrites a newer grant (docs/security.md#refresh-that-does-not-die-silently).
 */
export class TokenVersion1796000400000 implements MigrationInterface {
  name = 'TokenVersion1796000400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "connections" ADD "token_version" integer NOT NULL DEFAULT '0'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "connections" DROP COLUMN "token_version"`);
  }
}
