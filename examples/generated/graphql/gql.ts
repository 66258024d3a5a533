/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "query ListConnectors($authType: AuthType, $availability: String) {\n  connectors(authType: $authType, availability: $availability) {\n    slug\n    name\n    authType\n    configured\n    availability\n    credentialFields {\n      key\n      label\n      required\n      secret\n      pattern\n    }\n  }\n}\n\nmutation Connect($input: ConnectInput!) {\n  connect(input: $input) {\n    created\n    oauthUrl\n    credentialSubmitUrl\n    connection {\n      id\n      connectorSlug\n      status\n    }\n  }\n}\n\nmutation SubmitCredentials($input: SubmitCredentialsInput!) {\n  submitCredentials(input: $input) {\n    connection {\n      id\n      status\n      connectedAt\n    }\n  }\n}\n\nquery GetConnection($id: ID!) {\n  connection(id: $id) {\n    id\n    connectorSlug\n    authType\n    status\n    connectedAt\n    lastError {\n      code\n      message\n    }\n    connector {\n      name\n      tools {\n        name\n      }\n    }\n  }\n}\n\nmutation Revoke($id: ID!) {\n  revoke(id: $id) {\n    deleted\n    connection {\n      id\n      status\n    }\n  }\n}": typeof types.ListConnectorsDocument,
};
const documents: Documents = {
    "query ListConnectors($authType: AuthType, $availability: String) {\n  connectors(authType: $authType, availability: $availability) {\n    slug\n    name\n    authType\n    configured\n    availability\n    credentialFields {\n      key\n      label\n      required\n      secret\n      pattern\n    }\n  }\n}\n\nmutation Connect($input: ConnectInput!) {\n  connect(input: $input) {\n    created\n    oauthUrl\n    credentialSubmitUrl\n    connection {\n      id\n      connectorSlug\n      status\n    }\n  }\n}\n\nmutation SubmitCredentials($input: SubmitCredentialsInput!) {\n  submitCredentials(input: $input) {\n    connection {\n      id\n      status\n      connectedAt\n    }\n  }\n}\n\nquery GetConnection($id: ID!) {\n  connection(id: $id) {\n    id\n    connectorSlug\n    authType\n    status\n    connectedAt\n    lastError {\n      code\n      message\n    }\n    connector {\n      name\n      tools {\n        name\n      }\n    }\n  }\n}\n\nmutation Revoke($id: ID!) {\n  revoke(id: $id) {\n    deleted\n    connection {\n      id\n      status\n    }\n  }\n}": types.ListConnectorsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ListConnectors($authType: AuthType, $availability: String) {\n  connectors(authType: $authType, availability: $availability) {\n    slug\n    name\n    authType\n    configured\n    availability\n    credentialFields {\n      key\n      label\n      required\n      secret\n      pattern\n    }\n  }\n}\n\nmutation Connect($input: ConnectInput!) {\n  connect(input: $input) {\n    created\n    oauthUrl\n    credentialSubmitUrl\n    connection {\n      id\n      connectorSlug\n      status\n    }\n  }\n}\n\nmutation SubmitCredentials($input: SubmitCredentialsInput!) {\n  submitCredentials(input: $input) {\n    connection {\n      id\n      status\n      connectedAt\n    }\n  }\n}\n\nquery GetConnection($id: ID!) {\n  connection(id: $id) {\n    id\n    connectorSlug\n    authType\n    status\n    connectedAt\n    lastError {\n      code\n      message\n    }\n    connector {\n      name\n      tools {\n        name\n      }\n    }\n  }\n}\n\nmutation Revoke($id: ID!) {\n  revoke(id: $id) {\n    deleted\n    connection {\n      id\n      status\n    }\n  }\n}"): (typeof documents)["query ListConnectors($authType: AuthType, $availability: String) {\n  connectors(authType: $authType, availability: $availability) {\n    slug\n    name\n    authType\n    configured\n    availability\n    credentialFields {\n      key\n      label\n      required\n      secret\n      pattern\n    }\n  }\n}\n\nmutation Connect($input: ConnectInput!) {\n  connect(input: $input) {\n    created\n    oauthUrl\n    credentialSubmitUrl\n    connection {\n      id\n      connectorSlug\n      status\n    }\n  }\n}\n\nmutation SubmitCredentials($input: SubmitCredentialsInput!) {\n  submitCredentials(input: $input) {\n    connection {\n      id\n      status\n      connectedAt\n    }\n  }\n}\n\nquery GetConnection($id: ID!) {\n  connection(id: $id) {\n    id\n    connectorSlug\n    authType\n    status\n    connectedAt\n    lastError {\n      code\n      message\n    }\n    connector {\n      name\n      tools {\n        name\n      }\n    }\n  }\n}\n\nmutation Revoke($id: ID!) {\n  revoke(id: $id) {\n    deleted\n    connection {\n      id\n      status\n    }\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;