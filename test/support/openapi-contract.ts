/**
 * Keeps openapi/openapi.yaml true: every response a test receives from a gateway under `/api/v1`
 * or `/internal/v1` is checked against the document, and a drift fails the test that saw it.
 *
 * The concrete URL is matched to a path template (literal segments before `{params}`, literals
 * compared case-insensitively and one trailing slash ignored, as express routes; a last segment
 * `{path}` takes the rest of the path). The status must
 * be documented for that operation; its required headers must be present and valid; and the body
 * must be of a documented content type and valid against that content's schema (Ajv, JSON Schema
 * 2020-12). Bodies of HEAD answers and of redirects (3xx, where express writes a short notice)
 * are not checked. A request that matches no documented operation (an unknown route or method)
 * must get the documented `401` or `404` error envelope: that is how the API answers those.
 *
 * OPTIONS is express's, not the API's, and is not in the document: a `204` is a CORS preflight,
 * and a `200` is the router's own answer, whose `Allow` header must list only documented methods
 * of the path (so a route added without its documentation shows up here too).
 */
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { loadOpenApiDocument, type OpenApiDocument } from '../../src/openapi/openapi.document';

const CHECKED_PREFIXES = ['/api/v1', '/internal/v1'];
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const ROOT_ID = 'openapi.json';

interface ResponseObject {
  description?: string;
  headers?: Record<string, HeaderObject | RefObject>;
  content?: Record<string, { schema?: unknown }>;
}
interface HeaderObject {
  required?: boolean;
  schema?: unknown;
}
interface RefObject {
  $ref: string;
}
interface Operation {
  method: string;
  template: string;
  segments: string[];
  responses: Record<string, ResponseObject | RefObject>;
  /** JSON pointer (without '#') of `responses`. */
  pointer: string;
}

/** What a test saw: enough to check it against the document. */
export interface ObservedResponse {
  method: string;
  url: string;
  status: number;
  headers: Headers;
  text: string;
}

const escapePointer = (part: string) => part.replace(/~/g, '~0').replace(/\//g, '~1');
const isRef = (value: unknown): value is RefObject =>
  typeof value === 'object' && value !== null && typeof (value as RefObject).$ref === 'string';

export class OpenApiContract {
  private readonly ajv: Ajv2020;
  private readonly operations: Operation[] = [];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly document: OpenApiDocument) {
    this.ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
    addFormats(this.ajv);
    // The document is registered whole so `#/components/...` references resolve; its top-level
    // OpenAPI keys are not JSON Schema keywords, and are declared so strict mode accepts them.
    for (const keyword of Object.keys(document)) {
      if (!this.ajv.getKeyword(keyword)) this.ajv.addKeyword(keyword);
    }
    this.ajv.addSchema({ ...document, $id: ROOT_ID });
    for (const [template, item] of Object.entries(document.paths)) {
      const pathItem = item as Record<string, unknown>;
      for (const method of METHODS) {
        const operation = pathItem[method] as { responses?: Operation['responses'] } | undefined;
        if (!operation?.responses) continue;
        this.operations.push({
          method: method.toUpperCase(),
          template,
          segments: template.split('/'),
          responses: operation.responses,
          pointer: `/paths/${escapePointer(template)}/${method}/responses`,
        });
      }
    }
  }

  /** True for the URLs this contract speaks for. */
  covers(url: string): boolean {
    const path = new URL(url).pathname.toLowerCase();
    return CHECKED_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
  }

  /** The problems of one response (empty when it is as documented). */
  check(observed: ObservedResponse): string[] {
    const method = observed.method.toUpperCase();
    const pathname = new URL(observed.url).pathname;
    if (method === 'OPTIONS') return this.checkOptions(pathname, observed);
    // HEAD is answered by the GET route, without a body.
    const operation = this.match(method === 'HEAD' ? 'GET' : method, pathname);
    if (!operation) return this.checkUnmatched(method, pathname, observed);
    const where = `${method} ${operation.template} → ${observed.status}`;
    const found = this.responseFor(operation, observed.status);
    if (!found) {
      return [
        `${where}: status ${observed.status} is not documented (documented: ${Object.keys(operation.responses).join(', ')})`,
      ];
    }
    return this.checkAgainst(where, found.response, found.pointer, observed, method === 'HEAD');
  }

  /**
   * The operation a concrete path and method reach (any method when none is given), concrete
   * segments winning over templated ones.
   */
  match(method: string | undefined, pathname: string): Operation | undefined {
    let path = pathname;
    if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
    const segments = path.split('/');
    let best: { operation: Operation; rank: string } | undefined;
    for (const operation of this.operations) {
      if (method !== undefined && operation.method !== method) continue;
      // A last segment `{path}` is the rest of the path, slashes and all (the runtime's proxy).
      const rest = operation.segments[operation.segments.length - 1] === '{path}';
      if (
        rest ? segments.length < operation.segments.length : operation.segments.length !== segments.length
      ) {
        continue;
      }
      let rank = '';
      const fits = operation.segments.every((part, i) => {
        const actual = segments[i]!;
        if (/^\{[^}]+\}$/.test(part)) {
          rank += '1';
          return actual.length > 0;
        }
        rank += '0';
        return part.toLowerCase() === actual.toLowerCase();
      });
      if (fits && (!best || rank < best.rank)) best = { operation, rank };
    }
    return best?.operation;
  }

  private checkOptions(pathname: string, observed: ObservedResponse): string[] {
    if (observed.status === 204) return [];
    const operation = observed.status === 200 ? this.match(undefined, pathname) : undefined;
    if (!operation) return this.checkUnmatched('OPTIONS', pathname, observed);
    const documented = new Set(
      this.operations.filter((op) => op.template === operation.template).map((op) => op.method),
    );
    const allowed = (observed.headers.get('allow') ?? '').split(',').map((m) => m.trim().toUpperCase());
    const undocumented = allowed.filter((m) => m && m !== 'HEAD' && m !== 'OPTIONS' && !documented.has(m));
    return undocumented.length > 0
      ? [`OPTIONS ${operation.template} → 200: Allow lists undocumented methods: ${undocumented.join(', ')}`]
      : [];
  }

  private checkUnmatched(method: string, pathname: string, observed: ObservedResponse): string[] {
    const where = `${method} ${pathname} (no documented operation) → ${observed.status}`;
    const fallback: Record<number, string> = { 401: 'Unauthorized', 404: 'NotFound' };
    const name = fallback[observed.status];
    if (!name)
      return [`${where}: an unknown route must answer the documented 401 or 404, not ${observed.status}`];
    const pointer = `/components/responses/${name}`;
    return this.checkAgainst(
      where,
      this.resolve(pointer) as ResponseObject,
      pointer,
      observed,
      method === 'HEAD',
    );
  }

  private responseFor(
    operation: Operation,
    status: number,
  ): { response: ResponseObject; pointer: string } | undefined {
    const responses = operation.responses;
    const key = [String(status), `${String(status)[0]}XX`].find((k) => responses[k] !== undefined);
    if (!key) return undefined;
    let pointer = `${operation.pointer}/${key}`;
    let response = responses[key]!;
    while (isRef(response)) {
      pointer = response.$ref.slice(1);
      response = this.resolve(pointer) as ResponseObject | RefObject;
    }
    return { response, pointer };
  }

  private checkAgainst(
    where: string,
    response: ResponseObject,
    pointer: string,
    observed: ObservedResponse,
    head: boolean,
  ): string[] {
    const problems: string[] = [];
    for (const [name, declared] of Object.entries(response.headers ?? {})) {
      let headerPointer = `${pointer}/headers/${escapePointer(name)}`;
      let header = declared;
      while (isRef(header)) {
        headerPointer = header.$ref.slice(1);
        header = this.resolve(headerPointer) as HeaderObject | RefObject;
      }
      const value = observed.headers.get(name);
      if (value === null) {
        if (header.required) problems.push(`${where}: the required header ${name} is missing`);
        continue;
      }
      if (header.schema !== undefined) {
        const validate = this.validator(`${headerPointer}/schema`);
        if (!validate(value)) problems.push(`${where}: header ${name} ${this.describe(validate.errors)}`);
      }
    }
    if (head || (observed.status >= 300 && observed.status < 400)) return problems;

    const content = response.content;
    if (!content) {
      if (observed.text !== '') problems.push(`${where}: a body was sent where none is documented`);
      return problems;
    }
    const observedType = (observed.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    // The most specific documented media range: the type itself, `type/*`, then `*/*` (RFC 9110 §12.5.1).
    const mediaType = [observedType, `${observedType.split('/')[0]}/*`, '*/*'].find(
      (range) => range in content,
    );
    if (mediaType === undefined) {
      problems.push(
        `${where}: content type "${observedType}" is not documented (documented: ${Object.keys(content).join(', ')})`,
      );
      return problems;
    }
    if (content[mediaType]!.schema === undefined) return problems;
    let body: unknown = observed.text;
    if (observedType === 'application/json' || observedType.endsWith('+json')) {
      try {
        body = JSON.parse(observed.text);
      } catch {
        problems.push(`${where}: the ${mediaType} body is not JSON: ${observed.text.slice(0, 200)}`);
        return problems;
      }
    }
    const validate = this.validator(`${pointer}/content/${escapePointer(mediaType)}/schema`);
    if (!validate(body)) {
      problems.push(
        `${where} (${mediaType}): the body ${this.describe(validate.errors)}; body: ${observed.text.slice(0, 600)}`,
      );
    }
    return problems;
  }

  private validator(pointer: string): ValidateFunction {
    let validate = this.validators.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${ROOT_ID}#${pointer}` });
      this.validators.set(pointer, validate);
    }
    return validate;
  }

  private resolve(pointer: string): unknown {
    let node: unknown = this.document;
    for (const raw of pointer.split('/').slice(1)) {
      const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      node = (node as Record<string, unknown> | undefined)?.[part];
    }
    if (node === undefined) throw new Error(`openapi/openapi.yaml has nothing at #${pointer}`);
    return node;
  }

  private describe(errors: ErrorObject[] | null | undefined): string {
    return (errors ?? [])
      .map((e) => {
        const extra =
          e.keyword === 'additionalProperties'
            ? ` ("${(e.params as { additionalProperty: string }).additionalProperty}")`
            : e.keyword === 'enum' || e.keyword === 'const'
              ? ` (${JSON.stringify(e.params)})`
              : '';
        return `${e.instancePath || '(root)'} ${e.message ?? e.keyword}${extra}`;
      })
      .join('; ');
  }
}

let shared: OpenApiContract | undefined;

/** The contract of openapi/openapi.yaml, loaded once per test worker. */
export function openApiContract(): OpenApiContract {
  shared ??= new OpenApiContract(loadOpenApiDocument());
  return shared;
}

/** Throws when a gateway response under /api/v1 or /internal/v1 is not what the document says. */
export function assertMatchesOpenApi(observed: ObservedResponse): void {
  const contract = openApiContract();
  if (!contract.covers(observed.url)) return;
  const problems = contract.check(observed);
  if (problems.length > 0) {
    throw new Error(`The response disagrees with openapi/openapi.yaml:\n  ${problems.join('\n  ')}`);
  }
}
