/**
 * Tools that run: a connector tool's `request` filled from an input checked against its
 * `inputSchema` (ajv, the same compiler the catalog checks definitions with), sent through the
 * runtime's proxy (the same credentials, refresh, retries and address rules), and the provider's
 * answer handed back as `{status, body}` whatever the provider said. The MCP door runs tools
 * through here too.
 */
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import type { ConnectorService } from '../connectors/connector.service';
import type { ConnectorTool, ToolRequest } from '../connectors/connector.types';
import { compileToolInputSchema } from '../connectors/connector-tool.validation';
import type { Connection } from '../connections/connection.entity';
import type { ConnectionRepository } from '../connections/connection.repository';
import { BadRequestError, ConflictError, NotFoundError, type ErrorDetail } from '../shared/errors';
import { isUuid } from '../shared/ids';
import { isPlainObject } from '../shared/validation';
import type { ProxyService } from './proxy.service';

/** How much of a provider's answer a tool hands back (the rest is cut; `truncated` says so). */
export const MAX_TOOL_ANSWER_BYTES = 1024 * 1024;

export interface ToolAnswer {
  /** The provider's HTTP status. */
  status: number;
  /** The answer: parsed JSON when it is JSON, else text (null when empty). */
  body: unknown;
  /** True when the answer was longer than MAX_TOOL_ANSWER_BYTES and was cut. */
  truncated?: boolean;
}

/** A runnable tool: one whose definition says how it runs. */
export type RunnableTool = ConnectorTool & { request: ToolRequest; inputSchema: Record<string, unknown> };

export function isRunnable(tool: ConnectorTool): tool is RunnableTool {
  return tool.request !== undefined && tool.inputSchema !== undefined;
}

/** `/items` of ajv's instancePath → `input.items`; a missing required property is named too. */
function inputField(error: ErrorObject): string {
  const path = error.instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  const params = error.params as { missingProperty?: string; additionalProperty?: string };
  if (params.missingProperty !== undefined) path.push(params.missingProperty);
  if (params.additionalProperty !== undefined) path.push(params.additionalProperty);
  return ['input', ...path].join('.');
}

function queryValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export class ToolService {
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(
    private readonly connections: ConnectionRepository,
    private readonly connectors: ConnectorService,
    private readonly proxy: ProxyService,
  ) {}

  /** Runs tool `name` of a connection (whoever owns it: the runtime's own route) with `input`. */
  async run(connectionId: string, name: string, input: unknown): Promise<ToolAnswer> {
    if (!isUuid(connectionId)) {
      throw new BadRequestError('The connection id must be a UUID.', [
        { field: 'id', message: 'must be a UUID' },
      ]);
    }
    const connection = await this.connections.findLiveById(connectionId.toLowerCase());
    if (!connection) throw new NotFoundError('No such connection.');
    return this.runOn(connection, name, input);
  }

  /**
   * Runs tool `name` of a connection already read (the MCP door reads it by owner and connector):
   * 404 for a tool that does not run, 409 for a connection that is not connected, 400 for input
   * its schema refuses.
   */
  async runOn(connection: Connection, name: string, input: unknown): Promise<ToolAnswer> {
    const connector = this.connectors.forConnection(connection.connectorSlug, connection.authType);
    const tool = connector.tools.find((candidate) => candidate.name === name);
    if (!tool || !isRunnable(tool)) {
      throw new NotFoundError(`Connector "${connector.slug}" has no runnable tool "${name}".`);
    }
    if (connection.status !== 'connected') {
      throw new ConflictError(`The connection is ${connection.status}, not connected: it cannot run tools.`);
    }
    const checked = this.checkInput(`${connector.slug}/${tool.name}`, tool, input ?? {});
    const { method, path, query, body } = this.build(tool, checked);
    const answer = await this.proxy.forward(connection.id, {
      method,
      path,
      query,
      headers: {
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body } : {}),
    });
    return this.read(answer.status, answer.headers['content-type'], answer.body);
  }

  /** The input, checked against the tool's schema: 400 naming every failing property. */
  checkInput(key: string, tool: RunnableTool, input: unknown): Record<string, unknown> {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = compileToolInputSchema(tool.inputSchema);
      this.validators.set(key, validate);
    }
    if (!isPlainObject(input) || !validate(input)) {
      const details: ErrorDetail[] = isPlainObject(input)
        ? (validate.errors ?? []).map((error) => ({
            field: inputField(error),
            message: error.message ?? 'is not valid',
          }))
        : [{ field: 'input', message: 'must be an object' }];
      throw new BadRequestError(
        `The input of ${tool.name} is not valid: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}.`,
        details,
      );
    }
    return input;
  }

  /** The provider request a checked input makes: path segments encoded, query and body keys picked. */
  build(
    tool: RunnableTool,
    input: Record<string, unknown>,
  ): { method: string; path: string; query: string; body?: Buffer } {
    const path = tool.request.path.replace(/\{([^{}]+)\}/g, (_whole, key: string) =>
      encodeURIComponent(String(input[key])),
    );
    const query = new URLSearchParams();
    for (const key of tool.request.query ?? []) {
      const value = input[key];
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const item of value) query.append(key, queryValue(item));
      else query.append(key, queryValue(value));
    }
    const members = (tool.request.body ?? []).filter((key) => input[key] !== undefined);
    const body =
      members.length > 0
        ? Buffer.from(JSON.stringify(Object.fromEntries(members.map((key) => [key, input[key]]))), 'utf8')
        : undefined;
    return { method: tool.request.method, path, query: query.toString(), ...(body ? { body } : {}) };
  }

  private async read(
    status: number,
    contentType: string | string[] | undefined,
    stream: AsyncIterable<Buffer>,
  ): Promise<ToolAnswer> {
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    for await (const chunk of stream) {
      const room = MAX_TOOL_ANSWER_BYTES - size;
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, room));
        truncated = true;
        break;
      }
      chunks.push(chunk);
      size += chunk.length;
    }
    const text = Buffer.concat(chunks).toString('utf8');
    const type = Array.isArray(contentType) ? contentType[0] : contentType;
    let body: unknown = text === '' ? null : text;
    if (!truncated && text !== '' && (/json/i.test(type ?? '') || /^\s*[[{]/.test(text))) {
      try {
        body = JSON.parse(text);
      } catch {
        body = text;
      }
    }
    return { status, body, ...(truncated ? { truncated } : {}) };
  }
}
