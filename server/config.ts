/**
 * The API's configuration, read from environment variables once at start-up. Each variable is
 * declared once, in `config/variables.ts`; here they are read, combined and checked. A bad value
 * throws a {@link ConfigError} naming the variable and what it expects, so the process stops
 * before it serves a single request.
 */
import { ConfigError, type Env } from './config/env-variable.js';
import { checkConfig } from './config/config-checks.js';
import { readAgentDefinitions, type AgentDefinition } from './config/agent-definitions.js';
import { readMcpServers, type McpServerDefinition } from './config/mcp-servers.js';
import { VARIABLES, type VariableValues } from './config/variables.js';
import type { RedisTarget } from './stores/redis/redis-client.js';

export { ConfigError } from './config/env-variable.js';
export { AGENT_NAME, DEV_ALLOWED_ORIGINS, DEV_JWT_SECRET, type AgentName } from './config/variables.js';
export { PROVIDER, type AgentDefinition, type Provider, type SettingNames, type ToolSelection } from './config/agent-definitions.js';
export type { McpServerDefinition } from './config/mcp-servers.js';

/** The validated configuration of one API process: every variable, and what follows from them. */
export interface Config extends VariableValues {
  /** `NODE_ENV === 'production'`. */
  production: boolean;
  /** Largest request body (and WebSocket message), in bytes: room for a message of `maxMessageLength` however it is escaped. */
  maxBodyBytes: number;
  /** The agents a request may choose with `metadata.agent` (`AGENTS`, or just `AGENT`), each fully defined. */
  agents: AgentDefinition[];
  /** The MCP servers whose tools the agents may call (`MCP_CONFIG`). */
  mcpServers: McpServerDefinition[];
  /** The Redis the instances share (`REDIS_URL` or `REDIS_CLUSTER_NODES`), if any. */
  redis: RedisTarget | undefined;
}

/**
 * The largest body that can carry a message of `maxMessageLength` characters: 12 bytes a
 * character covers the widest JSON escape (`\uD83D\uDE00` for one astral character, as encoders
 * with ASCII-only output write it), plus 16 KiB for the other fields and metadata.
 */
export function bodyLimitFor(maxMessageLength: number): number {
  return maxMessageLength * 12 + 16 * 1024;
}

/** Reads every declared variable. */
function readVariables(env: Env): VariableValues {
  const context = { production: env.NODE_ENV === 'production', env };
  const entries = Object.entries(VARIABLES).map(([key, variable]) => [key, variable.read(env, context)]);
  // Object.fromEntries loses the keys' types; each value was read by the variable declared under its key.
  return Object.fromEntries(entries) as VariableValues;
}

/**
 * Reads and validates the configuration from `env`.
 * @throws ConfigError naming the variable to fix.
 */
export function loadConfig(env: Env = process.env): Config {
  const values = readVariables(env);
  const agents = values.allowedAgents ?? [values.agent];
  if (!agents.includes(values.agent)) {
    throw new ConfigError(`AGENTS must include the default agent AGENT=${values.agent}, e.g. AGENTS=${[values.agent, ...agents].join(',')}.`);
  }
  const config: Config = {
    ...values,
    production: values.nodeEnv === 'production',
    maxBodyBytes: bodyLimitFor(values.maxMessageLength),
    agents: readAgentDefinitions(agents, values, env),
    mcpServers: values.mcpConfigPath ? readMcpServers(values.mcpConfigPath) : [],
    redis: values.redisClusterNodes ? { clusterNodes: values.redisClusterNodes } : values.redisUrl ? { url: values.redisUrl } : undefined,
  };
  checkConfig(config);
  return config;
}
