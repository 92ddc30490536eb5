import { z } from 'zod';
import { ConfigError, type Env } from './env-variable.js';
import { readJsonFile } from './json-file.js';
import { AGENT_NAME, DEFAULT_BASE_URL, type VariableValues } from './variables.js';

/** Where an agent's replies come from. */
export const PROVIDER = { demo: 'demo', openai: 'openai', anthropic: 'anthropic', google: 'google' } as const;
export type Provider = (typeof PROVIDER)[keyof typeof PROVIDER];

/** Where a site owner sets each of one agent's settings, as its error messages name them. */
export interface SettingNames {
  apiKey: string;
  baseUrl: string;
  model: string;
  headers: string;
  timeout: string;
  stall: string;
  /** What the base URL must be the root of: "an OpenAI-compatible API (it usually ends in /v1)". */
  api: string;
  /** What the provider streams, in its own words: "a Chat Completions stream". */
  stream: string;
  /** How the provider says a reply hit the output limit: `finish_reason "length"`. */
  cutReason: string;
}

/** Which tools an agent may call: every tool of every MCP server, or those an allow-list names (`server`, `server/tool`, `tool`). */
export type ToolSelection = '*' | string[];

/** One agent, whichever way it was configured. */
export interface AgentDefinition {
  /** The name requests use in `metadata.agent`. */
  name: string;
  provider: Provider;
  /** The model; empty for the demo agent. */
  model: string;
  baseUrl: string;
  apiKey: string | undefined;
  headers: Record<string, string>;
  systemPrompt: string | undefined;
  timeoutMs: number;
  stallMs: number;
  tools: ToolSelection;
  /** Most rounds of tool calls in one reply. */
  maxToolSteps: number;
  /** Whether the model's reasoning is passed on as `reasoning` chunks. */
  reasoning: boolean;
  /** What the widget shows before the first message, unless the page sets its own. */
  greeting: string | undefined;
  /** Messages the widget offers as buttons in an empty conversation. */
  starterPrompts: string[];
  names: SettingNames;
}

/** The demo's suggestions: a catalogue search, an order lookup (both through the demo shop's tools), and the widget itself. */
const DEMO_STARTER_PROMPTS = ['Which kettles do you sell?', 'Where is order KC-20418?', 'How do I restyle the chat?'];

const API = {
  openai: 'an OpenAI-compatible API (it usually ends in /v1)',
  anthropic: "Anthropic's Messages API (https://api.anthropic.com/v1)",
  google: "Google's Generative Language API (https://generativelanguage.googleapis.com/v1beta)",
} as const;

/** Each provider's stream and output-limit reason, as its own documentation names them. */
const WORDS = {
  openai: { stream: 'a Chat Completions stream', cutReason: 'finish_reason "length"' },
  anthropic: { stream: 'a Messages stream', cutReason: 'stop_reason "max_tokens"' },
  google: { stream: 'a Gemini stream', cutReason: 'finishReason "MAX_TOKENS"' },
} as const;

/** An agent configured by environment variables: `OPENAI_*`, `ANTHROPIC_*`, `GOOGLE_*`. */
function envAgent(provider: Exclude<Provider, 'demo'>, values: VariableValues): AgentDefinition {
  const prefix = provider.toUpperCase();
  const settings = {
    openai: [values.openaiBaseUrl, values.openaiApiKey, values.openaiModel, values.openaiSystemPrompt, values.openaiHeaders, values.openaiTimeoutMs, values.openaiStallMs],
    anthropic: [values.anthropicBaseUrl, values.anthropicApiKey, values.anthropicModel, values.anthropicSystemPrompt, values.anthropicHeaders, values.anthropicTimeoutMs, values.anthropicStallMs],
    google: [values.googleBaseUrl, values.googleApiKey, values.googleModel, values.googleSystemPrompt, values.googleHeaders, values.googleTimeoutMs, values.googleStallMs],
  } as const;
  const [baseUrl, apiKey, model, systemPrompt, headers, timeoutMs, stallMs] = settings[provider];
  const example = { openai: 'gpt-4o-mini (or llama3.2 for Ollama)', anthropic: 'claude-sonnet-4-5', google: 'gemini-2.5-flash' }[provider];
  if (!model) throw new ConfigError(`${prefix}_MODEL is required by the ${provider} agent, e.g. ${prefix}_MODEL=${example}.`);
  if (!apiKey && (provider !== PROVIDER.openai || new URL(baseUrl).hostname === 'api.openai.com')) {
    throw new ConfigError(`${prefix}_API_KEY is required by the ${provider} agent${provider === PROVIDER.openai ? ' on api.openai.com; set it, or point OPENAI_BASE_URL at a server that needs none' : ''}.`);
  }
  return {
    name: provider,
    provider,
    model,
    baseUrl,
    apiKey,
    headers,
    systemPrompt,
    timeoutMs,
    stallMs,
    tools: '*',
    maxToolSteps: values.maxToolSteps,
    reasoning: false,
    greeting: undefined,
    starterPrompts: [],
    names: {
      apiKey: `${prefix}_API_KEY`,
      baseUrl: `${prefix}_BASE_URL`,
      model: `${prefix}_MODEL`,
      headers: `${prefix}_HEADERS`,
      timeout: `${prefix}_TIMEOUT_MS`,
      stall: `${prefix}_STALL_MS`,
      api: API[provider],
      ...WORDS[provider],
    },
  };
}

function demoAgent(name: string, values: VariableValues, welcome: Pick<AgentDefinition, 'greeting' | 'starterPrompts'> & { tools?: ToolSelection } = { greeting: undefined, starterPrompts: DEMO_STARTER_PROMPTS }): AgentDefinition {
  const names = { apiKey: '', baseUrl: '', model: '', headers: '', timeout: '', stall: '', api: '', stream: '', cutReason: '' };
  return {
    name,
    provider: PROVIDER.demo,
    model: '',
    baseUrl: '',
    apiKey: undefined,
    headers: {},
    systemPrompt: undefined,
    timeoutMs: 0,
    stallMs: 0,
    tools: welcome.tools ?? '*',
    maxToolSteps: values.maxToolSteps,
    reasoning: false,
    greeting: welcome.greeting,
    starterPrompts: welcome.starterPrompts,
    names,
  };
}

const AGENTS_FILE = z.object({
  agents: z.record(
    z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/),
    z.strictObject({
      provider: z.enum([PROVIDER.demo, PROVIDER.openai, PROVIDER.anthropic, PROVIDER.google]),
      model: z.string().min(1).optional(),
      base_url: z.url({ protocol: /^https?$/ }).optional(),
      /** The environment variable holding the key: keys stay out of files checked in. */
      api_key_env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).optional(),
      headers: z.record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/), z.string().regex(/^[^\r\n\0]*$/)).optional(),
      system_prompt: z.string().optional(),
      tools: z.union([z.literal('*'), z.array(z.string().min(1))]).optional(),
      max_tool_steps: z.number().int().min(0).max(50).optional(),
      timeout_ms: z.number().int().min(100).optional(),
      stall_ms: z.number().int().min(100).optional(),
      reasoning: z.boolean().optional(),
      greeting: z.string().min(1).max(500).optional(),
      starter_prompts: z.array(z.string().min(1).max(200)).max(6).optional(),
    }),
  ),
});
type FileAgent = z.infer<typeof AGENTS_FILE>['agents'][string];

/** An agent of `AGENTS_CONFIG`. */
function fileAgent(name: string, entry: FileAgent, values: VariableValues, env: Env): AgentDefinition {
  const where = `agent "${name}" in AGENTS_CONFIG`;
  if (entry.provider === PROVIDER.demo) return demoAgent(name, values, { tools: entry.tools, greeting: entry.greeting, starterPrompts: entry.starter_prompts ?? [] });
  if (!entry.model) throw new ConfigError(`AGENTS_CONFIG: ${where} needs a "model".`);
  const apiKey = entry.api_key_env ? env[entry.api_key_env]?.trim() || undefined : undefined;
  if (entry.api_key_env && !apiKey) throw new ConfigError(`AGENTS_CONFIG: ${where} reads its key from ${entry.api_key_env}, which is not set.`);
  return {
    name,
    provider: entry.provider,
    model: entry.model,
    baseUrl: (entry.base_url ?? DEFAULT_BASE_URL[entry.provider]).replace(/\/+$/, ''),
    apiKey,
    headers: entry.headers ?? {},
    systemPrompt: entry.system_prompt,
    timeoutMs: entry.timeout_ms ?? 60_000,
    stallMs: entry.stall_ms ?? 30_000,
    tools: entry.tools ?? '*',
    maxToolSteps: entry.max_tool_steps ?? values.maxToolSteps,
    reasoning: entry.reasoning ?? false,
    greeting: entry.greeting,
    starterPrompts: entry.starter_prompts ?? [],
    names: {
      apiKey: entry.api_key_env ? `${entry.api_key_env} (the api_key_env of ${where})` : `the api_key_env of ${where}`,
      baseUrl: `the base_url of ${where}`,
      model: `the model of ${where}`,
      headers: `the headers of ${where}`,
      timeout: `the timeout_ms of ${where}`,
      stall: `the stall_ms of ${where}`,
      api: API[entry.provider],
      ...WORDS[entry.provider],
    },
  };
}

/**
 * The definitions of the agents requests may use (`AGENTS`, else `AGENT`): built-in ones from
 * their variables, others from `AGENTS_CONFIG`, whose entries take precedence over a built-in
 * of the same name.
 * @throws ConfigError naming what to set
 */
export function readAgentDefinitions(names: string[], values: VariableValues, env: Env): AgentDefinition[] {
  const file = values.agentsConfigPath ? readJsonFile('AGENTS_CONFIG', values.agentsConfigPath, AGENTS_FILE, 'see the README, "Agents and models".').agents : {};
  return names.map((name) => {
    const entry = Object.hasOwn(file, name) ? file[name] : undefined;
    if (entry) return fileAgent(name, entry, values, env);
    if (name === AGENT_NAME.demo) return demoAgent(name, values);
    if (name === AGENT_NAME.openai || name === AGENT_NAME.anthropic || name === AGENT_NAME.google) return envAgent(name, values);
    throw new ConfigError(`AGENT or AGENTS names "${name}", which is neither built in (demo, openai, anthropic, google) nor defined in AGENTS_CONFIG.`);
  });
}
