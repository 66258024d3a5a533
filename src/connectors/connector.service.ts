/** Reads of the catalog, with the same filters for both doors. */
import { AUTH_TYPES, type AuthType } from './connector.types';
import type { Catalog } from './catalog';
import type { CatalogEntry } from './catalog.types';
import { BadRequestError, NotFoundError } from '../shared/errors';
import { mayUseConnector, type Caller } from '../shared/caller';

export interface ConnectorFilter {
  authType?: AuthType;
  availability?: string;
}

/** Stands in for a connector that a connection still names but the catalog no longer has. */
export function retiredConnector(slug: string, authType: AuthType): CatalogEntry {
  return {
    slug,
    name: slug,
    description: 'This connector is no longer in the catalog.',
    authType,
    availability: 'retired',
    availabilityReason: 'The operator removed this connector from the catalog.',
    configured: false,
    tools: [],
  };
}

export class ConnectorService {
  constructor(private readonly catalog: Catalog) {}

  /**
   * The catalog, filtered. A browser session restricted to some connectors (`caller`) sees only
   * those: the others behave as if they were not in the catalog.
   */
  list(filter: ConnectorFilter = {}, caller?: Caller): readonly CatalogEntry[] {
    if (filter.authType !== undefined && !AUTH_TYPES.includes(filter.authType)) {
      throw new BadRequestError(`authType must be one of ${AUTH_TYPES.join(', ')}.`, [
        { field: 'authType', message: `must be one of ${AUTH_TYPES.join(', ')}` },
      ]);
    }
    const all = this.catalog.all();
    const restricted = caller?.allowedConnectors !== undefined && caller.allowedConnectors !== null;
    if (filter.authType === undefined && filter.availability === undefined && !restricted) return all;
    return all.filter(
      (entry) =>
        (filter.authType === undefined || entry.authType === filter.authType) &&
        (filter.availability === undefined || entry.availability === filter.availability) &&
        (caller === undefined || mayUseConnector(caller, entry.slug)),
    );
  }

  /** A connector by slug; undefined when the catalog has none, or `caller` may not see it. */
  find(slug: string, caller?: Caller): CatalogEntry | undefined {
    if (caller && !mayUseConnector(caller, slug)) return undefined;
    return this.catalog.get(slug);
  }

  get(slug: string, caller?: Caller): CatalogEntry {
    const entry = this.find(slug, caller);
    if (!entry) throw new NotFoundError(`No connector has the slug "${slug}".`);
    return entry;
  }

  /** The connector of an existing connection, even when the catalog has dropped it since. */
  forConnection(slug: string, authType: AuthType): CatalogEntry {
    return this.catalog.get(slug) ?? retiredConnector(slug, authType);
  }
}
