/**
 * The admin CLI (README "Admin CLI"): `npm run --silent admin -- <command>`.
 *
 *   keys create --owner <name>     {"ownerId","apiKey"}: the key is shown this once
 *   keys list --owner <name>       {"ownerId","keys":[{id,prefix,createdAt,revokedAt}]}
 *   keys revoke <prefix or id>     {"id","prefix","revoked":true}
 *   secrets reseal                 {"resealed":N,"unreadable":[ids]}: every secret (connections'
 *                                  and webhook signing secrets) re-sealed under ENCRYPTION_KEY; ids
 *                                  no configured key opens are listed, untouched
 *   webhooks add --url <url> [--owner <name>] [--events a,b] [--description <text>]
 *                                  {"id","ownerId","url","description","eventTypes","createdAt",
 *                                  "secret"}: the signing secret is shown this once; without
 *                                  --owner the endpoint is operator-wide (every owner's events)
 *   webhooks list [--owner <name>] {"webhooks":[{id,ownerId,url,description,eventTypes,createdAt}]}
 *   webhooks remove <id>           {"id","deleted":true}
 *
 * Exactly one JSON object goes to stdout; messages go to stderr; exit 0 on success, 1 on a
 * failure, 2 on a usage error.
 *
 * On the embedded engine it runs beside a running gateway (`npm start` in one terminal, this in
 * another): it uses that gateway's engine, through the endpoint the gateway advertises in
 * DATA_DIR (db/embedded-endpoint.ts); with no gateway running it opens the engine itself.
 */
import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config';
import type { Services } from '../container';
import { DataDirLockedError } from '../db/embedded';
import { createGateway } from '../gateway';
import { AppError } from '../shared/errors';
import { validateInput } from '../shared/validation';
import { CreateWebhookDto } from '../webhooks/dto/create-webhook.dto';
import { toAdminWebhookView } from '../webhooks/webhook.serializer';
import { createLogger } from '../shared/logger';
import pino from 'pino';

const USAGE = `usage:
  admin keys create --owner <name>
  admin keys list --owner <name>
  admin keys revoke <prefix or id>
  admin secrets reseal
  admin webhooks add --url <url> [--owner <name>] [--events <type,type>] [--description <text>]
  admin webhooks list [--owner <name>]
  admin webhooks remove <id>`;

class UsageError extends Error {}

type Command = (services: Services) => Promise<unknown>;

function parseCommand(argv: string[]): Command {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      owner: { type: 'string' },
      url: { type: 'string' },
      events: { type: 'string' },
      description: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (values.help) throw new UsageError('');
  const [group, action, ...rest] = positionals;
  const owner = values.owner;
  if (group !== 'webhooks' && (values.url ?? values.events ?? values.description) !== undefined) {
    throw new UsageError('--url, --events and --description belong to webhooks add');
  }
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
    return async (s) => {
      const connections = await s.connections.resealSecrets();
      const webhooks = await s.webhooks.resealSecrets();
      return {
        resealed: connections.resealed + webhooks.resealed,
        unreadable: [...connections.unreadable, ...webhooks.unreadable],
      };
    };
  }
  if (group === 'webhooks') return parseWebhooksCommand(action, rest, values);
  throw new UsageError(`unknown command: ${positionals.join(' ') || '(none)'}`);
}

function parseWebhooksCommand(
  action: string | undefined,
  rest: string[],
  values: { owner?: string; url?: string; events?: string; description?: string },
): Command {
  const { owner, url, events, description } = values;
  if (action === 'add' && rest.length === 0) {
    if (url === undefined) throw new UsageError('webhooks add needs --url <url>');
    const input = {
      url,
      ...(events !== undefined ? { eventTypes: events.split(',').map((type) => type.trim()) } : {}),
      ...(description !== undefined ? { description } : {}),
    };
    return async (s) => {
      const created = await s.webhooks.addAsOperator(await validateInput(CreateWebhookDto, input), owner);
      return { ...toAdminWebhookView(created.webhook), secret: created.secret };
    };
  }
  if (url !== undefined || events !== undefined || description !== undefined) {
    throw new UsageError('--url, --events and --description belong to webhooks add');
  }
  if (action === 'list' && rest.length === 0) {
    return async (s) => ({ webhooks: (await s.webhooks.listAsOperator(owner)).map(toAdminWebhookView) });
  }
  if (action === 'remove' && rest.length === 1 && !owner) {
    const id = rest[0]!;
    return (s) => s.webhooks.removeAsOperator(id);
  }
  throw new UsageError(`unknown command: webhooks ${[action, ...rest].join(' ')}`.trim());
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
  // Services only (no app, no jobs); beside a running gateway on the embedded engine, through
  // that gateway's engine.
  const gateway = await createGateway(
    { ...config, databasePoolSize: 2 },
    {
      serve: false,
      applicationName: 'connections-gateway-admin',
      reachRunning: true,
      preparedStatements: false,
      // stdout carries exactly one JSON object; logs go to stderr.
      logger: createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel, pino.destination(2)),
    },
  );
  try {
    const result = await command(gateway.services);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return 0;
  } finally {
    await gateway.stop();
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
