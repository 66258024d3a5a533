/**
 * `/internal/v1/mcp`: the Model Context Protocol over Streamable HTTP (README "MCP for the agent
 * runtime"), spoken by the official TypeScript SDK. Stateless: every POST gets its own SDK server
 * and transport, bound to the scope of that request's headers (`X-Owner-Id`,
 * `X-Allowed-Connectors`), so no session lives in the gateway and any instance answers any request. Answers are plain JSON (the SDK's
 * `enableJsonResponse`): nothing is sent before a result, so an event stream would add nothing.
 * GET (a server-sent stream) and DELETE (a session's end) are 405, as the transport specifies for a
 * server without them.
 *
 * What this door translates: a tool's answer becomes a CallToolResult (`isError` when the provider
 * said 4xx/5xx), a gateway refusal (an AppError of the tool run) a CallToolResult with `isError`
 * and the REST error envelope as its text, an unknown tool the JSON-RPC error -32602. An error
 * of the gateway itself is a JSON-RPC internal error; its detail goes to the log only.
 */
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type * as McpTypes from '@modelcontextprotocol/sdk/types.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { Request, RequestHandler } from 'express';
import { AppError, toPublicError } from '../shared/errors';
import type { Logger } from '../shared/logger';
import { isPlainObject } from '../shared/validation';
import type { McpScope, McpService } from './mcp.service';
import type { ToolAnswer } from './tool.service';

/** The SDK's parts this door uses. */
interface Sdk {
  Server: typeof Server;
  StreamableHTTPServerTransport: typeof StreamableHTTPServerTransport;
  types: typeof McpTypes;
}

let loaded: Sdk | undefined;

/**
 * The SDK, loaded on the first MCP request: about 240 modules and 0.2 s that a gateway whose
 * runtime never speaks MCP should not pay at every start.
 */
function sdk(): Sdk {
  /* eslint-disable @typescript-eslint/no-require-imports */
  loaded ??= {
    Server: (require('@modelcontextprotocol/sdk/server/index.js') as { Server: typeof Server }).Server,
    StreamableHTTPServerTransport: (
      require('@modelcontextprotocol/sdk/server/streamableHttp.js') as {
        StreamableHTTPServerTransport: typeof StreamableHTTPServerTransport;
      }
    ).StreamableHTTPServerTransport,
    types: require('@modelcontextprotocol/sdk/types.js') as Sdk['types'],
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  return loaded;
}

/** JSON-RPC error codes this door answers (JSON-RPC 2.0 §5.1; -32000 is the SDK's transport error). */
const INVALID_PARAMS = -32602;
const INTERNAL_ERROR = -32603;
const TRANSPORT_ERROR = -32000;

export const MCP_SERVER_INFO = { name: 'connections-gateway', version: '0.1.0' } as const;

const INSTRUCTIONS =
  "Tools of the connections this owner has connected, named <connector>__<tool>. Each runs one call to the connector's API with the connection's credentials, which never leave the gateway; the result is the provider's answer.";

function header(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** A provider's answer, whatever its status: the body as JSON text; an error when 4xx/5xx. */
function fromAnswer(answer: ToolAnswer): CallToolResult {
  return {
    content: [{ type: 'text', text: JSON.stringify(answer.body) }],
    ...(isPlainObject(answer.body) ? { structuredContent: answer.body } : {}),
    isError: answer.status >= 400,
    _meta: { status: answer.status, ...(answer.truncated ? { truncated: true } : {}) },
  };
}

/** The gateway refused the call (not connected, invalid input, provider unreachable): the REST envelope. */
function fromRefusal(error: AppError): CallToolResult {
  const { code, message, details } = toPublicError(error);
  const envelope = { error: { code, message, ...(details ? { details } : {}) } };
  return {
    content: [{ type: 'text', text: JSON.stringify(envelope) }],
    structuredContent: envelope,
    isError: true,
  };
}

/** An SDK server that answers for one scope: tools/list and tools/call, nothing else. */
function serverFor(mcp: McpService, scope: McpScope, logger: Logger): Server {
  const { Server, types } = sdk();
  // The SDK's low-level Server (its docs keep it for advanced use): McpServer registers tools
  // with zod schemas, and these tools, which change with the owner, are JSON Schemas.
  const server = new Server(MCP_SERVER_INFO, {
    capabilities: { tools: { listChanged: false } },
    instructions: INSTRUCTIONS,
  });
  server.setRequestHandler(types.ListToolsRequestSchema, async () => ({ tools: await mcp.listTools(scope) }));
  server.setRequestHandler(types.CallToolRequestSchema, async (request) => {
    const { name } = request.params;
    let answer: ToolAnswer | undefined;
    try {
      answer = await mcp.callTool(scope, name, request.params.arguments ?? {});
    } catch (err) {
      if (err instanceof AppError) return fromRefusal(err);
      logger.error({ err, ownerId: scope.ownerId, tool: name }, 'MCP tool call failed');
      throw new types.McpError(INTERNAL_ERROR, 'An internal error occurred.');
    }
    if (answer === undefined) {
      throw new types.McpError(
        INVALID_PARAMS,
        `Unknown tool: ${name}. tools/list names the tools of this owner.`,
      );
    }
    return fromAnswer(answer);
  });
  return server;
}

/** POST /internal/v1/mcp: one JSON-RPC message (or batch), answered by a server made for it. */
export function mcpPost(services: { mcp: McpService }, logger: Logger): RequestHandler {
  return async (req, res) => {
    const scope = await services.mcp.scope(header(req, 'x-owner-id'), header(req, 'x-allowed-connectors'));
    const server = serverFor(services.mcp, scope, logger);
    const transport = new (sdk().StreamableHTTPServerTransport)({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    res.once('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  };
}

/** GET and DELETE: no event stream and no session to end in a stateless server. */
export const mcpMethodNotAllowed: RequestHandler = (_req, res) => {
  res
    .status(405)
    .setHeader('Allow', 'POST')
    .json({
      jsonrpc: '2.0',
      error: {
        code: TRANSPORT_ERROR,
        message: 'Method not allowed: this MCP server is stateless; POST.',
      },
      id: null,
    });
};
