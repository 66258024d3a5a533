import type { MigrationInterface, QueryRunner } from 'typeorm';

export class RateLimitsAndIdempotency1795900200000 implements MigrationInterface {
  name = 'RateLimitsAndIdempotency1795900200000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "idempotency_keys" ("owner_id" uuid NOT NULL, "idempotency_key" character varying(255) NOT NULL, "fingerprint" character(64) NOT NULL, "lock_token" uuid, "locked_until" TIMESTAMP WITH TIME ZONE, "response_status" smallint, "response_content_type" text, "response_body" text, "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_4478679294a29815ea3d536c84b" PRIMARY KEY ("owner_id", "idempotency_key"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "idempotency_keys_expires_at_idx" ON "idempotency_keys"  ("expires_at") `,
    );
    await queryRunner.query(
      `CREATE TABLE "rate_limit_windows" ("bucket_key" text NOT NULL, "window_start" TIMESTAMP WITH TIME ZONE NOT NULL, "window_end" TIMESTAMP WITH TIME ZONE NOT NULL, "points_used" integer NOT NULL, "last_grant" integer NOT NULL, CONSTRAINT "PK_fbfbb34dcd63e9974fdc2f554f3" PRIMARY KEY ("bucket_key", "window_start"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "rate_limit_windows_window_end_idx" ON "rate_limit_windows"  ("window_end") `,
    );
    await queryRunner.query(
      `ALTER TABLE "idempotency_keys" ADD CONSTRAINT "FK_5e6e02e74bb6a33ef30b6488f64" FOREIGN KEY ("owner_id") REFERENCES "owners"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "idempotency_keys" DROP CONSTRAINT "FK_5e6e02e74bb6a33ef30b6488f64"`,
    );
    await queryRunner.query(`DROP INDEX "public"."rate_limit_windows_window_end_idx"`);
    await queryRunner.query(`DROP TABLE "rate_limit_windows"`);
    await queryRunner.query(`DROP INDEX "public"."idempotency_keys_expires_at_idx"`);
    await queryRunner.query(`DROP TABLE "idempotency_keys"`);
  }
}
