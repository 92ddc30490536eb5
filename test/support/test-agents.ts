import { setTimeout as sleep } from 'node:timers/promises';
import type { Agent, AgentInput } from '../../server/agents/agent.js';

/**
 * An agent driven by the request: it streams `metadata.pieces` (strings; `metadata.repeat` times
 * over), `metadata.delay_ms` apart, and throws `metadata.fail` as an error after them when given. Without pieces it echoes
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
    const { pieces, repeat = 1, delay_ms: delayMs, fail } = input.metadata as { pieces?: string[]; repeat?: number; delay_ms?: number; fail?: string };
    const script = Array.from({ length: repeat }, () => pieces ?? [input.messages.at(-1)?.content ?? '']).flat();
    for (const piece of script) {
      if (delayMs) await sleep(delayMs, undefined, { signal: input.signal });
      input.signal.throwIfAborted();
      this.produced += 1;
      yield piece;
    }
    if (fail) throw new Error(fail);
  }
}

/**
 * Echoes the message, except with `metadata.hold`: then it says "held ", waits for
 * {@link GatedAgent.release}, and says "released" — a reply that stays live as long as a test needs.
 */
export class GatedAgent implements Agent {
  readonly name = 'gated';
  private open!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));

  /** Lets every held reply, now and later, go on to its end. */
  release(): void {
    this.open();
  }

  async *reply(input: AgentInput): AsyncIterable<string> {
    if (!input.metadata.hold) {
      yield input.messages.at(-1)?.content ?? '';
      return;
    }
    yield 'held ';
    await new Promise<void>((resolve, reject) => {
      void this.gate.then(resolve);
      input.signal.addEventListener('abort', () => reject(input.signal.reason), { once: true });
    });
    yield 'released';
  }
}
