/**
 * The public shape of a connector (openapi/openapi.yaml): an allow-list, so OAuth client settings
 * never leak.
 */
import type { CatalogEntry } from './catalog.types';
import type { AuthType, ConnectorTool, CredentialField } from './connector.types';

export interface ConnectorView {
  slug: string;
  name: string;
  description: string;
  authType: AuthType;
  configured: boolean;
  availability: string;
  availabilityReason?: string;
  tools: ConnectorTool[];
  credentialFields?: CredentialField[];
  scopes?: string[];
}

export function toConnectorView(entry: CatalogEntry): ConnectorView {
  const view: ConnectorView = {
    slug: entry.slug,
    name: entry.name,
    description: entry.description,
    authType: entry.authType,
    configured: entry.configured,
    availability: entry.availability,
    tools: entry.tools.map((tool) => ({ name: tool.name, description: tool.description })),
  };
  if (entry.availability !== 'available' && entry.availabilityReason) {
    view.availabilityReason = entry.availabilityReason;
  }
  if (entry.authType === 'api_key' && entry.credentialFields) {
    view.credentialFields = entry.credentialFields.map((field) => {
      const out: CredentialField = {
        key: field.key,
        label: field.label,
        required: field.required,
        secret: field.secret,
      };
      if (field.description !== undefined) out.description = field.description;
      if (field.pattern !== undefined) out.pattern = field.pattern;
      return out;
    });
  }
  if (entry.authType === 'oauth' && entry.oauth) view.scopes = [...entry.oauth.scopes];
  return view;
}
