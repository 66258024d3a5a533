/**
 * The confirmation page of a ticket URL (docs/security.md#a-link-never-acts-on-its-own): what the
 * page names, the proof its form carries back, and how that proof is checked. The handshake
 * service (handshake.service.ts) keeps the flow; this file holds the page's values and rules.
 */
import { createHmac } from 'node:crypto';
import type { ForbiddenError } from '../shared/errors';
import { safeEqual, sha256Hex } from '../shared/tokens';
import type { OAuthFlow } from './oauth-flow.entity';

/** The confirmation page of a ticket URL: what it names, and this browser's proof values. */
export interface Confirmation {
  flowId: string;
  connectionId: string;
  connectorName: string;
  /** The owner the account will be connected to (the name given to `keys create --owner`). */
  ownerName: string;
  /** Origin of the provider's authorization endpoint (the page's form ends there). */
  providerOrigin: string;
  /** The cookie value binding this browser to the page (set it again: it may be new). */
  cookieValue: string;
  /** The form's anti-forgery field, derived from the cookie value. */
  formValue: string;
  expiresAt: Date;
}

/** What the confirmation page's form carries back. */
export interface ConfirmProof {
  cookieValue: string | undefined;
  formValue: unknown;
}

/**
 * The confirmation form's anti-forgery field: an HMAC keyed by the page's cookie value, so the
 * page (which another site may get to see) never reveals the cookie, and no other browser's
 * cookie matches it.
 */
export function confirmFormValue(cookieValue: string, flowId: string): string {
  return createHmac('sha256', cookieValue).update(`alm-oauth-confirm:${flowId}`).digest('base64url');
}

/**
 * The confirm hash of a flow when the proof is its page's, posted from the browser the page set
 * its cookie in; otherwise `refusal` (403) is thrown.
 */
export function checkProof(flow: OAuthFlow, proof: ConfirmProof, refusal: ForbiddenError): string {
  const { cookieValue, formValue } = proof;
  const confirmHash = cookieValue === undefined ? undefined : sha256Hex(cookieValue);
  if (
    cookieValue === undefined ||
    typeof formValue !== 'string' ||
    formValue === '' ||
    flow.confirmHash === null ||
    !safeEqual(confirmHash!, flow.confirmHash) ||
    !safeEqual(formValue, confirmFormValue(cookieValue, flow.id))
  ) {
    throw refusal;
  }
  return confirmHash!;
}
