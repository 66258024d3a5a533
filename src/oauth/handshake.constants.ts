/** A handshake (ticket, state, verifier, cookie) lives 10 minutes (contract §5). */
export const HANDSHAKE_TTL_MS = 10 * 60 * 1000;
