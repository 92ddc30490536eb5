import { AGENT_NAME, type Config } from '../config.js';
import type { Logger } from '../ops/logger.js';
import type { Agent } from './agent.js';
import { DemoAgent } from './demo-agent.js';
import { OpenAIAgent } from './openai-agent.js';
import { Orchestrator, type OrchestratorOptions } from './orchestrator.js';

/**
 * The orchestrator for `config`: the agents `AGENTS` allows (just `AGENT` by default) with their
 * system prompts. An `override` agent (a test's, the benchmark's) is the only agent instead.
 */
export function createOrchestrator(config: Config, log: Logger, countFailure: OrchestratorOptions['countFailure'], override?: Agent): Orchestrator {
  if (override) return new Orchestrator({ agents: [override], defaultAgent: override.name, log, countFailure });
  const agents: Agent[] = [];
  if (config.agents.includes(AGENT_NAME.demo)) agents.push(new DemoAgent(config.demoTokenDelayMs));
  if (config.openai) agents.push(new OpenAIAgent(config.openai));
  return new Orchestrator({ agents, defaultAgent: config.agent, systemPrompts: config.systemPrompts, log, countFailure });
}
