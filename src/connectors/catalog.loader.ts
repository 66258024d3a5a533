/**
 * Builds the catalog once at start: the built-in connectors (one YAML file each under
 * src/connectors/catalog/), then CONNECTORS_FILE's entries (JSON or YAML: one definition or an
 * array), which add connectors or replace the built-in one with the same slug. Every entry passes
 * the same checks (connector.validation.ts); any problem stops the start with the file, entry and
 * field named.
 */
import fs from 'node:fs';
import path from 'node:path';
import type YAMLModule from 'yaml';
import type { OAuthClientCredentials } from '../oauth/oauth-client';
import { Catalog } from './catalog';
import { slugToEnvName } from './client-variables';
import { checkConnectorDefinition, ConnectorDefinitionError } from './connector.validation';
import type { ConnectorDefinition } from './connector.types';

/** The built-in catalog's directory; dist/ mirrors src/ (the build copies the YAML files). */
export const BUILTIN_CATALOG_DIR = path.join(__dirname, 'catalog');

export class CatalogFileError extends Error {
  constructor(file: string, problem: string) {
    super(`CONNECTORS_FILE (${file}): ${problem}`);
    this.name = 'CatalogFileError';
  }
}

/** Parses a definitions file: JSON when it looks like JSON, YAML otherwise. */
function parseDefinitionsText(text: string, file: string, fail: (problem: string) => never): unknown {
  const json = file.endsWith('.json') || /^\s*[[{]/.test(text);
  try {
    if (json) return JSON.parse(text);
    // Loaded on first use: a built gateway without a YAML CONNECTORS_FILE never needs the parser.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const YAML = require('yaml') as typeof YAMLModule;
    const doc = YAML.parseDocument(text, { uniqueKeys: true });
    if (doc.errors.length > 0) throw doc.errors[0];
    return doc.toJS({ maxAliasCount: 0 });
  } catch (err) {
    fail(`is not valid ${json ? 'JSON' : 'YAML'}: ${(err as Error).message}`);
  }
}

function readText(file: string, fail: (problem: string) => never): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    fail(`cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

export function readConnectorsFile(file: string): ConnectorDefinition[] {
  const fail = (problem: string): never => {
    throw new CatalogFileError(file, problem);
  };
  const parsed = parseDefinitionsText(readText(file, fail), file, fail);
  const entries = Array.isArray(parsed) ? parsed : [parsed];
  if (!Array.isArray(parsed) && (parsed === null || typeof parsed !== 'object'))
    fail('must hold a connector definition or an array of them');
  const seen = new Set<string>();
  return entries.map((raw, index) => {
    try {
      const definition = checkConnectorDefinition(raw, `#${index}`);
      if (seen.has(definition.slug)) {
        throw new ConnectorDefinitionError(
          `#${index} "${definition.slug}"`,
          'slug',
          'appears twice in the file',
        );
      }
      seen.add(definition.slug);
      return definition;
    } catch (err) {
      if (err instanceof ConnectorDefinitionError) throw new CatalogFileError(file, err.message);
      throw err;
    }
  });
}

/** The built-in definitions as written (unchecked), each with the file it came from. */
export function readBuiltinDefinitions(dir = BUILTIN_CATALOG_DIR): Array<{ file: string; raw: unknown }> {
  return fs
    .readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => {
      const file = path.join(dir, name);
      const fail = (problem: string): never => {
        throw new Error(`built-in connector ${name}: ${problem}`);
      };
      return { file: name, raw: parseDefinitionsText(readText(file, fail), file, fail) };
    });
}

/** The built catalog (scripts/build.js): every YAML file, already checked, as one JSON file. */
const BUNDLE_FILE = path.join(__dirname, 'catalog.bundle.json');

/**
 * The built-in catalog, checked: a bad edit fails the tests, the build and the start, never a
 * user. A build (dist/) reads the bundle the build checked; the sources read and check the YAML.
 */
export function builtinConnectors(dir = BUILTIN_CATALOG_DIR): ConnectorDefinition[] {
  if (dir !== BUILTIN_CATALOG_DIR) return readAndCheck(dir);
  // Read once per process: the files do not change while it runs (a test run starts many gateways).
  builtinCache ??= fs.existsSync(BUNDLE_FILE)
    ? (JSON.parse(fs.readFileSync(BUNDLE_FILE, 'utf8')) as ConnectorDefinition[])
    : readAndCheck(dir);
  return builtinCache;
}

let builtinCache: ConnectorDefinition[] | undefined;

function readAndCheck(dir: string): ConnectorDefinition[] {
  return readBuiltinDefinitions(dir).map(({ file, raw }) => {
    const definition = checkConnectorDefinition(raw, `built-in ${file}`);
    if (`${definition.slug}.yaml` !== file)
      throw new ConnectorDefinitionError(`built-in ${file}`, 'slug', 'must be the file name');
    return definition;
  });
}

export interface CatalogSources {
  connectorsFile?: string;
  /** OAuth client credentials keyed by the slug's env spelling (client-variables.ts). */
  oauthClients: ReadonlyMap<string, OAuthClientCredentials>;
}

export function loadCatalog(sources: CatalogSources): Catalog {
  const bySlug = new Map<string, ConnectorDefinition>();
  for (const definition of builtinConnectors()) bySlug.set(definition.slug, definition);
  if (sources.connectorsFile) {
    for (const definition of readConnectorsFile(sources.connectorsFile))
      bySlug.set(definition.slug, definition);
  }
  return new Catalog([...bySlug.values()], (slug) => sources.oauthClients.get(slugToEnvName(slug)));
}
