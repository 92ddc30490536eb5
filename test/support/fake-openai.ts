import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** The API key tests configure; it must never reach a client or a log. */
export const FAKE_API_KEY = 'sk-test-4f9c2e7a1b';

/** One request the fake received, and what became of its connection. */
export interface FakeRequest {
  headers: IncomingHttpHeaders;
  /** The parsed JSON body. */
  body: { model?: string; stream?: boolean; messages?: { role: string; content: unknown; tool_call_id?: string }[]; tools?: { function?: { name: string }; name?: string }[] };
  /** `performance.now()` when the request arrived. */
  receivedAt: number;
  /** Resolves with `performance.now()` when the request's TCP connection closes. */
  socketClosed: Promise<number>;
  /** Each piece of content sent, with `performance.now()` when it was written. */
  sent: { content: string; at: number }[];
}

/** What a behaviour works with: the exchange, and a signal that fires when the client goes away. */
export interface FakeExchange {
  req: IncomingMessage;
  res: ServerResponse;
  request: FakeRequest;
  /** 1 for the first request since the behaviour was set, 2 for the next… */
  attempt: number;
  gone: AbortSignal;
}

/** How the fake answers a request. */
export type Behaviour = (exchange: FakeExchange) => Promise<void>;

/** One `data:` event of a Chat Completions stream, as OpenAI writes it. */
export function completionEvent(content: string | null, finishReason: string | null = null): string {
  const delta = content === null ? {} : { content };
  const chunk = { id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 0, model: 'test-model', choices: [{ index: 0, delta, finish_reason: finishReason }] };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

function openStream(res: ServerResponse): void {
  res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache' });
  // Every write leaves as its own TCP segment, so a split written here is a split on the wire.
  res.socket?.setNoDelay(true);
  res.flushHeaders();
}

/** Sleeps, returning false instead of throwing when the client has gone. */
async function pause(ms: number, gone: AbortSignal): Promise<boolean> {
  if (ms <= 0) return !gone.aborted;
  try {
    await sleep(ms, undefined, { signal: gone });
    return true;
  } catch {
    return false; // the client went away: the behaviour just stops writing
  }
}

/** The text of the newest tool result in a Chat Completions request: what the model was told a tool answered. */
export function lastToolResult(request: FakeRequest): string | undefined {
  const message = request.body.messages?.findLast((each) => each.role === 'tool');
  return typeof message?.content === 'string' ? message.content : undefined;
}

/** A tool the scripted model calls, and how it answers once it has the result. */
export interface ScriptedToolCall {
  name: string;
  arguments: Record<string, unknown>;
  /** The answer's tokens, made from the tool's result. */
  answer: (result: string) => string[];
}

/** Usage as Chat Completions reports it, in a last chunk with no choices. */
function usageEvent(input: number, output: number): string {
  return `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', choices: [], usage: { prompt_tokens: input, completion_tokens: output, total_tokens: input + output } })}\n\n`;
}

/** Behaviours for {@link FakeOpenAI.use}. */
export const behave = {
  /** Streams `tokens` as deltas, `delayMs` apart, then `finish_reason` and `[DONE]`. */
  reply(
    tokens: string[],
    { delayMs = 0, finishReason = 'stop', done = true, usage }: { delayMs?: number; finishReason?: string | null; done?: boolean; usage?: { input: number; output: number } } = {},
  ): Behaviour {
    return async ({ res, request, gone }) => {
      openStream(res);
      res.write(`data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] })}\n\n`);
      for (const token of tokens) {
        if (!(await pause(delayMs, gone))) return;
        request.sent.push({ content: token, at: performance.now() });
        res.write(completionEvent(token));
      }
      if (finishReason !== null) res.write(completionEvent(null, finishReason));
      if (usage) res.write(usageEvent(usage.input, usage.output));
      if (done) res.write('data: [DONE]\n\n');
      res.end();
    };
  },

  /**
   * A model that calls a tool, then answers with its result: a request with no tool result gets
   * the call as `tool_calls` deltas (the arguments split across them), `finish_reason
   * "tool_calls"` and the usage; one with a result gets `call.answer(result)`. With `holdMs`, the
   * call's arguments stop half-way that long (a cut in the middle of a tool call).
   */
  toolCall(call: ScriptedToolCall, { holdMs = 0 }: { holdMs?: number } = {}): Behaviour {
    return async (exchange) => {
      const result = lastToolResult(exchange.request);
      if (result !== undefined) return behave.reply(call.answer(result), { usage: { input: 40, output: 12 } })(exchange);
      const { res, gone } = exchange;
      openStream(res);
      const delta = (toolCall: Record<string, unknown>) =>
        `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { tool_calls: [{ index: 0, ...toolCall }] }, finish_reason: null }] })}\n\n`;
      const json = JSON.stringify(call.arguments);
      const half = Math.ceil(json.length / 2);
      res.write(delta({ id: 'call_fake_1', type: 'function', function: { name: call.name, arguments: '' } }));
      res.write(delta({ function: { arguments: json.slice(0, half) } }));
      if (!(await pause(holdMs, gone))) return;
      res.write(delta({ function: { arguments: json.slice(half) } }));
      res.end(`${completionEvent(null, 'tool_calls')}${usageEvent(30, 9)}data: [DONE]\n\n`);
    };
  },

  /** Streams `count` tokens (`token(i)`) at one per `everyMs`, catching up after a late timer. */
  paced(count: number, everyMs: number, token: (index: number) => string): Behaviour {
    return async ({ res, request, gone }) => {
      openStream(res);
      const started = performance.now();
      let index = 0;
      while (index < count) {
        if (!(await pause(1, gone))) return;
        let batch = '';
        const due = Math.min(count, Math.floor((performance.now() - started) / everyMs) + 1);
        for (; index < due; index += 1) {
          request.sent.push({ content: token(index), at: performance.now() });
          batch += completionEvent(token(index));
        }
        if (batch) res.write(batch);
      }
      res.end(`${completionEvent(null, 'stop')}data: [DONE]\n\n`);
    };
  },

  /** Writes raw bytes as separate TCP writes, `delayMs` apart, then ends (or hangs, with `end: false`). */
  raw(writes: (string | Uint8Array)[], { delayMs = 0, end = true, contentType = 'text/event-stream' }: { delayMs?: number; end?: boolean; contentType?: string } = {}): Behaviour {
    return async ({ res, gone }) => {
      res.writeHead(200, { 'Content-Type': contentType });
      res.socket?.setNoDelay(true);
      res.flushHeaders();
      for (const [index, write] of writes.entries()) {
        if (index > 0 && !(await pause(delayMs, gone))) return;
        res.write(write);
      }
      if (end) res.end();
    };
  },

  /** Answers with an HTTP error. */
  status(status: number, body: unknown, headers: Record<string, string> = {}): Behaviour {
    return async ({ res }) => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
  },

  /** The first request gets `first`, every later one `then`. */
  sequence(first: Behaviour, then: Behaviour): Behaviour {
    return (exchange) => (exchange.attempt === 1 ? first(exchange) : then(exchange));
  },

  /** Destroys the connection without answering. */
  hangUp(): Behaviour {
    return async ({ req }) => {
      req.socket.destroy();
    };
  },
};

/**
 * A local model server: a real HTTP server on a free port that answers `POST
 * /v1/chat/completions` (OpenAI-compatible) and `POST /v1/messages` (Anthropic, see
 * fake-anthropic.ts) with the scripted {@link Behaviour}, and records every request and when its
 * connection closed.
 */
export class FakeOpenAI {
  /** Every request, oldest first. */
  readonly requests: FakeRequest[] = [];
  private behaviour: Behaviour = behave.reply(['Hello', ' there']);
  private attempts = 0;

  private constructor(
    private readonly server: Server,
    /** The API root to put in `OPENAI_BASE_URL`. */
    readonly url: string,
  ) {}

  /** Starts a fake on a free loopback port. */
  static async start(): Promise<FakeOpenAI> {
    let fake: FakeOpenAI | undefined;
    const server = createServer((req, res) => {
      if (fake) void fake.handle(req, res);
    });
    server.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    fake = new FakeOpenAI(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`);
    return fake;
  }

  /** Answers the next requests with `behaviour`, counting attempts afresh. */
  use(behaviour: Behaviour): void {
    this.behaviour = behaviour;
    this.attempts = 0;
  }

  /**
   * The environment that points the API's `openai` agent at this fake, with the chunk buffer at
   * its documented default (whatever the test API's own default), plus `extra`.
   */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return { AGENT: 'openai', OPENAI_BASE_URL: this.url, OPENAI_API_KEY: FAKE_API_KEY, OPENAI_MODEL: 'test-model', CHUNK_FLUSH_MS: '25', ...extra };
  }

  /** The environment that points the API's `anthropic` agent at this fake, plus `extra`. */
  anthropicEnv(extra: Record<string, string> = {}): Record<string, string> {
    return { AGENT: 'anthropic', ANTHROPIC_BASE_URL: this.url, ANTHROPIC_API_KEY: FAKE_API_KEY, ANTHROPIC_MODEL: 'test-claude', CHUNK_FLUSH_MS: '25', ...extra };
  }

  /** The newest request. */
  get last(): FakeRequest {
    const request = this.requests.at(-1);
    if (!request) throw new Error('the fake received no request');
    return request;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const receivedAt = performance.now();
    const socketClosed = new Promise<number>((resolve) => req.socket.once('close', () => resolve(performance.now())));
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk);
    const request: FakeRequest = { headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'), receivedAt, socketClosed, sent: [] };
    this.requests.push(request);
    if (req.method !== 'POST' || (req.url !== '/v1/chat/completions' && req.url !== '/v1/messages')) {
      res.writeHead(404, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${req.method} ${req.url}` } }));
      return;
    }
    const gone = new AbortController();
    res.once('close', () => gone.abort());
    this.attempts += 1;
    await this.behaviour({ req, res, request, attempt: this.attempts, gone: gone.signal });
  }
}
