/**
 * Webhook signing secrets: `whsec_` + base64 of 32 random bytes (the Standard Webhooks form),
 * shown once at creation and stored only sealed, the seal bound to the endpoint's row.
 */
import { randomBytes } from 'node:crypto';
import type { SecretCipher, Sealed, SealContext } from '../shared/crypto/cipher';

export function generateWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

function context(endpointId: string): SealContext {
  return { table: 'webhook_endpoints', rowId: endpointId, field: 'secret' };
}

export class WebhookSecrets {
  constructor(private readonly cipher: SecretCipher) {}

  seal(endpointId: string, secret: string): Sealed {
    return this.cipher.seal(secret, context(endpointId));
  }

  open(endpointId: string, sealed: string): string {
    return this.cipher.open(sealed, context(endpointId));
  }

  /** Re-seals under the current key; undefined when it already is. */
  reseal(endpointId: string, sealed: Sealed): Sealed | undefined {
    if (!this.cipher.isStale(sealed)) return undefined;
    return this.seal(endpointId, this.open(endpointId, sealed));
  }
}
