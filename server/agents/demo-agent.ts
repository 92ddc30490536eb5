import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Agent, AgentInput } from './agent.js';

const OPENINGS = [
  'Thanks for your message!',
  'Good question.',
  'Here is what I can tell you.',
  'Happy to help with that.',
];

const TIPS = [
  'Replies stream word by word over Server-Sent Events.',
  'A dropped connection resumes with `Last-Event-ID`, losing nothing.',
  'The widget renders **Markdown** safely, in a shadow root.',
  'Every colour comes from a `--ngx-chat-*` custom property.',
  'Several API instances share streams through Redis.',
  'Stop a reply at any time; the partial text stays.',
];

/**
 * Writes the demo agent's reply: a deterministic function of the message, in Markdown with a
 * list and a code block, a few hundred characters long.
 */
export function demoReply(message: string): string {
  const digest = createHash('sha256').update(message).digest();
  const pick = <T>(items: T[], byte: number): T => items[digest[byte] % items.length];
  const tips = [0, 1, 2].map((offset) => TIPS[(digest[1] + offset) % TIPS.length]);
  const quoted = message.length > 80 ? `${message.slice(0, 77)}...` : message;
  return [
    `${pick(OPENINGS, 0)} You wrote ${quoted.length} characters, and I am the *demo agent*: I need no network and always answer the same message the same way.`,
    '',
    ...tips.map((tip) => `- ${tip}`),
    '',
    '```js',
    `const reply = await chat.send(${JSON.stringify(quoted)});`,
    '```',
    '',
    `Set \`AGENT=openai\` to talk to a real model.`,
  ].join('\n');
}

/** Splits text into word-sized pieces that keep their whitespace, so joining them gives the text back. */
export function wordPieces(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

/** The built-in agent: streams {@link demoReply} in word-sized pieces `delayMs` apart. */
export class DemoAgent implements Agent {
  /**
   * @param delayMs Pause between pieces, in ms (`DEMO_TOKEN_DELAY_MS`).
   * @param name The name requests use for it. Defaults to `demo`.
   */
  constructor(
    private readonly delayMs: number,
    readonly name = 'demo',
  ) {}

  async *reply({ messages, signal }: AgentInput): AsyncIterable<string> {
    const question = messages.at(-1)?.content ?? '';
    for (const piece of wordPieces(demoReply(question))) {
      if (this.delayMs > 0) await sleep(this.delayMs, undefined, { signal });
      signal.throwIfAborted();
      yield piece;
    }
  }
}
