import type { CallToolResult, Tool as McpTool } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerDefinition, ToolSelection } from '../config.js';
import type { Logger } from '../ops/logger.js';
import { McpConnection, type McpServerStatus } from './mcp-connection.js';
import type { Tool, ToolBox, ToolOutcome } from './tool-box.js';

/** How tool calls are bounded, and where they are counted. */
export interface ToolCallLimits {
  /** `TOOL_TIMEOUT_MS`: a call running longer fails with status `error`. */
  timeoutMs: number;
  /** `TOOL_RESULT_MAX_CHARS`: the most of a result passed to the model and the client. */
  maxResultChars: number;
  /** Counts one finished call: `tool_calls_total` and `tool_call_duration_seconds`. */
  observe?: (tool: string, status: ToolOutcome['status'], seconds: number) => void;
}

/** Start-up waits at most this long for the servers' first connection; slower ones join later. */
const START_WAIT_MS = 15_000;

/** The names providers accept for a tool (OpenAI's rule, the strictest). */
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The MCP servers of `MCP_CONFIG` and the tools they offer the agents. A server that is down has
 * its tools withheld from every agent until it is back; the chat goes on without them.
 */
export class McpTools {
  private constructor(
    private readonly connections: McpConnection[],
    private readonly limits: ToolCallLimits,
  ) {}

  /** Connects to every server, waiting for the first attempts (up to 15 s) so the first messages have their tools. */
  static async start(definitions: McpServerDefinition[], limits: ToolCallLimits, log: Logger): Promise<McpTools> {
    const connections = definitions.map((definition) => new McpConnection(definition, log));
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, START_WAIT_MS);
    });
    await Promise.race([Promise.all(connections.map((connection) => connection.connect())), waited]);
    clearTimeout(timer);
    return new McpTools(connections, limits);
  }

  /** Each server's state, for `/readyz`. */
  status(): McpServerStatus[] {
    return this.connections.map((connection) => connection.status());
  }

  /** The tools an agent with this selection may call, as they are at each call of `list`. */
  toolBoxFor(selection: ToolSelection): ToolBox | undefined {
    if (this.connections.length === 0) return undefined;
    return {
      list: () => this.offered(selection),
      get: (name) => this.offered(selection).find((tool) => tool.name === name),
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.connections.map((connection) => connection.close()));
  }

  /** The tools of the servers that are up, that `selection` allows, named uniquely. */
  private offered(selection: ToolSelection): Tool[] {
    const entries = this.connections.flatMap((connection) =>
      connection.tools.filter((tool) => allowed(selection, connection.name, tool.name)).map((tool) => ({ connection, tool })),
    );
    const taken = new Map<string, number>();
    for (const { tool } of entries) taken.set(toolName(tool.name), (taken.get(toolName(tool.name)) ?? 0) + 1);
    return entries.map(({ connection, tool }) => {
      // Two servers with a tool of the same name: each is called by its server's name and its own.
      const name = taken.get(toolName(tool.name)) === 1 ? toolName(tool.name) : toolName(`${connection.name}_${tool.name}`);
      return this.wrap(name, connection, tool);
    });
  }

  private wrap(name: string, connection: McpConnection, tool: McpTool): Tool {
    const { $schema: _ignored, ...inputSchema } = tool.inputSchema;
    return {
      name,
      title: tool.title ?? tool.annotations?.title,
      description: tool.description ?? tool.title ?? tool.name,
      inputSchema,
      call: (args, signal) => this.call(connection, tool.name, name, args, signal),
    };
  }

  private async call(connection: McpConnection, mcpName: string, name: string, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolOutcome> {
    const started = performance.now();
    const { timeoutMs, maxResultChars } = this.limits;
    let outcome: ToolOutcome;
    try {
      const result = (await connection.call(mcpName, args, signal, timeoutMs)) as CallToolResult;
      outcome = { status: result.isError ? 'error' : 'ok', content: capped(resultText(result), maxResultChars) };
    } catch (err) {
      const why = signal.aborted ? 'the reply was stopped' : isTimeout(err) ? `no answer within ${timeoutMs} ms (TOOL_TIMEOUT_MS)` : err instanceof Error ? err.message : String(err);
      outcome = { status: 'error', content: capped(`The tool failed: ${why}.`, maxResultChars) };
    }
    this.limits.observe?.(name, outcome.status, (performance.now() - started) / 1000);
    return outcome;
  }
}

/** Whether an allow-list entry (`server`, `server/tool` or `tool`) or `*` lets an agent call this tool. */
function allowed(selection: ToolSelection, server: string, tool: string): boolean {
  if (selection === '*') return true;
  return selection.some((entry) => entry === server || entry === `${server}/${tool}` || entry === tool);
}

/** A tool's name as providers accept it: other characters become `_`, at most 64. */
function toolName(name: string): string {
  if (TOOL_NAME.test(name)) return name;
  return name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64) || 'tool';
}

/** A result as text: its text parts, other parts named by their kind; the structured content when there is nothing else. */
function resultText(result: CallToolResult): string {
  const parts = (result.content ?? []).map((part) => {
    switch (part.type) {
      case 'text':
        return part.text;
      case 'resource':
        return 'text' in part.resource ? part.resource.text : `[resource ${part.resource.uri}]`;
      case 'resource_link':
        return `[resource ${part.uri}]`;
      default:
        return `[${part.type} ${'mimeType' in part ? part.mimeType : ''}]`.replace(' ]', ']');
    }
  });
  if (parts.length === 0 && result.structuredContent) return JSON.stringify(result.structuredContent);
  return parts.join('\n');
}

/** At most `max` characters, saying where it was cut. */
function capped(text: string, max: number): string {
  if (text.length <= max) return text;
  const note = `\n[cut at ${max} characters]`;
  return text.slice(0, Math.max(0, max - note.length)) + note;
}

function isTimeout(err: unknown): boolean {
  // The SDK's McpError for its own request timeout (ErrorCode.RequestTimeout).
  return typeof err === 'object' && err !== null && 'code' in err && err.code === -32001;
}
