/**
 * Webhook endpoints: an owner manages its own with its API key (REST and GraphQL); the operator
 * manages every one, operator-wide ones included, with the admin CLI. The signing secret is
 * generated here, returned once, and sealed before the repository sees it.
 */
import { randomUUID } from 'node:crypto';
import type { OwnerRepository } from '../owners/owner.repository';
import type { Caller } from '../shared/caller';
import type { Clock } from '../shared/clock';
import { resealEach, type ResealOutcome } from '../shared/crypto/reseal';
import { BadRequestError, ConflictError, NotFoundError, UnauthorizedError } from '../shared/errors';
import { isUuid } from '../shared/ids';
import { isForbiddenHost } from '../providers/address-guard';
import type { CreateWebhookDto } from './dto/create-webhook.dto';
import type { DeliveryRecord, WebhookDeliveryRepository } from './webhook-delivery.repository';
import type { WebhookEndpoint } from './webhook-endpoint.entity';
import type { WebhookEndpointRepository } from './webhook-endpoint.repository';
import { generateWebhookSecret, type WebhookSecrets } from './webhook-secret';

export const DELIVERIES_LIMIT_DEFAULT = 50;
export const DELIVERIES_LIMIT_MAX = 100;

export interface CreatedWebhook {
  webhook: WebhookEndpoint;
  /** The plaintext signing secret (`whsec_…`): returned this once, stored only sealed. */
  secret: string;
}

export class WebhookService {
  constructor(
    private readonly endpoints: WebhookEndpointRepository,
    private readonly deliveries: WebhookDeliveryRepository,
    private readonly owners: OwnerRepository,
    private readonly secrets: WebhookSecrets,
    private readonly clock: Clock,
    private readonly settings: {
      allowHttp: boolean;
      allowPrivateNetworks: boolean;
      /** WEBHOOK_ENDPOINTS_PER_OWNER: live endpoints an owner may have; 0 = no limit. */
      endpointsPerOwner: number;
    },
  ) {}

  create(caller: Caller, input: CreateWebhookDto): Promise<CreatedWebhook> {
    this.requireOwnerKey(caller);
    return this.insert(caller.ownerId, input);
  }

  list(caller: Caller): Promise<WebhookEndpoint[]> {
    this.requireOwnerKey(caller);
    return this.endpoints.listLiveOfOwner(caller.ownerId);
  }

  async get(caller: Caller, id: string): Promise<WebhookEndpoint> {
    this.requireOwnerKey(caller);
    const endpoint = await this.endpoints.findLiveOfOwner(caller.ownerId, this.checkId(id));
    if (!endpoint) throw new NotFoundError('No such webhook endpoint.');
    return endpoint;
  }

  /** Deletes the endpoint; its pending deliveries are given up. */
  async delete(caller: Caller, id: string): Promise<{ deleted: true }> {
    this.requireOwnerKey(caller);
    const deleted = await this.endpoints.softDelete(this.checkId(id), caller.ownerId, this.clock.now());
    if (!deleted) throw new NotFoundError('No such webhook endpoint.');
    return { deleted: true };
  }

  async recentDeliveries(caller: Caller, id: string, limit?: number): Promise<DeliveryRecord[]> {
    const endpoint = await this.get(caller, id);
    if (limit !== undefined && (limit < 1 || limit > DELIVERIES_LIMIT_MAX)) {
      throw new BadRequestError(`limit must be between 1 and ${DELIVERIES_LIMIT_MAX}.`, [
        { field: 'limit', message: `must be between 1 and ${DELIVERIES_LIMIT_MAX}` },
      ]);
    }
    return this.deliveries.listRecentOfEndpoint(endpoint.id, limit ?? DELIVERIES_LIMIT_DEFAULT);
  }

  /** Admin CLI: an endpoint of the named owner, or an operator-wide one (every owner's events). */
  async addAsOperator(input: CreateWebhookDto, ownerName?: string): Promise<CreatedWebhook> {
    const ownerId = ownerName === undefined ? null : (await this.ownerByName(ownerName)).id;
    return this.insert(ownerId, input);
  }

  /** Admin CLI: the named owner's endpoints; without a name, every live endpoint (operator-wide ones included). */
  async listAsOperator(ownerName?: string): Promise<WebhookEndpoint[]> {
    if (ownerName === undefined) return this.endpoints.listAllLive();
    const owner = await this.ownerByName(ownerName);
    return this.endpoints.listLiveOfOwner(owner.id);
  }

  async removeAsOperator(id: string): Promise<{ id: string; deleted: true }> {
    const checked = this.checkId(id);
    if (!(await this.endpoints.softDelete(checked, undefined, this.clock.now()))) {
      throw new NotFoundError(`No webhook endpoint has the id "${id}".`);
    }
    return { id: checked, deleted: true };
  }

  /** Re-seals every signing secret under the current key (`admin secrets reseal`). */
  resealSecrets(): Promise<ResealOutcome> {
    return resealEach(
      (rewrite) => this.endpoints.rewriteSecrets(rewrite),
      (id, sealed) => this.secrets.reseal(id, sealed),
    );
  }

  private async insert(ownerId: string | null, input: CreateWebhookDto): Promise<CreatedWebhook> {
    const url = this.checkUrl(input.url);
    const id = randomUUID();
    const secret = generateWebhookSecret();
    const limit = this.settings.endpointsPerOwner;
    const webhook = await this.endpoints.insertWithinLimit(
      {
        id,
        ownerId,
        url,
        description: input.description ?? null,
        eventTypes: input.eventTypes ? [...new Set(input.eventTypes)] : null,
        secret: this.secrets.seal(id, secret),
      },
      limit,
    );
    if (!webhook) {
      throw new ConflictError(
        `An owner can have at most ${limit} webhook endpoints (WEBHOOK_ENDPOINTS_PER_OWNER); delete one first.`,
      );
    }
    return { webhook, secret };
  }

  private async ownerByName(name: string) {
    const owner = await this.owners.findByName(name.trim());
    if (!owner) throw new NotFoundError(`No owner is named "${name}".`);
    return owner;
  }

  /**
   * Absolute http(s), no credentials in it; plain http only where WEBHOOK_ALLOW_HTTP allows; no
   * private or local IP literal or localhost name unless WEBHOOK_ALLOW_PRIVATE_NETWORKS allows
   * (a host name's addresses are checked when it is sent to: they may change).
   */
  private checkUrl(raw: string): string {
    const refuse = (message: string) =>
      new BadRequestError(`Invalid input: url ${message}.`, [{ field: 'url', message }]);
    let url: URL;
    try {
      url = new URL(raw.trim());
    } catch {
      throw refuse('must be an absolute http(s) URL');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw refuse('must be an absolute http(s) URL');
    if (url.protocol === 'http:' && !this.settings.allowHttp) {
      throw refuse('must use https (plain http is refused on this gateway; see WEBHOOK_ALLOW_HTTP)');
    }
    if (url.username || url.password) throw refuse('must not carry a user name or password');
    if (url.hash) throw refuse('must not carry a fragment');
    if (!this.settings.allowPrivateNetworks && isForbiddenHost(url.hostname)) {
      throw refuse(
        'must not point at a private or local network address (see WEBHOOK_ALLOW_PRIVATE_NETWORKS)',
      );
    }
    return url.toString();
  }

  private checkId(id: string): string {
    if (!isUuid(id)) {
      throw new BadRequestError('The webhook endpoint id must be a UUID.', [
        { field: 'id', message: 'must be a UUID' },
      ]);
    }
    return id.toLowerCase();
  }

  /** Webhooks are managed with the owner's API key only; to a browser session it is as if it had no key. */
  private requireOwnerKey(caller: Caller): void {
    if (caller.sessionId !== undefined) throw new UnauthorizedError();
  }
}
