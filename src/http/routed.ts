/**
 * A router entered only by requests that one of its routes could match. express walks every
 * layer of every router it enters, testing each route's pattern; the app mounts a dozen routers
 * side by side (the API's features, the docs, the probes), so each request used to be tested
 * against most of the app's routes before reaching its own (README "Performance"). The guard
 * compares the request's path with the literal start of each route's path (`/connections/:id` →
 * `/connections`), case-insensitively as express matches, and passes the request on untouched
 * otherwise. A router holding anything but routes (middleware of its own, a RegExp path) gets no
 * guard: it is returned as it is.
 */
import type { RequestHandler, Router } from 'express';

interface RouteLayer {
  route?: { path: unknown };
}

/** The literal starts of the router's route paths, lower-cased; undefined when it cannot be guarded. */
export function routePrefixes(router: Router): string[] | undefined {
  const prefixes = new Set<string>();
  for (const layer of router.stack as RouteLayer[]) {
    if (!layer.route) return undefined;
    const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
    for (const path of paths) {
      if (typeof path !== 'string') return undefined;
      // Everything before the first parameter, wildcard, optional group or escape.
      const literal = /^[^:*{}()\\]*/.exec(path)![0];
      // `/connections` matches `/connections/` too (express is not strict about a trailing slash).
      prefixes.add(literal.replace(/\/+$/, '').toLowerCase());
    }
  }
  // A prefix that another one starts with adds nothing.
  return [...prefixes].filter(
    (prefix) => ![...prefixes].some((other) => other !== prefix && prefix.startsWith(other)),
  );
}

export function routed(router: Router): RequestHandler {
  const prefixes = routePrefixes(router);
  if (!prefixes) return router;
  return (req, res, next) => {
    const path = req.path.toLowerCase();
    for (const prefix of prefixes) {
      if (path.startsWith(prefix)) {
        router(req, res, next);
        return;
      }
    }
    next();
  };
}
