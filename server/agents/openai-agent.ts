import { setTimeout as sleep } from 'node:timers/promises';
import type { OpenAIConfig } from '../config.js';
import { AgentError, type Agent, type AgentInput } from './agent.js';
import { disconnected, errorDetail, httpFailure, malformed, retryAfterMs, unreachable } from './openai-errors.js';
import { completionContent } from './openai-stream.js';
import { UpstreamWatchdog } from './upstream-watchdog.js';

/** A 429 asking for at most this wait is retried once, after it; a longer one fails at once. */
const MAX_RETRY_WAIT_MS = 5000;

/** Upstream error bodies are read up to this many characters, for the error's detail. */
const MAX_ERROR_BODY_CHARS = 4096;

/**
 * Streams replies from any OpenAI-compatible Chat Completions endpoint (OpenAI, Azure OpenAI,
 * Ollama, vLLM, llama.cpp server, LM Studio): it posts the conversation, with the system prompt
 * first, as `stream: true` and yields each `delta.content`. Every failure becomes an
 * {@link AgentError} that says what to fix, with the API key and header values redacted; stop,
 * the stream timeout and shutdown abort the upstream request, closing its connection.
 */
export class OpenAIAgent implements Agent {
  readonly name = 'openai';
  private readonly url: string;
  /** Values that must never appear in an error message. */
  private readonly secrets: string[];

  constructor(private readonly config: OpenAIConfig) {
    this.url = `${config.baseUrl}/chat/completions`;
    this.secrets = [config.apiKey ?? '', ...Object.values(config.headers)].filter((secret) => secret.length > 0);
  }

  async *reply(input: AgentInput): AsyncIterable<string> {
    const watchdog = new UpstreamWatchdog(input.signal, this.config);
    let answered = false;
    try {
      const body = await this.open(input, watchdog);
      answered = true;
      yield* completionContent(body, watchdog, this.secrets);
    } catch (err) {
      if (err instanceof AgentError) throw err;
      if (watchdog.expired) throw watchdog.expired;
      if (input.signal.aborted) throw err;
      throw answered ? disconnected() : unreachable(err, this.config.baseUrl);
    } finally {
      watchdog.release();
    }
  }

  /** Sends the request — twice when a first 429 asks for a short wait — and returns the event stream. */
  private async open(input: AgentInput, watchdog: UpstreamWatchdog): Promise<ReadableStream<Uint8Array>> {
    const init = { method: 'POST', headers: this.headers(), body: JSON.stringify(this.requestBody(input)), signal: watchdog.signal };
    for (let attempt = 1; ; attempt += 1) {
      watchdog.awaitFirstToken();
      const res = await fetch(this.url, init);
      if (res.ok) {
        const type = res.headers.get('content-type') ?? '';
        if (!type.includes('text/event-stream') || !res.body) {
          await res.body?.cancel();
          throw malformed(type ? `a response of type ${type.split(';')[0]}` : 'a response with no content type');
        }
        return res.body;
      }
      const detail = errorDetail(await readStart(res), this.secrets);
      const wait = retryAfterMs(res.headers);
      if (res.status === 429 && attempt === 1 && wait !== undefined && wait <= MAX_RETRY_WAIT_MS) {
        watchdog.pause();
        await sleep(wait, undefined, { signal: watchdog.signal });
        continue;
      }
      throw httpFailure(res.status, detail, wait);
    }
  }

  private headers(): Record<string, string> {
    const { apiKey, headers } = this.config;
    return { 'Content-Type': 'application/json', Accept: 'text/event-stream', ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}), ...headers };
  }

  /** The request: the model, the system prompt and the conversation, streamed. The user's id is not sent to the provider. */
  private requestBody({ messages, systemPrompt }: AgentInput): object {
    const system = systemPrompt ? [{ role: 'system', content: systemPrompt }] : [];
    return { model: this.config.model, messages: [...system, ...messages.map(({ role, content }) => ({ role, content }))], stream: true };
  }
}

/** The start of an error response's body: enough for its message, without holding a huge one. */
async function readStart(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  while (text.length < MAX_ERROR_BODY_CHARS) {
    const { done, value } = await reader.read();
    if (done) return text + decoder.decode();
    text += decoder.decode(value, { stream: true });
  }
  await reader.cancel();
  return text.slice(0, MAX_ERROR_BODY_CHARS);
}
