/**
 * The two parsers of untrusted input in connections, property-based: the credential check of
 * POST /api/v1/connections/:id/credentials and the opaque list cursor.
 */
import fc from 'fast-check';
import { builtinConnectors as readBuiltins } from '../../src/connectors/catalog.loader';

const builtinConnectors = readBuiltins();
import type { CredentialField } from '../../src/connectors/connector.types';
import { checkCredentials, MAX_CREDENTIAL_LENGTH } from '../../src/connections/credential-check';
import { decodeCursor, encodeCursor } from '../../src/connections/cursor';
import { BadRequestError } from '../../src/shared/errors';
import { isUuid } from '../../src/shared/ids';

/** Runs fn and returns the BadRequestError it threw, failing on any other outcome. */
function badRequest(fn: () => unknown): BadRequestError {
  try {
    fn();
  } catch (err) {
    if (err instanceof BadRequestError) return err;
    throw err;
  }
  throw new Error('expected a BadRequestError, but the call succeeded');
}

function fullMatch(pattern: string, value: string): boolean {
  return new RegExp(`^(?:${pattern})$`, 'u').test(value);
}

describe('checkCredentials', () => {
  const PATTERNS = ['^sk-[A-Za-z0-9_-]{20,}$', '[a-f0-9]{8}', '^(us|eu)$', 'x+'];
  const fieldKey = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_]{0,10}$/);
  const fieldSet: fc.Arbitrary<CredentialField[]> = fc.oneof(
    // The real credential forms of the built-in catalog...
    fc.constantFrom(...builtinConnectors.flatMap((c) => (c.credentialFields ? [c.credentialFields] : []))),
    // ...and generated ones.
    fc
      .uniqueArray(
        fc.record({
          key: fieldKey,
          label: fc.constant('A field'),
          required: fc.boolean(),
          secret: fc.boolean(),
          pattern: fc.option(fc.constantFrom(...PATTERNS), { nil: undefined }),
        }),
        { selector: (f) => f.key, minLength: 1, maxLength: 4 },
      )
      .map((fields) =>
        fields.map(({ pattern, ...rest }) => (pattern === undefined ? rest : { ...rest, pattern })),
      ),
  );
  /** Values of every kind a JSON body can hold, with a bias to strings that may pass. */
  const value = fc.oneof(
    { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 2, arbitrary: fc.stringMatching(/^sk-[A-Za-z0-9_-]{20,30}$/) },
    { weight: 2, arbitrary: fc.stringMatching(/^[a-f0-9]{8}$/) },
    { weight: 1, arbitrary: fc.constantFrom('us', 'eu', 'x', 'xxx', '') },
    { weight: 1, arbitrary: fc.constant('k'.repeat(MAX_CREDENTIAL_LENGTH + 1)) },
    { weight: 1, arbitrary: fc.constant('a'.repeat(MAX_CREDENTIAL_LENGTH)) },
    { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.jsonValue()) },
  );
  /** An input built from the fields (some present, some missing) plus maybe unknown keys. */
  const scenario = fieldSet.chain((fields) =>
    fc.record({
      fields: fc.constant(fields),
      known: fc
        .subarray(fields.map((f) => f.key))
        .chain((keys) => fc.tuple(...keys.map((key) => value.map((v) => [key, v] as const)))),
      unknown: fc.uniqueArray(
        fc.tuple(
          fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !fields.some((f) => f.key === k)),
          value,
        ),
        { selector: ([k]) => k, maxLength: 2 },
      ),
    }),
  );

  function inputOf(known: readonly (readonly [string, unknown])[], unknown: readonly [string, unknown][]) {
    const input: Record<string, unknown> = {};
    for (const [key, v] of [...known, ...unknown]) {
      Object.defineProperty(input, key, { value: v, enumerable: true, writable: true, configurable: true });
    }
    return input;
  }

  it('accepts only known keys whose values are strings within the length limit that match their pattern', () => {
    let acceptedRuns = 0;
    let rejectedRuns = 0;
    fc.assert(
      fc.property(scenario, ({ fields, known, unknown }) => {
        const input = inputOf(known, unknown);
        let accepted: Record<string, string>;
        try {
          accepted = checkCredentials(fields, input);
        } catch (err) {
          expect(err).toBeInstanceOf(BadRequestError);
          expect((err as BadRequestError).details?.length).toBeGreaterThan(0);
          rejectedRuns++;
          return;
        }
        acceptedRuns++;
        expect(unknown).toHaveLength(0);
        const byKey = new Map(fields.map((f) => [f.key, f]));
        for (const [key, v] of Object.entries(accepted)) {
          const field = byKey.get(key);
          expect(field).toBeDefined();
          expect(typeof v).toBe('string');
          expect(v).toBe(input[key]);
          expect(v.length).toBeGreaterThan(0);
          expect(v.length).toBeLessThanOrEqual(MAX_CREDENTIAL_LENGTH);
          if (field?.pattern !== undefined) expect(fullMatch(field.pattern, v)).toBe(true);
        }
        for (const field of fields) {
          if (field.required) expect(accepted[field.key]).toEqual(expect.any(String));
        }
      }),
      { numRuns: 500 },
    );
    // Both outcomes were exercised, so the property above is not vacuous.
    expect(acceptedRuns).toBeGreaterThan(10);
    expect(rejectedRuns).toBeGreaterThan(10);
  });

  it('names every unknown key in the details, whatever else is wrong', () => {
    fc.assert(
      fc.property(
        scenario.filter((s) => s.unknown.length > 0),
        ({ fields, known, unknown }) => {
          const error = badRequest(() => checkCredentials(fields, inputOf(known, unknown)));
          const named = (error.details ?? []).map((d) => d.field);
          for (const [key] of unknown) expect(named).toContain(`credentials.${key}`);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never echoes a rejected value in the message or details', () => {
    const fields: CredentialField[] = [
      { key: 'apiKey', label: 'API key', required: true, secret: true, pattern: '^sk-[A-Za-z0-9]{20,}$' },
    ];
    const canary = 'canary-Secret-Value-7781';
    const error = badRequest(() => checkCredentials(fields, { apiKey: canary }));
    expect(JSON.stringify({ message: error.message, details: error.details })).not.toContain(canary);
    expect(error.details).toEqual([expect.objectContaining({ field: 'credentials.apiKey' })]);
  });

  it.each([
    ['a missing required field', {}, 'credentials.apiKey'],
    ['an empty required field', { apiKey: '' }, 'credentials.apiKey'],
    ['a non-string value', { apiKey: 42 }, 'credentials.apiKey'],
    ['a value over 4096 characters', { apiKey: `sk-${'a'.repeat(4094)}` }, 'credentials.apiKey'],
    [
      'a value that only partly matches an unanchored pattern',
      { apiKey: 'sk-aaaaaaaaaaaaaaaaaaaaaa', region: 'useu' },
      'credentials.region',
    ],
  ])('rejects %s, naming the field', (_name, input, field) => {
    const fields: CredentialField[] = [
      { key: 'apiKey', label: 'API key', required: true, secret: true, pattern: 'sk-[a-z]{20,}' },
      { key: 'region', label: 'Region', required: false, secret: false, pattern: 'us|eu' },
    ];
    const error = badRequest(() => checkCredentials(fields, input));
    expect(error.details?.map((d) => d.field)).toContain(field);
  });

  it.each([
    ['null', null],
    ['an array', ['a']],
    ['a string', 'sk-abc'],
    ['a class instance', new Date()],
  ])('rejects %s as the credentials object', (_name, input) => {
    const error = badRequest(() => checkCredentials([], input));
    expect(error.details).toEqual([{ field: 'credentials', message: 'must be an object' }]);
  });

  it('treats a "__proto__" key as an unknown field rather than a prototype', () => {
    const input = JSON.parse('{"apiKey":"sk-aaaaaaaaaaaaaaaaaaaaaaaa","__proto__":{"x":"y"}}') as unknown;
    const fields: CredentialField[] = [{ key: 'apiKey', label: 'API key', required: true, secret: true }];
    const error = badRequest(() => checkCredentials(fields, input));
    expect(error.details?.map((d) => d.field)).toContain('credentials.__proto__');
  });
});

describe('list cursor', () => {
  const position = fc.record({
    createdAt: fc.date({
      noInvalidDate: true,
      min: new Date('1970-01-01T00:00:00Z'),
      max: new Date('9999-12-31T23:59:59Z'),
    }),
    id: fc.uuid(),
  });

  it('decodes what it encodes', () => {
    fc.assert(
      fc.property(position, (pos) => {
        const cursor = encodeCursor(pos);
        expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(decodeCursor(cursor)).toEqual(pos);
      }),
    );
  });

  function decodesToValidPositionOrBadRequest(cursor: string): void {
    let decoded: ReturnType<typeof decodeCursor>;
    try {
      decoded = decodeCursor(cursor);
    } catch (err) {
      expect(err).toBeInstanceOf(BadRequestError);
      expect((err as BadRequestError).details).toEqual([expect.objectContaining({ field: 'cursor' })]);
      return;
    }
    expect(decoded.createdAt).toBeInstanceOf(Date);
    expect(Number.isNaN(decoded.createdAt.getTime())).toBe(false);
    expect(isUuid(decoded.id)).toBe(true);
  }

  it('either decodes an arbitrary string to a valid position or throws BadRequestError', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), decodesToValidPositionOrBadRequest),
      {
        numRuns: 500,
      },
    );
  });

  it('either decodes arbitrary base64url-wrapped JSON to a valid position or throws BadRequestError', () => {
    const json = fc.oneof(
      fc.jsonValue(),
      fc.tuple(
        fc.oneof(
          fc.string(),
          fc.date().map((d) => (Number.isNaN(d.getTime()) ? 'x' : d.toISOString())),
        ),
        fc.oneof(fc.uuid(), fc.string(), fc.integer()),
      ),
    );
    fc.assert(
      fc.property(json, (value) => {
        decodesToValidPositionOrBadRequest(Buffer.from(JSON.stringify(value) ?? '').toString('base64url'));
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['an empty string', ''],
    ['standard base64 with padding', Buffer.from('["2026-01-01T00:00:00.000Z","x"]').toString('base64')],
    [
      'a non-canonical timestamp',
      Buffer.from('["2026-01-01","6a1e8f62-5b5f-4e3c-9d7e-0f1a2b3c4d5e"]').toString('base64url'),
    ],
    ['a cursor over 200 characters', 'A'.repeat(201)],
    [
      'three elements',
      Buffer.from('["2026-01-01T00:00:00.000Z","6a1e8f62-5b5f-4e3c-9d7e-0f1a2b3c4d5e",1]').toString(
        'base64url',
      ),
    ],
  ])('rejects %s', (_name, cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(BadRequestError);
  });
});
