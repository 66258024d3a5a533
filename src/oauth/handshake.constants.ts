/** A handshake (ticket, state, verifier, cookie) lives 10 minutes (docs/security.md#oauth-done-right). */
export const HANDSHAKE_TTL_MS = 10 * 60 * 1000;
