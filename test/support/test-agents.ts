import { setTimeout as sleep } from 'node:timers/promises';
import type { Agent, AgentInput } from '../../server/agents/agent.js';

/**
 * An agent driven by the request: it streams `metadata.pieces` (strings), `metadata.delay_ms`
 * apart, and throws `metadata.fail` as an error after them when given. Without pieces it echoes
 * the message in one piece.
 */
export class ScriptedAgent implements Agent {
  readonly name = 'scripted';
  /** Every input this agent was given, newest last. */
  readonly inputs: AgentInput[] = [];
  /** How many pieces this agent has produced, over all replies. */
  produced = 0;

  async *reply(input: AgentInput): AsyncIterable<string> {
    this.inputs.push(input);
    const { pieces, delay_ms: delayMs, fail } = input.metadata as { pieces?: string[]; delay_ms?: number; fail?: string };
    for (const piece of pieces ?? [input.messages.at(-1)?.content ?? '']) {
      if (delayMs) await sleep(delayMs, undefined, { signal: input.signal });
      input.signal.throwIfAborted();
      this.produced += 1;
      yield piece;
    }
    if (fail) throw new Error(fail);
  }
}
