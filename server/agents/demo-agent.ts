import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { CHUNK_TYPE } from '../../protocol/index.js';
import type { ToolOutcome } from '../tools/tool-box.js';
import type { Agent, AgentInput, AgentOutput } from './agent.js';

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

const MATH = /\b(math|formulas?|equations?|latex)\b/i;

/** The demo agent's answer to a message about math: formulas inline and as a block, and code, as replies with math have. */
export function mathReply(): string {
  return [
    'Formulas are written in TeX and shown as MathML: Euler\'s identity $e^{i\\pi} + 1 = 0$, and the roots of $ax^2 + bx + c = 0$:',
    '',
    '$$x = \\frac{-b \\pm \\sqrt{b^2 - 4ac}}{2a}$$',
    '',
    '```python',
    'import math',
    'def roots(a, b, c):',
    '    d = math.sqrt(b * b - 4 * a * c)',
    '    return (-b + d) / (2 * a), (-b - d) / (2 * a)',
    '```',
  ].join('\n');
}

/** Splits text into word-sized pieces that keep their whitespace, so joining them gives the text back. */
export function wordPieces(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

/** A tool call the demo agent makes for a message about the demo shop. */
export interface ShopCall {
  name: 'search_products' | 'get_order_status';
  arguments: Record<string, string>;
}

const ORDER = /\border\b[^0-9]{0,20}?#?((?:KC-)?\d{3,10})\b/i;
const PRODUCTS = /\b(products?|catalog(ue)?|kettles?|grinders?|scales?|filters?|drippers?|beans|frothers?|in stock|prices?|sell)\b/i;

/**
 * The demo shop's tool a message calls for, if any: `get_order_status` when it names an order
 * number ("where is order KC-20418?"), `search_products` when it asks about products ("do you
 * sell grinders?"), with the message as the query.
 */
export function shopCall(message: string): ShopCall | undefined {
  const order = ORDER.exec(message);
  if (order) return { name: 'get_order_status', arguments: { order_id: order[1] } };
  if (PRODUCTS.test(message)) return { name: 'search_products', arguments: { query: message.trim().replace(/[?!.]+$/, '').slice(0, 200) } };
  return undefined;
}

/** The demo agent's answer once its tool has answered: the result, framed. */
export function shopReply(call: ShopCall, outcome: ToolOutcome): string {
  if (outcome.status === 'error') return `I asked the shop, and it said: ${outcome.content}`;
  if (call.name === 'get_order_status') return `${outcome.content}\n\nAsk me about another order, or about our products.`;
  return `Here is what the catalogue has for "${call.arguments.query}":\n\n${outcome.content}\n\nAsk me about an order too, e.g. *where is order KC-20418?*`;
}

/**
 * The built-in agent: streams {@link demoReply} in word-sized pieces `delayMs` apart. When a
 * message asks about the demo shop's products or an order and it has the shop's tools (the demo
 * catalogue's MCP server, which `npm start` configures), it calls the tool first — a `tool_call`
 * and a `tool_result` step — and answers from the result. Still deterministic: the same message
 * gets the same steps and the same reply.
 */
export class DemoAgent implements Agent {
  /**
   * @param delayMs Pause between pieces, in ms (`DEMO_TOKEN_DELAY_MS`).
   * @param name The name requests use for it. Defaults to `demo`.
   */
  constructor(
    private readonly delayMs: number,
    readonly name = 'demo',
  ) {}

  async *reply({ messages, signal, tools }: AgentInput): AsyncIterable<AgentOutput> {
    const question = messages.at(-1)?.content ?? '';
    const call = shopCall(question);
    const tool = call && tools?.get(call.name);
    let text = MATH.test(question) ? mathReply() : demoReply(question);
    if (call && tool) {
      const id = `call_${createHash('sha256').update(question).digest('hex').slice(0, 12)}`;
      yield { type: CHUNK_TYPE.toolCall, tool_call_id: id, name: tool.name, ...(tool.title ? { title: tool.title } : {}), arguments: call.arguments };
      const outcome = await tool.call(call.arguments, signal);
      signal.throwIfAborted();
      yield { type: CHUNK_TYPE.toolResult, tool_call_id: id, name: tool.name, ...outcome };
      text = shopReply(call, outcome);
    }
    for (const piece of wordPieces(text)) {
      if (this.delayMs > 0) await sleep(this.delayMs, undefined, { signal });
      signal.throwIfAborted();
      yield piece;
    }
  }
}
