import { apiEndpoint, fetchJson } from './api-client.js';

/** What the API tells every page about itself (`GET /widget/config`, public). */
export interface WidgetConfig {
  /** The longest message the API accepts, in characters (code points). */
  maxMessageLength?: number;
  /** The agent answering requests whose metadata names none. */
  defaultAgent?: string;
  /** Each agent's own greeting and starter prompts, by name. */
  agents: Record<string, AgentWelcome>;
}

/** What an agent offers an empty conversation. */
export interface AgentWelcome {
  greeting?: string;
  starterPrompts: string[];
}

interface WidgetConfigBody {
  max_message_length?: unknown;
  default_agent?: unknown;
  agents?: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The body's agents, keeping only well-formed values: an older or odd API gives none. */
function agentsOf(value: unknown): Record<string, AgentWelcome> {
  if (!isRecord(value)) return {};
  const agents: Record<string, AgentWelcome> = {};
  for (const [name, agent] of Object.entries(value)) {
    if (!isRecord(agent)) continue;
    const prompts = Array.isArray(agent.starter_prompts) ? agent.starter_prompts.filter((prompt): prompt is string => typeof prompt === 'string') : [];
    agents[name] = { ...(typeof agent.greeting === 'string' ? { greeting: agent.greeting } : {}), starterPrompts: prompts };
  }
  return agents;
}

function configOf(body: WidgetConfigBody): WidgetConfig {
  return {
    ...(typeof body.max_message_length === 'number' ? { maxMessageLength: body.max_message_length } : {}),
    ...(typeof body.default_agent === 'string' ? { defaultAgent: body.default_agent } : {}),
    agents: agentsOf(body.agents),
  };
}

/** One request per API for the page's lifetime: every element on the page shares it. */
const loaded = new Map<string, Promise<WidgetConfig>>();

/** The API's public settings; empty when they cannot be read (an older API, the network down). */
export function loadWidgetConfig(apiUrl: string): Promise<WidgetConfig> {
  let config = loaded.get(apiUrl);
  if (!config) {
    config = fetchJson<WidgetConfigBody>(apiEndpoint(apiUrl, '/widget/config'), {}).then(
      configOf,
      () => {
        // Not known: the API's own 413 still guards the limit. Ask again on the next element.
        loaded.delete(apiUrl);
        return { agents: {} };
      },
    );
    loaded.set(apiUrl, config);
  }
  return config;
}
