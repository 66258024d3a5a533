/**
 * Imported first by main.ts, for its side effect: without DATABASE_URL, the embedded engine of an
 * existing DATA_DIR starts booting in its worker thread now, while the main thread loads the rest
 * of the gateway (about as long as the engine's own start); openGatewayDatabase then picks it up.
 * Anything wrong here (a bad setting, DATA_DIR in use) is reported by main, at its usual place.
 */
import { loadConfig } from '../config';
import { prestartEmbeddedDatabase } from './embedded';

try {
  const config = loadConfig();
  if (!config.databaseUrl) prestartEmbeddedDatabase(config.dataDir);
} catch {
  // main's own loadConfig() throws the same error and explains it.
}
