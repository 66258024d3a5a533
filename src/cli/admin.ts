/**
 * The admin CLI (contract §1): `npm run --silent admin -- <command>`.
 *
 *   keys create --owner <name>     {"ownerId","apiKey"}: the key is shown this once
 *   keys list --owner <name>       {"ownerId","keys":[{id,prefix,createdAt,revokedAt}]}
 *   keys revoke <prefix or id>     {"id","prefix","revoked":true}
 *   secrets reseal                 {"resealed":N,"unreadable":[ids]}: every secret re-sealed under
 *                                  ENCRYPTION_KEY; ids no configured key opens are listed, untouched
 *
 * Exactly one JSON object goes to stdout; messages go to stderr; exit 0 on success, 1 on a
 * failure, 2 on a usage error.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import { loadCatalog } from '../connectors/catalog.loader';
import { createServices, type Services } from '../container';
import { openGatewayDatabase } from '../db/database';
import { DataDirLockedError } from '../db/embedded';
import { systemClock } from '../shared/clock';
import { resolveCipher } from '../shared/crypto/keyring';
import { AppError } from '../shared/errors';
import { createLogger } from '../shared/logger';
import pino from 'pino';

const USAGE = `usage:
  admin keys create --owner <name>
  admin keys list --owner <name>
  admin keys revoke <prefix or id>
  admin secrets reseal`;

class UsageError extends Error {}

type Command = (services: Services) => Promise<unknown>;

function parseCommand(argv: string[]): Command {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { owner: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) throw new UsageError('');
  const [group, action, ...rest] = positionals;
  const owner = values.owner;
  if (group === 'keys' && action === 'create' && rest.length === 0) {
    if (!owner) throw new UsageError('keys create needs --owner <name>');
    return (s) => s.owners.createKey(owner);
  }
  if (group === 'keys' && action === 'list' && rest.length === 0) {
    if (!owner) throw new UsageError('keys list needs --owner <name>');
    return (s) => s.owners.listKeys(owner);
  }
  if (group === 'keys' && action === 'revoke' && rest.length === 1 && !owner) {
    const ref = rest[0]!;
    return (s) => s.owners.revokeKey(ref);
  }
  if (group === 'secrets' && action === 'reseal' && rest.length === 0 && !owner) {
    return (s) => s.connections.resealSecrets();
  }
  throw new UsageError(`unknown command: ${positionals.join(' ') || '(none)'}`);
}

async function run(argv: string[]): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (err) {
    const message = (err as Error).message;
    console.error(message ? `${message}\n${USAGE}` : USAGE);
    return 2;
  }
  const config = loadConfig();
  const { cipher } = resolveCipher(config);
  const catalog = loadCatalog({ connectorsFile: config.connectorsFile, oauthClients: config.oauthClients });
  const database = await openGatewayDatabase({ ...config, databasePoolSize: 2 }, 'connections-gateway-admin');
  try {
    const services = createServices({
      dataSource: database.dataSource,
      preparedStatements: false,
      catalog,
      cipher,
      clock: systemClock,
      // stdout carries exactly one JSON object; logs go to stderr.
      logger: createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, pino.destination(2)),
      config,
    });
    const result = await command(services);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  } finally {
    await database.close();
  }
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof AppError || err instanceof ConfigError || err instanceof DataDirLockedError) {
      console.error(`error: ${err.message}`);
    } else {
      console.error('error:', err);
    }
    process.exitCode = 1;
  },
);
