/**
 * Imported first by main.ts, for its side effect: it reads the settings (the one time the process
 * does) and, without DATABASE_URL, starts the embedded engine of an existing DATA_DIR booting in
 * its worker thread now, while the main thread loads the rest of the gateway (about as long as the
 * engine's own start); openGatewayDatabase then picks it up. main takes the settings from here
 * (startupConfig); anything wrong (a bad setting, DATA_DIR in use) is reported by main, at its
 * usual place.
 */
import { loadConfig, type Config } from '../config';
import { prestartEmbeddedDatabase } from './embedded';

const read = ((): { config: Config } | { error: unknown } => {
  try {
    return { config: loadConfig() };
  } catch (error) {
    return { error };
  }
})();
if ('config' in read && !read.config.databaseUrl) prestartEmbeddedDatabase(read.config.dataDir);

/** The settings read at start; throws what loadConfig threw (a ConfigError, for main to explain). */
export function startupConfig(): Config {
  if ('error' in read) throw read.error;
  return read.config;
}
