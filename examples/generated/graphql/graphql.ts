/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** How a connector authenticates its connections. */
export type AuthType =
  /** Credentials (API keys, tokens) the user submits through `submitCredentials`. */
  | 'API_KEY'
  /** No credentials: a connection is connected as soon as it is created. */
  | 'NONE'
  /** OAuth 2.0 authorization code flow with PKCE, completed in the user's browser. */
  | 'OAUTH';

/** Input of `connect`. */
export type ConnectInput = {
  /**
   * The connector's per-connection config (`Connector.connectionConfig`): string values; required
   * keys present, no unknown keys, each matching its `pattern` or `enum` (errors name `config.<key>`).
   * Repeating `connect` for a connection that is not connected yet replaces its config; for a
   * connected one, a different config is a `CONFLICT`. Omitted on a repeat, the connection keeps its own.
   */
  config?: Record<string, string> | null | undefined;
  /** The connector to connect; it must be available (and, for OAuth, configured). */
  connectorSlug: string;
  /** An optional display label, up to 200 characters. */
  label?: string | null | undefined;
  /**
   * OAuth only: where to send the browser after the provider's callback, instead of the gateway's
   * own page. It must be on the gateway's origin or an origin in RETURN_URL_ALLOWLIST.
   */
  returnTo?: string | null | undefined;
};

/** Where a connection stands. */
export type ConnectionStatus =
  /** Holds working credentials. */
  | 'CONNECTED'
  /** The last attempt to connect failed; see `lastError`. */
  | 'ERROR'
  /** The provider no longer accepts the stored credentials; re-authorise to reconnect. */
  | 'EXPIRED'
  /** Created, waiting for the OAuth handshake or the credentials. */
  | 'PENDING'
  /** Revoked by its owner; never returned by the queries, only by `revoke`. */
  | 'REVOKED';

/** Input of `submitCredentials`. */
export type SubmitCredentialsInput = {
  /** The `API_KEY` connection to store the credentials on. */
  connectionId: string | number;
  /** One string per credential field of the connector, by field key. */
  credentials: Record<string, string>;
};

export type ListConnectorsQueryVariables = Exact<{
  authType?: AuthType | null | undefined;
  availability?: string | null | undefined;
}>;


export type ListConnectorsQuery = { connectors: Array<{ slug: string, name: string, authType: AuthType, configured: boolean, availability: string, credentialFields: Array<{ key: string, label: string, required: boolean, secret: boolean, pattern: string | null }> | null }> };

export type ConnectMutationVariables = Exact<{
  input: ConnectInput;
}>;


export type ConnectMutation = { connect: { created: boolean, oauthUrl: string | null, credentialSubmitUrl: string | null, connection: { id: string, connectorSlug: string, status: ConnectionStatus } } };

export type SubmitCredentialsMutationVariables = Exact<{
  input: SubmitCredentialsInput;
}>;


export type SubmitCredentialsMutation = { submitCredentials: { connection: { id: string, status: ConnectionStatus, connectedAt: string | null } } };

export type GetConnectionQueryVariables = Exact<{
  id: string | number;
}>;


export type GetConnectionQuery = { connection: { id: string, connectorSlug: string, authType: AuthType, status: ConnectionStatus, connectedAt: string | null, lastError: { code: string, message: string } | null, connector: { name: string, tools: Array<{ name: string }> } } | null };

export type RevokeMutationVariables = Exact<{
  id: string | number;
}>;


export type RevokeMutation = { revoke: { deleted: boolean, connection: { id: string, status: ConnectionStatus } } };


export const ListConnectorsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ListConnectors"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"authType"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"AuthType"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"availability"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"connectors"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"authType"},"value":{"kind":"Variable","name":{"kind":"Name","value":"authType"}}},{"kind":"Argument","name":{"kind":"Name","value":"availability"},"value":{"kind":"Variable","name":{"kind":"Name","value":"availability"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"slug"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"authType"}},{"kind":"Field","name":{"kind":"Name","value":"configured"}},{"kind":"Field","name":{"kind":"Name","value":"availability"}},{"kind":"Field","name":{"kind":"Name","value":"credentialFields"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"label"}},{"kind":"Field","name":{"kind":"Name","value":"required"}},{"kind":"Field","name":{"kind":"Name","value":"secret"}},{"kind":"Field","name":{"kind":"Name","value":"pattern"}}]}}]}}]}}]} as unknown as DocumentNode<ListConnectorsQuery, ListConnectorsQueryVariables>;
export const ConnectDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Connect"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ConnectInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"connect"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"created"}},{"kind":"Field","name":{"kind":"Name","value":"oauthUrl"}},{"kind":"Field","name":{"kind":"Name","value":"credentialSubmitUrl"}},{"kind":"Field","name":{"kind":"Name","value":"connection"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"connectorSlug"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]} as unknown as DocumentNode<ConnectMutation, ConnectMutationVariables>;
export const SubmitCredentialsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SubmitCredentials"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"SubmitCredentialsInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"submitCredentials"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"connection"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"connectedAt"}}]}}]}}]}}]} as unknown as DocumentNode<SubmitCredentialsMutation, SubmitCredentialsMutationVariables>;
export const GetConnectionDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GetConnection"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"connection"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"connectorSlug"}},{"kind":"Field","name":{"kind":"Name","value":"authType"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"connectedAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastError"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"code"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"connector"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"tools"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]} as unknown as DocumentNode<GetConnectionQuery, GetConnectionQueryVariables>;
export const RevokeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"Revoke"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"revoke"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"deleted"}},{"kind":"Field","name":{"kind":"Name","value":"connection"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]} as unknown as DocumentNode<RevokeMutation, RevokeMutationVariables>;