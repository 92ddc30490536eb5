import { PROVIDER, type AgentDefinition, type Config } from '../config.js';
import type { Logger } from '../ops/logger.js';
import type { Agent } from './agent.js';
import { DemoAgent } from './demo-agent.js';
import { ModelAgent } from './model-agent.js';
import { languageModel } from './model-providers.js';
import { Orchestrator, type OrchestratorOptions } from './orchestrator.js';

/** The agent a definition describes. */
function agentFor(definition: AgentDefinition, config: Config): Agent {
  if (definition.provider === PROVIDER.demo) return new DemoAgent(config.demoTokenDelayMs, definition.name);
  return new ModelAgent({
    name: definition.name,
    model: (fetch) => languageModel(definition, fetch),
    baseUrl: definition.baseUrl,
    secrets: [definition.apiKey ?? '', ...Object.values(definition.headers)].filter((secret) => secret.length > 0),
    names: definition.names,
    timeoutMs: definition.timeoutMs,
    stallMs: definition.stallMs,
    maxToolSteps: definition.maxToolSteps,
    reasoning: definition.reasoning,
  });
}

/**
 * The orchestrator for `config`: the agents `AGENTS` allows (just `AGENT` by default), each with
 * its system prompt and its tools. An `override` agent (a test's, the benchmark's) is the only
 * agent instead.
 */
export function createOrchestrator(
  config: Config,
  log: Logger,
  options: Pick<OrchestratorOptions, 'countFailure' | 'toolsFor'>,
  override?: Agent,
): Orchestrator {
  if (override) return new Orchestrator({ agents: [override], defaultAgent: override.name, log, ...options });
  const agents = config.agents.map((definition) => agentFor(definition, config));
  const systemPrompts = Object.fromEntries(config.agents.filter((definition) => definition.systemPrompt).map((definition) => [definition.name, definition.systemPrompt]));
  return new Orchestrator({ agents, defaultAgent: config.agent, systemPrompts, log, ...options });
}
