import type { MigrationInterface } from 'typeorm';

/** Migrations in the order they apply. New ones come from `npm run migration:generate`. */
import { Initial1795888165358 } from './1795888165358-Initial';

export const migrations: (new () => MigrationInterface)[] = [Initial1795888165358];
