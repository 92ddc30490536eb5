import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { readJsonFile } from './json-file.js';

/** One MCP server of `MCP_CONFIG`: a command the API starts (stdio), or a URL it connects to (Streamable HTTP). */
export type McpServerDefinition =
  | { name: string; transport: 'stdio'; command: string; args: string[]; env: Record<string, string>; cwd?: string }
  | { name: string; transport: 'http'; url: string; headers: Record<string, string> };

const SERVER_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;

const MCP_FILE = z.object({
  mcpServers: z.record(
    z.string().regex(SERVER_NAME),
    z.union([
      z.strictObject({ command: z.string().min(1), args: z.array(z.string()).optional(), env: z.record(z.string(), z.string()).optional(), cwd: z.string().optional() }),
      z.strictObject({ url: z.url({ protocol: /^https?$/ }), headers: z.record(z.string(), z.string()).optional() }),
    ]),
  ),
});

/**
 * Reads `MCP_CONFIG`, the shape Claude Desktop and most MCP clients share:
 * `{"mcpServers": {"<name>": {"command", "args", "env"} | {"url", "headers"}}}`.
 * @throws ConfigError saying what is wrong where
 */
export function readMcpServers(path: string): McpServerDefinition[] {
  const file = readJsonFile('MCP_CONFIG', path, MCP_FILE, 'each server is {"command", "args", "env"} or {"url", "headers"}, named with letters, digits, - and _.');
  return Object.entries(file.mcpServers).map(([name, server]) =>
    'command' in server
      ? { name, transport: 'stdio', command: server.command, args: server.args ?? [], env: server.env ?? {}, cwd: server.cwd === undefined ? undefined : resolve(dirname(path), server.cwd) }
      : { name, transport: 'http', url: server.url, headers: server.headers ?? {} },
  );
}
