/**
 * How an operator names a connector's OAuth client in the environment:
 * CONNECTOR_<SLUG>_CLIENT_ID and CONNECTOR_<SLUG>_CLIENT_SECRET, the slug in its env spelling.
 * config.ts reads every such pair (keyed by that spelling); the catalog looks a slug's client up
 * by it, and a connector that has none is refused with the two names to set.
 */

/** `google-drive` -> `GOOGLE_DRIVE`, the env-var spelling of a connector slug. */
export function slugToEnvName(slug: string): string {
  return slug.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** The two variables that configure a connector's OAuth client. */
export function clientVariables(slug: string): { clientId: string; clientSecret: string } {
  const prefix = `CONNECTOR_${slugToEnvName(slug)}`;
  return { clientId: `${prefix}_CLIENT_ID`, clientSecret: `${prefix}_CLIENT_SECRET` };
}
