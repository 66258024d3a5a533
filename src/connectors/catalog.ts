/**
 * The catalog in memory: definitions by slug, each with its `configured` flag, and the OAuth
 * client credentials of configured connectors (which never leave the server).
 */
import type { OAuthClientCredentials } from '../oauth/oauth-client';
import type { CatalogEntry } from './catalog.types';
import type { ConnectorDefinition } from './connector.types';

export class Catalog {
  private readonly entries: readonly CatalogEntry[];
  private readonly bySlug: ReadonlyMap<string, CatalogEntry>;
  private readonly clients: ReadonlyMap<string, OAuthClientCredentials>;

  constructor(
    definitions: readonly ConnectorDefinition[],
    clientFor: (slug: string) => OAuthClientCredentials | undefined,
  ) {
    const clients = new Map<string, OAuthClientCredentials>();
    this.entries = [...definitions]
      .sort((a, b) => a.slug.localeCompare(b.slug))
      .map((definition) => {
        const client = definition.authType === 'oauth' ? clientFor(definition.slug) : undefined;
        if (client) clients.set(definition.slug, client);
        return Object.freeze({
          ...definition,
          configured: definition.authType !== 'oauth' || client !== undefined,
        });
      });
    this.bySlug = new Map(this.entries.map((entry) => [entry.slug, entry]));
    this.clients = clients;
  }

  all(): readonly CatalogEntry[] {
    return this.entries;
  }

  get(slug: string): CatalogEntry | undefined {
    return this.bySlug.get(slug);
  }

  oauthClient(slug: string): OAuthClientCredentials | undefined {
    return this.clients.get(slug);
  }

  /** The OAuth connectors this gateway holds client credentials for: the ones it can refresh. */
  configuredOAuthSlugs(): string[] {
    return [...this.clients.keys()];
  }
}
