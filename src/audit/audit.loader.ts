/**
 * `Connection.events` for a page of connections in one statement: a per-request DataLoader
 * gathers the connections whose trail one tick of GraphQL execution asks for, and asks the
 * service for all of them at once (one call per distinct set of arguments; a page asks with one).
 */
import DataLoader from 'dataloader';
import type { Caller } from '../shared/caller';
import type { AuditEventPage, AuditService } from './audit.service';

export interface EventsPageKey {
  connectionId: string;
  limit?: number;
  cursor?: string;
  type?: string;
}

export type EventsLoader = DataLoader<EventsPageKey, AuditEventPage, string>;

const argumentsOf = (key: EventsPageKey) =>
  JSON.stringify([key.limit ?? null, key.cursor ?? null, key.type ?? null]);

/** A loader for one request (one caller): never shared between requests. */
export function createEventsLoader(audit: AuditService, caller: Caller): EventsLoader {
  return new DataLoader<EventsPageKey, AuditEventPage, string>(
    async (keys) => {
      const groups = new Map<string, EventsPageKey[]>();
      for (const key of keys) {
        const group = groups.get(argumentsOf(key));
        if (group) group.push(key);
        else groups.set(argumentsOf(key), [key]);
      }
      const answers = new Map<string, AuditEventPage | Error>();
      await Promise.all(
        [...groups.entries()].map(async ([args, group]) => {
          const [first] = group;
          try {
            const pages = await audit.pagesOfConnections(
              caller,
              [...new Set(group.map((key) => key.connectionId))],
              { limit: first!.limit, cursor: first!.cursor, type: first!.type },
            );
            for (const [connectionId, page] of pages) answers.set(`${connectionId}\n${args}`, page);
          } catch (err) {
            for (const key of group) answers.set(`${key.connectionId}\n${args}`, err as Error);
          }
        }),
      );
      return keys.map((key) => answers.get(`${key.connectionId}\n${argumentsOf(key)}`)!);
    },
    { cacheKeyFn: (key) => `${key.connectionId}\n${argumentsOf(key)}`, maxBatchSize: 100 },
  );
}
