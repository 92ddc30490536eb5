import type { Logger } from '../ops/logger.js';
import type { ToolBox } from '../tools/tool-box.js';
import { AGENT_FAILURE, AgentError, type Agent, type AgentFailureReason, type AgentInput, type AgentOutput } from './agent.js';

/** What an {@link Orchestrator} routes between. */
export interface OrchestratorOptions {
  /** The agents requests may use; names must be unique. */
  agents: Agent[];
  /** The name of the agent for requests whose metadata names none; one of `agents`. */
  defaultAgent: string;
  /** A system prompt per agent name, handed to that agent with every input. Defaults to none. */
  systemPrompts?: Partial<Record<string, string>>;
  log: Logger;
  /** Counts one failure of `agent` (a stop or a timeout is not one): the `agent_failures_total` metric. Defaults to counting nothing. */
  countFailure?: (agent: string, reason: AgentFailureReason) => void;
  /** The tools the agent named may call, now. Defaults to none. */
  toolsFor?: (agent: string) => ToolBox | undefined;
}

/**
 * Picks the agent for each message — the default, or the one `metadata.agent` names among those
 * allowed — and hands it its system prompt. Failures of every agent are counted by reason and
 * logged here, once, whichever agent failed.
 */
export class Orchestrator {
  private readonly routed = new Map<string, Agent>();
  private readonly defaultAgent: Agent;
  private readonly log: Logger;
  private readonly countFailure: (agent: string, reason: AgentFailureReason) => void;
  private readonly toolsFor: (agent: string) => ToolBox | undefined;

  constructor({ agents, defaultAgent, systemPrompts = {}, log, countFailure = () => undefined, toolsFor = () => undefined }: OrchestratorOptions) {
    this.log = log;
    this.countFailure = countFailure;
    this.toolsFor = toolsFor;
    for (const agent of agents) {
      if (this.routed.has(agent.name)) throw new Error(`Two agents are named "${agent.name}".`);
      this.routed.set(agent.name, this.route(agent, systemPrompts[agent.name]));
    }
    const fallback = this.routed.get(defaultAgent);
    if (!fallback) throw new Error(`The default agent "${defaultAgent}" is not among ${this.names.join(', ')}.`);
    this.defaultAgent = fallback;
  }

  /** The names requests may put in `metadata.agent`. */
  get names(): string[] {
    return [...this.routed.keys()];
  }

  /**
   * The agent for a request with this `metadata`: the one `metadata.agent` names, or the default
   * when it names none. Undefined when it names an agent that is unknown or not allowed, or is
   * not a string.
   */
  agentFor(metadata: Record<string, unknown>): Agent | undefined {
    const requested = metadata.agent;
    if (requested === undefined || requested === null) return this.defaultAgent;
    return typeof requested === 'string' ? this.routed.get(requested) : undefined;
  }

  private route(agent: Agent, systemPrompt: string | undefined): Agent {
    const reply = (input: AgentInput) => this.counted(agent, { ...input, systemPrompt, tools: this.toolsFor(agent.name) });
    return { name: agent.name, reply };
  }

  /**
   * The agent's pieces, its failure counted on the way through. A plain iterator rather than a
   * generator with `yield*`: that would add a promise and a microtask hop to every piece.
   */
  private counted(agent: Agent, input: AgentInput): AsyncIterable<AgentOutput> {
    const fail = (err: unknown): never => {
      if (!input.signal.aborted) this.record(agent.name, err);
      throw err;
    };
    return {
      [Symbol.asyncIterator]: () => {
        let pieces: AsyncIterator<AgentOutput>;
        try {
          pieces = agent.reply(input)[Symbol.asyncIterator]();
        } catch (err) {
          return fail(err);
        }
        return {
          next: () => pieces.next().catch(fail),
          return: async (value?: unknown) => (pieces.return ? pieces.return(value) : { done: true as const, value: undefined }),
        };
      },
    };
  }

  private record(agent: string, err: unknown): void {
    const reason = err instanceof AgentError ? err.reason : AGENT_FAILURE.other;
    this.countFailure(agent, reason);
    // Anything else is a bug, logged with its stack by the stream job; an AgentError is expected
    // and its message, written for the user, carries no secret.
    if (err instanceof AgentError) this.log.warn({ agent, reason, message: err.message, detail: err.detail }, 'agent failed');
  }
}
