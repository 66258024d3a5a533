import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ConnectionEvents1795900000000 implements MigrationInterface {
  name = 'ConnectionEvents1795900000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "connection_events" ("seq" BIGSERIAL NOT NULL, "event_id" uuid NOT NULL, "connection_id" uuid NOT NULL, "owner_id" uuid NOT NULL, "type" text NOT NULL, "actor_type" text NOT NULL, "actor_id" text, "request_id" text, "ip" text, "user_agent" text, "status" text NOT NULL, "details" jsonb, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "PK_dda05659155de5185b6450a2ed8" PRIMARY KEY ("seq"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "connection_events_event_id_key" ON "connection_events"  ("event_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "connection_events_connection_seq_idx" ON "connection_events"  ("connection_id", "seq") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."connection_events_connection_seq_idx"`);
    await queryRunner.query(`DROP INDEX "public"."connection_events_event_id_key"`);
    await queryRunner.query(`DROP TABLE "connection_events"`);
  }
}
