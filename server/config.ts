/**
 * The API's configuration, read from environment variables once at start-up. Each variable is
 * declared once, in `config/variables.ts`; here they are read, combined and checked. A bad value
 * throws a {@link ConfigError} naming the variable and what it expects, so the process stops
 * before it serves a single request.
 */
import { ConfigError, type Env } from './config/env-variable.js';
import { checkConfig } from './config/config-checks.js';
import { AGENT_NAME, VARIABLES, type AgentName, type VariableValues } from './config/variables.js';

export { ConfigError } from './config/env-variable.js';
export { AGENT_NAME, DEV_ALLOWED_ORIGINS, DEV_JWT_SECRET, type AgentName } from './config/variables.js';

/** How the `openai` agent reaches an OpenAI-compatible Chat Completions API. */
export interface OpenAIConfig {
  /** API root, ending in `/v1` for most servers (`OPENAI_BASE_URL`). */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …` when set (`OPENAI_API_KEY`); local servers such as Ollama need none. */
  apiKey: string | undefined;
  /** The `model` of every request (`OPENAI_MODEL`). */
  model: string;
  /** Longest wait for the first token, in ms (`OPENAI_TIMEOUT_MS`). */
  timeoutMs: number;
  /** Longest silence once the reply has begun, in ms (`OPENAI_STALL_MS`). */
  stallMs: number;
  /** Extra request headers (`OPENAI_HEADERS`), e.g. Azure's `api-key`. */
  headers: Record<string, string>;
}

/** The validated configuration of one API process: every variable, and what follows from them. */
export interface Config extends VariableValues {
  /** `NODE_ENV === 'production'`. */
  production: boolean;
  /** Largest request body (and WebSocket message), in bytes: room for a message of `maxMessageLength` however it is escaped. */
  maxBodyBytes: number;
  /** The agents a request may choose with `metadata.agent`: `AGENTS`, or just `AGENT`. */
  agents: AgentName[];
  /** The system prompt of each agent that takes one (`OPENAI_SYSTEM_PROMPT`). */
  systemPrompts: Partial<Record<AgentName, string>>;
  /** The `openai` agent's settings; present when `agents` includes it. */
  openai: OpenAIConfig | undefined;
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

function readOpenAI(values: VariableValues): OpenAIConfig {
  const model = values.openaiModel;
  if (!model) throw new ConfigError('OPENAI_MODEL is required by the openai agent, e.g. OPENAI_MODEL=gpt-4o-mini (or llama3.2 for Ollama).');
  const apiKey = values.openaiApiKey;
  if (!apiKey && new URL(values.openaiBaseUrl).hostname === 'api.openai.com') {
    throw new ConfigError('OPENAI_API_KEY is required for api.openai.com; set it, or point OPENAI_BASE_URL at a server that needs none.');
  }
  return { baseUrl: values.openaiBaseUrl, apiKey, model, timeoutMs: values.openaiTimeoutMs, stallMs: values.openaiStallMs, headers: values.openaiHeaders };
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
    agents,
    systemPrompts: values.openaiSystemPrompt ? { openai: values.openaiSystemPrompt } : {},
    openai: agents.includes(AGENT_NAME.openai) ? readOpenAI(values) : undefined,
  };
  checkConfig(config);
  return config;
}
