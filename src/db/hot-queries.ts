/**
 * The road the hot reads take (the API-key lookup and the connection list, on every request):
 * straight to the pg pool under TypeORM's data source, skipping the query runner and, on
 * PostgreSQL, with named prepared statements, so each connection parses and plans a statement
 * once. The embedded engine serves every connection from one backend, where one connection's
 * statement names would collide with another's, and a pooler in transaction mode hands each
 * statement to whichever server session is free, where the name may be unknown: in both,
 * statements stay unnamed (README "Behind a connection pooler").
 *
 * Repositories use it for their hottest reads and TypeORM for everything else.
 */
import type { DataSource } from 'typeorm';
import type { Pool, QueryResultRow } from 'pg';

export class HotQueries {
  constructor(
    private readonly dataSource: DataSource,
    private readonly preparedStatements: boolean,
  ) {}

  private get pool(): Pool {
    return (this.dataSource.driver as unknown as { master: Pool }).master;
  }

  /** Runs `text` (named `name` when prepared) and returns its rows. */
  async rows<T extends QueryResultRow>(name: string, text: string, values: unknown[]): Promise<T[]> {
    const result = await this.pool.query<T>(
      this.preparedStatements ? { name, text, values } : { text, values },
    );
    return result.rows;
  }
}
