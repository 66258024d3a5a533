/**
 * The one entry for input validation: a DTO class checked by class-validator with
 * `whitelist` and `forbidNonWhitelisted`, so unknown fields are refused (no mass assignment).
 * A NUL character in any string of the input (a value or a key, at any depth) is refused here
 * for every DTO: PostgreSQL text cannot hold one, and it is never meaningful input.
 */
import { validate, type ValidationError } from 'class-validator';
import { BadRequestError, type ErrorDetail } from './errors';

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function flatten(errors: ValidationError[], prefix = ''): ErrorDetail[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      message: message.replace(/^property (\S+) should not exist$/, 'is not an accepted field'),
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

const NUL = '\u0000';
/** How many NUL findings are reported; the rest are not looked for. */
const MAX_NUL_DETAILS = 10;

/**
 * The fields (dotted paths) whose value or key holds a NUL character. Iterative, so no depth of
 * nesting can overflow the stack; each object or array is visited once.
 */
function fieldsWithNul(input: Record<string, unknown>): ErrorDetail[] {
  const found: ErrorDetail[] = [];
  const seen = new Set<object>();
  const stack: [string, unknown][] = Object.entries(input).reverse();
  while (stack.length > 0 && found.length < MAX_NUL_DETAILS) {
    const [field, value] = stack.pop()!;
    if (field.includes(NUL) || (typeof value === 'string' && value.includes(NUL))) {
      found.push({ field: field.replaceAll(NUL, '\\u0000'), message: 'must not contain NUL characters' });
      continue;
    }
    if (typeof value !== 'object' || value === null || seen.has(value)) continue;
    seen.add(value);
    const entries = Array.isArray(value)
      ? value.map((item, i) => [String(i), item] as const)
      : Object.entries(value);
    for (let i = entries.length - 1; i >= 0; i -= 1) {
      const [key, item] = entries[i]!;
      stack.push([`${field}.${key}`, item]);
    }
  }
  return found;
}

export async function validateInput<T extends object>(Dto: new () => T, input: unknown): Promise<T> {
  if (!isPlainObject(input)) {
    throw new BadRequestError('The request body must be a JSON object.');
  }
  const withNul = fieldsWithNul(input);
  if (withNul.length > 0) {
    const summary = withNul.map((d) => `${d.field} ${d.message}`).join('; ');
    throw new BadRequestError(`Invalid input: ${summary}.`, withNul);
  }
  const instance = new Dto();
  for (const [key, value] of Object.entries(input)) {
    // Keys the object inherits are refused below. Not set on the instance: an own `constructor`
    // would hide the DTO class from class-validator, which then reports a field-less error.
    if (key in Object.prototype) continue;
    // defineProperty, not assignment: a JSON key "__proto__" must stay a plain (and rejected) field.
    Object.defineProperty(instance, key, { value, enumerable: true, writable: true, configurable: true });
  }
  const errors = await validate(instance, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    validationError: { target: false, value: false },
  });
  // class-validator finds a field's rules in a plain object, so a key that object inherits
  // (`__proto__`, `constructor`, `hasOwnProperty`, …) slips through its whitelist: refuse those here.
  const inherited: ErrorDetail[] = Object.keys(input)
    .filter((key) => key in Object.prototype)
    .map((field) => ({ field, message: 'is not an accepted field' }));
  if (errors.length > 0 || inherited.length > 0) {
    const details = [...flatten(errors), ...inherited];
    const summary = details.map((d) => `${d.field} ${d.message}`).join('; ');
    throw new BadRequestError(`Invalid input: ${summary}.`, details);
  }
  return instance;
}
