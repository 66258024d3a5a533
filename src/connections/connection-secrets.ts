/**
 * The secrets a connection holds, and their sealing. The stored (sealed) and opened shapes are
 * different types, and the seal is bound to the connection's row and field.
 */
import type { SecretCipher, Sealed, SealContext } from '../shared/crypto/cipher';

/** What an api_key connection holds: one string per credential field. */
export interface ApiKeySecret {
  kind: 'api_key';
  credentials: Record<string, string>;
}

/** What an oauth connection holds: the provider's tokens. */
export interface OAuthSecret {
  kind: 'oauth';
  accessToken: string;
  tokenType: string;
  refreshToken?: string;
  /**
   * Which grant (one completed handshake) the tokens belong to: a random id made by the
   * handshake and carried by every refresh of its tokens. Absent on tokens stored before it was.
   */
  grant?: string;
}

export type ConnectionSecret = ApiKeySecret | OAuthSecret;

function context(connectionId: string): SealContext {
  return { table: 'connections', rowId: connectionId, field: 'secret' };
}

export class ConnectionSecrets {
  constructor(private readonly cipher: SecretCipher) {}

  seal(connectionId: string, secret: ConnectionSecret): Sealed {
    return this.cipher.seal(JSON.stringify(secret), context(connectionId));
  }

  open(connectionId: string, sealed: Sealed): ConnectionSecret {
    return JSON.parse(this.cipher.open(sealed, context(connectionId))) as ConnectionSecret;
  }

  /** Re-seals under the current key; undefined when it already is. */
  reseal(connectionId: string, sealed: Sealed): Sealed | undefined {
    if (!this.cipher.isStale(sealed)) return undefined;
    return this.cipher.seal(this.cipher.open(sealed, context(connectionId)), context(connectionId));
  }
}
