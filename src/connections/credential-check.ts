/** Checks submitted credentials against a connector's credential fields, naming every bad field. */
import type { CredentialField } from '../connectors/connector.types';
import { BadRequestError, type ErrorDetail } from '../shared/errors';
import { matchesLinearPattern } from '../shared/linear-pattern';
import { isPlainObject } from '../shared/validation';
import { checkFieldValues } from './field-values';

export const MAX_CREDENTIAL_LENGTH = 4096;

export function checkCredentials(fields: readonly CredentialField[], input: unknown): Record<string, string> {
  if (!isPlainObject(input)) {
    throw new BadRequestError('credentials must be an object of strings.', [
      { field: 'credentials', message: 'must be an object' },
    ]);
  }
  const details: ErrorDetail[] = [];
  const known = new Map(fields.map((field) => [field.key, field]));
  for (const key of Object.keys(input)) {
    if (!known.has(key))
      details.push({ field: `credentials.${key}`, message: 'is not a credential field of this connector' });
  }
  const values = checkFieldValues(
    input,
    fields,
    'credentials',
    (field, value) => {
      if (value.length > MAX_CREDENTIAL_LENGTH) return `must be at most ${MAX_CREDENTIAL_LENGTH} characters`;
      // The value is never echoed: it may be a real secret typed into the wrong field.
      if (field.pattern !== undefined && !matchesLinearPattern(field.pattern, value))
        return `does not have the expected format (${field.label})`;
      return undefined;
    },
    details,
  );
  if (details.length > 0) {
    throw new BadRequestError(
      `The credentials are not valid: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}.`,
      details,
    );
  }
  return values;
}
