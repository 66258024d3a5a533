/**
 * The data source the TypeORM CLI uses to generate migrations (`npm run migration:generate`):
 * against DATABASE_URL, with every migration so far applied first.
 */
import { loadConfig } from '../config';
import { createDataSource } from './data-source';

const config = loadConfig();
if (!config.databaseUrl) throw new Error('Set DATABASE_URL to a scratch database to generate migrations.');
export default createDataSource({ url: config.databaseUrl, poolSize: 2 });
