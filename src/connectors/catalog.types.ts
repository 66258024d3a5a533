import type { ConnectorDefinition } from './connector.types';

/** A connector as this gateway serves it: its definition plus whether the operator configured it. */
export interface CatalogEntry extends ConnectorDefinition {
  configured: boolean;
}
