/**
 * Asks the provider whether credentials work: the connector's `verify` call made through its
 * `api` block (providers/provider-api.ts), bounded by VERIFY_TIMEOUT_MS, redirects not followed.
 * Used on submit (before anything is stored), after an OAuth code exchange (to name the account)
 * and by health checks. The outcome never carries a credential: only the provider's status.
 */
import type { CatalogEntry } from '../connectors/catalog.types';
import { AddressNotAllowedError } from '../providers/address-guard';
import { prepareProviderRequest, ProviderRequestError, type ProviderApi } from '../providers/provider-api';
import { BadRequestError, ProviderUnavailableError } from '../shared/errors';

/** How much of the verification answer is read (enough for a "who am I" document). */
const MAX_VERIFY_ANSWER_BYTES = 256 * 1024;

export type VerifyOutcome =
  /** 2xx: the credentials work; `account` from the definition's pointer, when it found one. */
  | { kind: 'accepted'; status: number; account: string | null }
  /** 401, 403 or another 4xx but 429: the provider refused these credentials. */
  | { kind: 'rejected'; status: number }
  /** 429, 5xx, 3xx, a timeout or a network failure: the provider did not answer usefully. */
  | { kind: 'unavailable'; status?: number; reason: string }
  /** The request could not be made: a config value is wrong, or its host is a private address. */
  | { kind: 'misconfigured'; field?: string; reason: string };

export interface SecretValues {
  credentials?: Record<string, string>;
  accessToken?: string;
}

/** RFC 6901: a JSON pointer's value in `document`, when it is a string or a number. */
export function pointerValue(document: unknown, pointer: string): string | null {
  let at: unknown = document;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(at) && /^(0|[1-9]\d*)$/.test(key)) at = at[Number(key)];
    else if (typeof at === 'object' && at !== null && Object.prototype.hasOwnProperty.call(at, key))
      at = (at as Record<string, unknown>)[key];
    else return null;
  }
  if (typeof at === 'number' && Number.isFinite(at)) return String(at);
  if (typeof at === 'string' && at.trim() !== '') return at.trim().slice(0, 200);
  return null;
}

export class CredentialVerifier {
  constructor(
    private readonly api: ProviderApi,
    private readonly timeoutMs: number,
  ) {}

  /** Whether the connector has a check to run. */
  canVerify(connector: CatalogEntry): boolean {
    return connector.verify !== undefined && connector.api !== undefined;
  }

  async verify(
    connector: CatalogEntry,
    config: Record<string, string>,
    secret: SecretValues,
  ): Promise<VerifyOutcome> {
    const { verify, api } = connector;
    if (!verify || !api) return { kind: 'misconfigured', reason: 'The connector has no check.' };
    let answer;
    try {
      const request = prepareProviderRequest(
        { authType: connector.authType, api, config, ...secret },
        {
          method: verify.method,
          path: verify.path.replace(/\$\{config\.([A-Za-z0-9_]+)\}/g, (_m, key: string) =>
            encodeURIComponent(config[key] ?? ''),
          ),
          ...(verify.baseUrl !== undefined ? { baseUrl: verify.baseUrl } : {}),
          headers: {
            accept: 'application/json',
            ...(verify.body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...verify.headers,
          },
          ...(verify.body !== undefined ? { body: JSON.stringify(verify.body) } : {}),
        },
      );
      answer = await this.api.send(request, {
        timeoutMs: this.timeoutMs,
        maxAnswerBytes: MAX_VERIFY_ANSWER_BYTES,
      });
    } catch (err) {
      if (err instanceof ProviderRequestError) {
        return { kind: 'misconfigured', ...(err.field ? { field: err.field } : {}), reason: err.message };
      }
      if (err instanceof AddressNotAllowedError) {
        return {
          kind: 'misconfigured',
          reason: 'The address is a private or local network address, which this gateway does not call.',
        };
      }
      const timedOut = (err as Error).name === 'TimeoutError';
      return {
        kind: 'unavailable',
        reason: timedOut
          ? `The provider did not answer within ${this.timeoutMs} ms.`
          : 'The provider could not be reached.',
      };
    }
    const { status } = answer;
    if (status >= 200 && status < 300) {
      let account: string | null = null;
      if (verify.account && answer.complete) {
        try {
          account = pointerValue(JSON.parse(answer.body.toString('utf8')), verify.account);
        } catch {
          account = null;
        }
      }
      return { kind: 'accepted', status, account };
    }
    if (status >= 400 && status < 500 && status !== 429) return { kind: 'rejected', status };
    return {
      kind: 'unavailable',
      status,
      reason:
        status === 429
          ? 'The provider is rate limiting these requests (429).'
          : status >= 300 && status < 400
            ? `The provider answered with a redirect (${status}), which a check does not follow.`
            : `The provider answered ${status}.`,
    };
  }
}

/**
 * A verification's outcome as the submit answers it: accepted goes on; the provider's refusal is a
 * 400 naming `credentials`; a provider that did not answer usefully is a 502; a request that could
 * not be built names the config field at fault.
 */
export function acceptedOrThrow(outcome: VerifyOutcome, provider: string): { account: string | null } {
  switch (outcome.kind) {
    case 'accepted':
      return { account: outcome.account };
    case 'rejected':
      throw new BadRequestError(`${provider} refused these credentials (HTTP ${outcome.status}).`, [
        { field: 'credentials', message: `were refused by ${provider} (HTTP ${outcome.status})` },
      ]);
    case 'unavailable':
      throw new ProviderUnavailableError(
        `${provider} could not check the credentials: ${outcome.reason} Nothing was changed; try again later.`,
      );
    case 'misconfigured':
      throw new BadRequestError(`The connection cannot reach ${provider}: ${outcome.reason}`, [
        { field: outcome.field?.startsWith('config.') ? outcome.field : 'config', message: outcome.reason },
      ]);
  }
}
