import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { Tool as McpTool } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerDefinition } from '../config.js';
import type { Logger } from '../ops/logger.js';

/** Where one MCP server stands: connected with its tools, connecting, or down (its tools withheld). */
export type McpServerState = 'connecting' | 'up' | 'down';

/** What `/readyz` and the logs say of one MCP server. */
export interface McpServerStatus {
  name: string;
  state: McpServerState;
  /** How many tools it offers while up. */
  tools: number;
  /** Why it is down, when it is. */
  reason?: string;
}

/** The first retry after a failure waits this long, doubling up to {@link MAX_RETRY_MS}. */
const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;
/** Connecting (the handshake and the tool list) gives up after this long. */
const CONNECT_TIMEOUT_MS = 10_000;
/** A server's stderr lines are logged up to this many characters each. */
const MAX_STDERR_LINE = 500;

/** The SDK's client identifies us to servers with this. */
const CLIENT_INFO = { name: 'ngx-chat', version: '1.0.0' };

/**
 * One MCP server of `MCP_CONFIG`, over stdio (a child process we start) or Streamable HTTP, with
 * the official SDK's client. It connects, lists the server's tools, and when the connection
 * fails — at start-up or later — logs it, withholds its tools and tries again, backing off.
 */
export class McpConnection {
  private client: Client | undefined;
  private toolList: McpTool[] = [];
  private current: McpServerState = 'connecting';
  private reason: string | undefined;
  private retryMs = FIRST_RETRY_MS;
  private retryTimer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly definition: McpServerDefinition,
    private readonly log: Logger,
  ) {}

  get name(): string {
    return this.definition.name;
  }

  get state(): McpServerState {
    return this.current;
  }

  /** Its tools while it is up; none otherwise. */
  get tools(): readonly McpTool[] {
    return this.current === 'up' ? this.toolList : [];
  }

  status(): McpServerStatus {
    return { name: this.name, state: this.current, tools: this.tools.length, ...(this.reason ? { reason: this.reason } : {}) };
  }

  /** Connects once; on failure the server is down and a retry is scheduled. Never throws. */
  async connect(): Promise<void> {
    if (this.closed) return;
    this.current = 'connecting';
    const client = new Client(CLIENT_INFO);
    try {
      await client.connect(this.transport(), { timeout: CONNECT_TIMEOUT_MS });
      const tools = await listAllTools(client);
      if (this.closed) {
        await client.close();
        return;
      }
      this.client = client;
      this.toolList = tools;
      this.current = 'up';
      this.reason = undefined;
      this.retryMs = FIRST_RETRY_MS;
      // Set after connecting: a failed handshake is reported by the catch below, once.
      client.onclose = () => this.lost(client, 'the connection closed');
      client.onerror = (err) => this.log.warn({ mcpServer: this.name, err: err.message }, 'MCP server error');
      this.log.info({ mcpServer: this.name, tools: tools.map((tool) => tool.name) }, 'MCP server connected');
    } catch (err) {
      await client.close().catch(() => undefined);
      this.down(err instanceof Error ? err.message : String(err));
    }
  }

  /** Calls one of its tools; throws what the SDK throws (a timeout, an abort, a closed connection). */
  async call(name: string, args: Record<string, unknown>, signal: AbortSignal, timeoutMs: number): ReturnType<Client['callTool']> {
    const { client } = this;
    if (!client || this.current !== 'up') throw new Error(`the MCP server "${this.name}" is not connected`);
    return client.callTool({ name, arguments: args }, undefined, { signal, timeout: timeoutMs });
  }

  /** Disconnects for good (shutdown): a stdio server's process is ended. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    const { client } = this;
    this.client = undefined;
    this.current = 'down';
    this.reason = 'closed';
    await client?.close().catch(() => undefined);
  }

  private lost(client: Client, why: string): void {
    if (this.client !== client || this.closed) return;
    this.client = undefined;
    this.down(why);
  }

  private down(why: string): void {
    if (this.closed) return;
    this.current = 'down';
    this.reason = why.length > 200 ? `${why.slice(0, 197)}...` : why;
    this.log.warn({ mcpServer: this.name, reason: this.reason, retryInMs: this.retryMs }, 'MCP server unavailable; its tools are withheld until it is back');
    this.retryTimer = setTimeout(() => void this.connect(), this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }

  private transport(): Transport {
    const { definition } = this;
    if (definition.transport === 'http') {
      return new StreamableHTTPClientTransport(new URL(definition.url), { requestInit: { headers: definition.headers } });
    }
    // The child gets the SDK's safe default environment (PATH, HOME…) plus the server's own
    // "env": never this API's secrets.
    const transport = new StdioClientTransport({ command: definition.command, args: definition.args, env: definition.env, cwd: definition.cwd, stderr: 'pipe' });
    transport.stderr?.on('data', (data: Buffer) => {
      for (const line of data.toString('utf8').split('\n')) {
        if (line.trim()) this.log.debug({ mcpServer: this.name, stderr: line.slice(0, MAX_STDERR_LINE) }, 'MCP server stderr');
      }
    });
    return transport;
  }
}

/** Every tool the server lists, page after page. */
async function listAllTools(client: Client): Promise<McpTool[]> {
  const tools: McpTool[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor ? { cursor } : undefined, { timeout: CONNECT_TIMEOUT_MS });
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor);
  return tools;
}
