/**
 * MCP for the agent runtime (README "MCP for the agent runtime"): the tools one owner's agent may
 * run. An MCP tool is a runnable tool (one with a `request`) of a connector the owner has a
 * `connected` connection to, named `<slug>__<tool>`; the agent's allowed connectors, when the
 * runtime names them, narrow the list. Calls run through ToolService, exactly as the runtime's tool route runs them. The door
 * (mcp.routes.ts) speaks the protocol with the official SDK and only translates.
 */
import type { ConnectorService } from '../connectors/connector.service';
import { SLUG_PATTERN } from '../connectors/connector.validation';
import type { ConnectionRepository } from '../connections/connection.repository';
import type { OwnerRepository } from '../owners/owner.repository';
import { BadRequestError, NotFoundError } from '../shared/errors';
import { isUuid } from '../shared/ids';
import { isRunnable, type ToolAnswer, type ToolService } from './tool.service';

/** Between the connector's slug and the tool's name. Slugs never hold `_`, so the split is unique. */
export const MCP_TOOL_SEPARATOR = '__';

/** Whom an MCP request acts for, from its headers. */
export interface McpScope {
  ownerId: string;
  /** The agent's allowed connectors (`X-Allowed-Connectors`); undefined: all of the owner's. */
  allowed?: ReadonlySet<string>;
}

export interface McpTool {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export class McpService {
  constructor(
    private readonly connections: ConnectionRepository,
    private readonly connectors: ConnectorService,
    private readonly owners: OwnerRepository,
    private readonly tools: ToolService,
  ) {}

  /**
   * The scope of a request: `X-Owner-Id` must be an owner's id (400 when it is not a UUID, 404
   * when no owner has it), `X-Allowed-Connectors` a comma-separated list of slugs (400 naming the
   * header otherwise). An empty list allows nothing: an agent with no connectors has no tools.
   */
  async scope(ownerId: string | undefined, allowedConnectors: string | undefined): Promise<McpScope> {
    if (ownerId === undefined || !isUuid(ownerId.trim())) {
      throw new BadRequestError('Send the owner this MCP session acts for: "X-Owner-Id: <owner uuid>".', [
        { field: 'X-Owner-Id', message: ownerId === undefined ? 'is required' : 'must be a UUID' },
      ]);
    }
    const id = ownerId.trim().toLowerCase();
    let allowed: Set<string> | undefined;
    if (allowedConnectors !== undefined) {
      const slugs = allowedConnectors
        .split(',')
        .map((slug) => slug.trim())
        .filter((slug) => slug !== '');
      const wrong = slugs.filter((slug) => !SLUG_PATTERN.test(slug));
      if (wrong.length > 0) {
        throw new BadRequestError(
          `X-Allowed-Connectors holds what is not a connector slug: ${wrong.join(', ')}.`,
          [{ field: 'X-Allowed-Connectors', message: 'must be a comma-separated list of connector slugs' }],
        );
      }
      allowed = new Set(slugs);
    }
    if ((await this.owners.findNameById(id)) === null) throw new NotFoundError('No owner has this id.');
    return { ownerId: id, ...(allowed ? { allowed } : {}) };
  }

  /** Every runnable tool of the owner's connected connections (of the allowed connectors), by name. */
  async listTools(scope: McpScope): Promise<McpTool[]> {
    const tools: McpTool[] = [];
    for (const connection of await this.connections.listConnectedOfOwner(scope.ownerId)) {
      if (scope.allowed && !scope.allowed.has(connection.connectorSlug)) continue;
      const connector = this.connectors.forConnection(connection.connectorSlug, connection.authType);
      for (const tool of connector.tools) {
        if (!isRunnable(tool)) continue;
        tools.push({
          name: `${connector.slug}${MCP_TOOL_SEPARATOR}${tool.name}`,
          description: tool.description,
          inputSchema: tool.inputSchema,
        });
      }
    }
    return tools;
  }

  /**
   * Runs `<slug>__<tool>` on the owner's connection to that connector. Undefined when there is no
   * such tool for this scope (no live connection, a connector outside the allowed ones, a tool that
   * does not run): the door answers a JSON-RPC error. A connection that is live but no longer
   * connected, input the schema refuses, a provider that cannot be reached: ToolService's errors.
   */
  async callTool(scope: McpScope, name: string, input: unknown): Promise<ToolAnswer | undefined> {
    const at = name.indexOf(MCP_TOOL_SEPARATOR);
    if (at <= 0) return undefined;
    const slug = name.slice(0, at);
    const toolName = name.slice(at + MCP_TOOL_SEPARATOR.length);
    if (!SLUG_PATTERN.test(slug) || (scope.allowed && !scope.allowed.has(slug))) return undefined;
    const connection = await this.connections.findLiveOfOwnerBySlug(scope.ownerId, slug);
    if (!connection) return undefined;
    const connector = this.connectors.forConnection(connection.connectorSlug, connection.authType);
    if (!connector.tools.some((tool) => tool.name === toolName && isRunnable(tool))) return undefined;
    return this.tools.runOn(connection, toolName, input);
  }
}
