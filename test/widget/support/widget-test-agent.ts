import { setTimeout as sleep } from 'node:timers/promises';
import type { ReplyStep } from '../../../protocol/index.js';
import { AgentError, type Agent, type AgentInput, type AgentOutput } from '../../../server/agents/agent.js';

/** What a widget test asks of the agent, through the element's `metadata` property. */
export interface AgentScript {
  /** The reply, streamed in word-sized pieces. Defaults to a few sentences about the message. */
  text?: string;
  /** Pause before each piece, in ms. Defaults to 0. */
  delay_ms?: number;
  /** Instead of `text`: this many pieces (`w0 w1 …`, a sentence every 20 words), as fast as possible. */
  pieces?: number;
  /** Fail with this message after the text. */
  fail?: string;
  /** Steps (tool calls and results, reasoning, sources) before the text, `step_delay_ms` apart. */
  steps?: ReplyStep[];
  step_delay_ms?: number;
}

/** Splits text into pieces that keep their leading white space, so joining them gives the text back. */
export function wordPieces(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

/** The reply the agent writes for `message` when the script gives no text. */
export function defaultReply(message: string): string {
  return `You wrote "${message}". This is the widget test agent. It answers in **Markdown**, in a few short sentences.`;
}

/**
 * The agent of the widget tests: the page scripts its reply through `metadata`, standing in for a
 * model whose output is untrusted (XSS payloads included).
 */
export class WidgetTestAgent implements Agent {
  readonly name = 'widget-test';

  async *reply(input: AgentInput): AsyncIterable<AgentOutput> {
    const script = input.metadata as AgentScript;
    const delay = script.delay_ms ?? 0;
    for (const step of script.steps ?? []) {
      if (script.step_delay_ms) await sleep(script.step_delay_ms, undefined, { signal: input.signal });
      input.signal.throwIfAborted();
      yield step;
    }
    const pieces =
      script.pieces !== undefined
        ? Array.from({ length: script.pieces }, (_, i) => `${i === 0 ? '' : ' '}w${i}${i % 20 === 19 ? '.' : ''}`)
        : wordPieces(script.text ?? defaultReply(input.messages.at(-1)?.content ?? ''));
    for (const piece of pieces) {
      if (delay > 0) await sleep(delay, undefined, { signal: input.signal });
      input.signal.throwIfAborted();
      yield piece;
    }
    if (script.fail) throw new AgentError(script.fail);
  }
}
