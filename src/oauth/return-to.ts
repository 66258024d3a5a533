/**
 * `returnTo` checks (docs/security.md#no-open-redirects): only the gateway's own origin or an
 * allow-listed origin. Relative paths resolve against PUBLIC_URL; scheme-relative (`//x`),
 * backslash tricks (`/\x`), credentials in the URL and non-http schemes are refused.
 */
import { BadRequestError } from '../shared/errors';

export function checkReturnTo(raw: string, publicUrl: string, allowlist: readonly string[]): string {
  const refuse = () =>
    new BadRequestError('returnTo must be a URL on this gateway or on an allowed origin.', [
      { field: 'returnTo', message: 'is not an allowed return URL' },
    ]);
  if (raw.length > 2048 || /[\s\\]/.test(raw) || raw.startsWith('//')) throw refuse();
  let url: URL;
  try {
    url = new URL(raw, `${publicUrl}/`);
  } catch {
    throw refuse();
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refuse();
  if (url.username || url.password) throw refuse();
  const allowed = url.origin === new URL(publicUrl).origin || allowlist.includes(url.origin);
  if (!allowed) throw refuse();
  return url.toString();
}
