import type { CredentialField } from '../connector.types';

/** The usual credential form of an API-key service: one required, secret `apiKey` field. */
export function apiKeyField(provider: string, pattern?: string): CredentialField {
  const field: CredentialField = {
    key: 'apiKey',
    label: 'API Key',
    required: true,
    secret: true,
    description: `The API key for your ${provider} account`,
  };
  if (pattern !== undefined) field.pattern = pattern;
  return field;
}
