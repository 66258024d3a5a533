import { createEventsLoader, type EventsLoader } from '../audit/audit.loader';
import type { Services } from '../container';
import type { Caller } from '../shared/caller';

/** Batching loaders of one request, made on first use (most operations need none). */
export class RequestLoaders {
  private eventsLoader?: EventsLoader;

  constructor(
    private readonly caller: Caller,
    private readonly services: Services,
  ) {}

  /** `Connection.events` of a page of connections in one statement. */
  get events(): EventsLoader {
    this.eventsLoader ??= createEventsLoader(this.services.audit, this.caller);
    return this.eventsLoader;
  }
}

/** What every resolver gets: the authenticated caller, the one service layer, and this request's loaders. */
export interface GraphQLContext {
  caller: Caller;
  services: Services;
  loaders: RequestLoaders;
}

export function createGraphQLContext(caller: Caller, services: Services): GraphQLContext {
  return { caller, services, loaders: new RequestLoaders(caller, services) };
}
