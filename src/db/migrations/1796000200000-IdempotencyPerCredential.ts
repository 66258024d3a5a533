import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency keys belong to a credential (docs/security.md#answers-belong-to-their-credential): an
 * owner's API key and each of its browser sessions keep their own keys and answers, so a session
 * restricted to some connectors can no longer replay the owner key's stored answers (a session
 * token, a webhook secret, a connection outside its connectors). The fingerprint becomes an HMAC
 * (key derived from ENCRYPTION_KEY) instead of a plain SHA-256 of a body that may hold a secret.
 *
 * The existing rows are DELETED: they name no credential, so they cannot be given one, and their
 * fingerprints are plain hashes this version no longer keeps. They expire within
 * IDEMPOTENCY_TTL_SECONDS (a day by default) anyway; a client retrying across the upgrade runs
 * its request once more, as it would after the key expired.
 */
export class IdempotencyPerCredential1796000200000 implements MigrationInterface {
  name = 'IdempotencyPerCredential1796000200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "idempotency_keys"`);
    await queryRunner.query(`ALTER TABLE "idempotency_keys" ADD "credential" character varying(80) NOT NULL`);
    await queryRunner.query(
      `ALTER TABLE "idempotency_keys" DROP CONSTRAINT "PK_4478679294a29815ea3d536c84b"`,
    );
    await queryRunner.query(
      `ALTER TABLE "idempotency_keys" ADD CONSTRAINT "PK_d723d61e6ee5d6c2b2f0f68fed2" PRIMARY KEY ("credential", "idempotency_key")`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // Rows of one owner's several credentials could collide under the old key: start empty again.
    await queryRunner.query(`DELETE FROM "idempotency_keys"`);
    await queryRunner.query(
      `ALTER TABLE "idempotency_keys" DROP CONSTRAINT "PK_d723d61e6ee5d6c2b2f0f68fed2"`,
    );
    await queryRunner.query(
      `ALTER TABLE "idempotency_keys" ADD CONSTRAINT "PK_4478679294a29815ea3d536c84b" PRIMARY KEY ("owner_id", "idempotency_key")`,
    );
    await queryRunner.query(`ALTER TABLE "idempotency_keys" DROP COLUMN "credential"`);
  }
}
