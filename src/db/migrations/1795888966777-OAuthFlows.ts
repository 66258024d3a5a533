import type { MigrationInterface, QueryRunner } from 'typeorm';

export class OAuthFlows1795888966777 implements MigrationInterface {
  name = 'OAuthFlows1795888966777';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "oauth_flows" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "connection_id" uuid NOT NULL, "ticket_hash" character(64) NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, CONSTRAINT "PK_cb43ec493f7388811eed3c0668c" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "oauth_flows_connection_id_idx" ON "oauth_flows"  ("connection_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "oauth_flows_ticket_hash_key" ON "oauth_flows"  ("ticket_hash") `,
    );
    await queryRunner.query(
      `ALTER TABLE "oauth_flows" ADD CONSTRAINT "FK_5e795ee2baf0f0c9a5a0009df35" FOREIGN KEY ("connection_id") REFERENCES "connections"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "oauth_flows" DROP CONSTRAINT "FK_5e795ee2baf0f0c9a5a0009df35"`);
    await queryRunner.query(`DROP INDEX "public"."oauth_flows_ticket_hash_key"`);
    await queryRunner.query(`DROP INDEX "public"."oauth_flows_connection_id_idx"`);
    await queryRunner.query(`DROP TABLE "oauth_flows"`);
  }
}
