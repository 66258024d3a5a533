/**
 * Builds the catalog once at start: the built-in connectors, then CONNECTORS_FILE's entries,
 * which add connectors or replace the built-in one with the same slug. Any problem stops the
 * start with the file, entry and field named.
 */
import fs from 'node:fs';
import type { OAuthClientCredentials } from '../oauth/oauth-client';
import { builtinConnectors, Catalog } from './catalog';
import { slugToEnvName } from './client-variables';
import { checkConnectorDefinition, ConnectorDefinitionError } from './connector.validation';
import type { ConnectorDefinition } from './connector.types';

export class CatalogFileError extends Error {
  constructor(file: string, problem: string) {
    super(`CONNECTORS_FILE (${file}): ${problem}`);
    this.name = 'CatalogFileError';
  }
}

export function readConnectorsFile(file: string): ConnectorDefinition[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new CatalogFileError(file, `cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new CatalogFileError(file, `is not valid JSON: ${(err as Error).message}`);
  }
  if (!Array.isArray(parsed))
    throw new CatalogFileError(file, 'must hold a JSON array of connector definitions');
  const seen = new Set<string>();
  return parsed.map((raw, index) => {
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

export interface CatalogSources {
  connectorsFile?: string;
  /** OAuth client credentials keyed by the slug's env spelling (client-variables.ts). */
  oauthClients: ReadonlyMap<string, OAuthClientCredentials>;
}

export function loadCatalog(sources: CatalogSources): Catalog {
  const bySlug = new Map<string, ConnectorDefinition>();
  builtinConnectors.forEach((raw, index) => {
    // Built-ins pass the same checks as an operator's file: a bad edit fails the tests, not a user.
    const definition = checkConnectorDefinition(raw, `built-in #${index}`);
    bySlug.set(definition.slug, definition);
  });
  if (sources.connectorsFile) {
    for (const definition of readConnectorsFile(sources.connectorsFile))
      bySlug.set(definition.slug, definition);
  }
  return new Catalog([...bySlug.values()], (slug) => sources.oauthClients.get(slugToEnvName(slug)));
}
