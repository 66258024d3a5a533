/**
 * The placeholders of connector definitions: `${config.<key>}` (a connection's config value),
 * `${credentials.<key>}` (an api_key credential) and `${accessToken}` (OAuth). One parser for the
 * definition checker and for the request builder, so what the checker accepted is what runs.
 */
export type Placeholder =
  { kind: 'config'; key: string } | { kind: 'credentials'; key: string } | { kind: 'accessToken' };

const KEY = '[A-Za-z][A-Za-z0-9_]{0,63}';
const ONE = `\\$\\{(?:config\\.${KEY}|credentials\\.${KEY}|accessToken)\\}`;
const PLACEHOLDER = new RegExp(`\\$\\{(config|credentials)\\.(${KEY})\\}|\\$\\{accessToken\\}`, 'g');

/** True when every `${` of a text starts a well-formed placeholder. */
export const PLACEHOLDER_SYNTAX = {
  test(text: string): boolean {
    return !text.replace(new RegExp(ONE, 'g'), '').includes('${');
  },
};

export function placeholdersOf(text: string): Placeholder[] {
  const out: Placeholder[] = [];
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (match[1] === 'config') out.push({ kind: 'config', key: match[2]! });
    else if (match[1] === 'credentials') out.push({ kind: 'credentials', key: match[2]! });
    else out.push({ kind: 'accessToken' });
  }
  return out;
}

export interface TemplateValues {
  config: Record<string, string>;
  credentials: Record<string, string>;
  accessToken?: string;
}

/** Fills a template; a placeholder without a value becomes the empty string. */
export function fillTemplate(text: string, values: TemplateValues): string {
  return text.replace(PLACEHOLDER, (_whole, kind: string | undefined, key: string | undefined) => {
    if (kind === 'config') return values.config[key!] ?? '';
    if (kind === 'credentials') return values.credentials[key!] ?? '';
    return values.accessToken ?? '';
  });
}

/** True when a config value decides the host of a URL template (the address guard applies). */
export function configDecidesHost(urlTemplate: string): boolean {
  if (urlTemplate.startsWith('${')) return true;
  const afterScheme = urlTemplate.replace(/^[a-z]+:\/\//, '');
  const authority = afterScheme.split(/[/?]/, 1)[0] ?? '';
  return authority.includes('${');
}
