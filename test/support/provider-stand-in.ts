/**
 * No test reaches a real provider. The built-in connectors that check credentials at their
 * provider (`verify`: OpenAI, Anthropic, Mailgun, …) are pointed, through CONNECTORS_FILE, at a
 * stand-in on loopback that accepts any credential, so a test that connects `openai` with a
 * made-up key exercises the same path a user does (the check, then storage) without the internet.
 * Tests of the check itself use their own connectors and the provider API fixture
 * (test/fixtures/provider-api.ts), which refuses and fails on demand.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { builtinConnectors } from '../../src/connectors/catalog.loader';
import type { ConnectorDefinition } from '../../src/connectors/connector.types';

/** What the stand-in answers to every request: a "who am I" document. */
export const STAND_IN_ACCOUNT = { id: 'stand-in', email: 'stand-in@example.test', login: 'stand-in' };

let standIn: Promise<string> | undefined;
let overridden: ConnectorDefinition[] | undefined;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gw-stand-in-'));

function standInUrl(): Promise<string> {
  standIn ??= new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ...STAND_IN_ACCOUNT, user: STAND_IN_ACCOUNT, data: STAND_IN_ACCOUNT }));
      });
    });
    server.unref();
    server.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
    );
  });
  return standIn;
}

/** The built-in connectors with `verify`, their API (and check) at the stand-in. */
async function overriddenBuiltins(): Promise<ConnectorDefinition[]> {
  const url = await standInUrl();
  overridden ??= builtinConnectors()
    .filter((definition) => definition.verify && definition.api)
    .map((definition) => {
      const { baseUrl: _ignored, ...verify } = definition.verify!;
      return { ...definition, api: { ...definition.api!, baseUrl: url }, verify };
    });
  return overridden;
}

/**
 * A CONNECTORS_FILE holding the stand-in entries, plus the entries of `own` (a test's JSON file),
 * which win over them. A file that is not a JSON definition or array (a test of a broken file) is
 * returned as it is.
 */
export async function connectorsFileWithStandIns(own?: string): Promise<string | undefined> {
  let entries: Array<{ slug?: unknown }> = [];
  if (own !== undefined) {
    try {
      const parsed: unknown = JSON.parse(fs.readFileSync(own, 'utf8'));
      if (Array.isArray(parsed)) entries = parsed as Array<{ slug?: unknown }>;
      else if (parsed !== null && typeof parsed === 'object') entries = [parsed as { slug?: unknown }];
      else return own;
    } catch {
      return own;
    }
  }
  const slugs = new Set(entries.map((entry) => entry.slug));
  const combined = [...(await overriddenBuiltins()).filter((d) => !slugs.has(d.slug)), ...entries];
  const text = JSON.stringify(combined);
  const file = path.join(dir, `${createHash('sha256').update(text).digest('hex').slice(0, 16)}.json`);
  if (!fs.existsSync(file)) fs.writeFileSync(file, text);
  return file;
}
