/**
 * What is known about the request being served, reachable from any code it calls (services,
 * repositories, the logger) without threading it through every signature: its id (for log
 * lines), where it came from and who made it (for the audit trail). Code that runs outside a
 * request (the refresh scheduler, the webhook worker) sees `undefined`.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** Who acts: an owner's API key, a browser session, the agent runtime, a browser at an OAuth door, or the gateway itself. */
export const ACTOR_TYPES = ['api_key', 'session', 'runtime', 'browser', 'gateway'] as const;
export type ActorType = (typeof ACTOR_TYPES)[number];

export interface Actor {
  type: ActorType;
  /** The API key's or session's id; null for the runtime, a browser and the gateway. */
  id: string | null;
}

export interface RequestContext {
  requestId: string;
  /** The client address (express's req.ip, which honours TRUST_PROXY). */
  ip: string | null;
  userAgent: string | null;
  /** Set once the request is authenticated (or known to come from the runtime or a browser door). */
  actor?: Actor;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `work` (and everything it awaits) inside the request's context. */
export function runInRequestContext<T>(context: RequestContext, work: () => T): T {
  return storage.run(context, work);
}

/** The context of the request being served, or undefined outside any request. */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}

/** Records who is acting for the rest of the current request; a no-op outside a request. */
export function setActor(actor: Actor): void {
  const context = storage.getStore();
  if (context) context.actor = actor;
}

/** The actor of the current request; the gateway itself when no request is being served. */
export function currentActor(): Actor {
  return storage.getStore()?.actor ?? { type: 'gateway', id: null };
}
