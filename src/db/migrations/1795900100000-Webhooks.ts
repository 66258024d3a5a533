import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Webhooks1795900100000 implements MigrationInterface {
  name = 'Webhooks1795900100000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "webhook_endpoints" ("id" uuid NOT NULL, "owner_id" uuid, "url" text NOT NULL, "description" text, "event_types" text array, "secret" text NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "deleted_at" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "PK_054c4cfb95223732f5939d2d546" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "webhook_endpoints_owner_id_idx" ON "webhook_endpoints"  ("owner_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "webhook_deliveries" ("id" BIGSERIAL NOT NULL, "event_id" uuid NOT NULL, "endpoint_id" uuid NOT NULL, "owner_id" uuid NOT NULL, "connection_id" uuid NOT NULL, "event_type" text NOT NULL, "payload" jsonb NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "attempts" integer NOT NULL DEFAULT '0', "next_attempt_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "lease_until" TIMESTAMP(3) WITH TIME ZONE, "delivered_at" TIMESTAMP(3) WITH TIME ZONE, "failed_at" TIMESTAMP(3) WITH TIME ZONE, "last_status" integer, "last_error" text, CONSTRAINT "PK_535dd409947fb6d8fc6dfc0112a" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "webhook_deliveries_created_at_idx" ON "webhook_deliveries"  ("created_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "webhook_deliveries_endpoint_idx" ON "webhook_deliveries"  ("endpoint_id", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "webhook_deliveries_pending_order_idx" ON "webhook_deliveries"  ("endpoint_id", "connection_id", "id") WHERE "delivered_at" IS NULL AND "failed_at" IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries"  ("next_attempt_at") WHERE "delivered_at" IS NULL AND "failed_at" IS NULL`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_endpoints" ADD CONSTRAINT "FK_b5dcaff83b5523435437b9faa8c" FOREIGN KEY ("owner_id") REFERENCES "owners"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "FK_0b882c26a9b91c26e6e86b4867c" FOREIGN KEY ("endpoint_id") REFERENCES "webhook_endpoints"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "webhook_deliveries" DROP CONSTRAINT "FK_0b882c26a9b91c26e6e86b4867c"`,
    );
    await queryRunner.query(
      `ALTER TABLE "webhook_endpoints" DROP CONSTRAINT "FK_b5dcaff83b5523435437b9faa8c"`,
    );
    await queryRunner.query(`DROP INDEX "public"."webhook_deliveries_due_idx"`);
    await queryRunner.query(`DROP INDEX "public"."webhook_deliveries_pending_order_idx"`);
    await queryRunner.query(`DROP INDEX "public"."webhook_deliveries_endpoint_idx"`);
    await queryRunner.query(`DROP INDEX "public"."webhook_deliveries_created_at_idx"`);
    await queryRunner.query(`DROP TABLE "webhook_deliveries"`);
    await queryRunner.query(`DROP INDEX "public"."webhook_endpoints_owner_id_idx"`);
    await queryRunner.query(`DROP TABLE "webhook_endpoints"`);
  }
}
