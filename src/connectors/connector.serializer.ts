/**
 * The public shape of a connector (openapi/openapi.yaml): an allow-list, so OAuth client settings
 * never leak.
 */
import type { CatalogEntry } from './catalog.types';
import type { AuthType, ConfigField, ConnectorTool, CredentialField } from './connector.types';

export interface ConnectorView {
  slug: string;
  name: string;
  description: string;
  authType: AuthType;
  configured: boolean;
  availability: string;
  availabilityReason?: string;
  categories: string[];
  tools: ConnectorTool[];
  credentialFields?: CredentialField[];
  connectionConfig: ConfigField[];
  /** Whether credentials are checked at the provider (the `verify` call itself stays private). */
  verifiesCredentials: boolean;
  scopes?: string[];
}

function toConfigFieldView(field: ConfigField): ConfigField {
  const out: ConfigField = { key: field.key, label: field.label, required: field.required };
  if (field.description !== undefined) out.description = field.description;
  if (field.pattern !== undefined) out.pattern = field.pattern;
  if (field.enum !== undefined) out.enum = [...field.enum];
  if (field.example !== undefined) out.example = field.example;
  if (field.fromTokenResponse !== undefined) out.fromTokenResponse = field.fromTokenResponse;
  return out;
}

/** A tool as the catalog shows it: its input schema is public, how it runs (`request`) is not. */
function toToolView(tool: ConnectorTool): ConnectorTool {
  const out: ConnectorTool = { name: tool.name, description: tool.description };
  if (tool.inputSchema !== undefined)
    out.inputSchema = JSON.parse(JSON.stringify(tool.inputSchema)) as Record<string, unknown>;
  return out;
}

export function toConnectorView(entry: CatalogEntry): ConnectorView {
  const view: ConnectorView = {
    slug: entry.slug,
    name: entry.name,
    description: entry.description,
    authType: entry.authType,
    configured: entry.configured,
    availability: entry.availability,
    categories: [...(entry.categories ?? [])],
    tools: entry.tools.map(toToolView),
    connectionConfig: (entry.connectionConfig ?? []).map(toConfigFieldView),
    verifiesCredentials: entry.verify !== undefined && entry.api !== undefined,
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
