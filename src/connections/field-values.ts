/**
 * The per-field check that credential forms and connection config share: each declared field's
 * value present when required, a string, and acceptable to `problemOf`; every problem is added to
 * `details` as `<prefix>.<key>`. Values are never echoed (a credential may be a real secret).
 */
import type { ErrorDetail } from '../shared/errors';

export interface DeclaredField {
  key: string;
  required: boolean;
}

export function checkFieldValues<F extends DeclaredField>(
  input: Record<string, unknown>,
  fields: readonly F[],
  prefix: string,
  problemOf: (field: F, value: string) => string | undefined,
  details: ErrorDetail[],
): Record<string, string> {
  const values: Record<string, string> = {};
  for (const field of fields) {
    const at = `${prefix}.${field.key}`;
    const value = Object.prototype.hasOwnProperty.call(input, field.key) ? input[field.key] : undefined;
    if (value === undefined || value === null || value === '') {
      if (field.required) details.push({ field: at, message: 'is required' });
      continue;
    }
    if (typeof value !== 'string') {
      details.push({ field: at, message: 'must be a string' });
      continue;
    }
    const problem = problemOf(field, value);
    if (problem) details.push({ field: at, message: problem });
    else values[field.key] = value;
  }
  return values;
}
