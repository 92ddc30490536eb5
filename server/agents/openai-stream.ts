import { createParser } from 'eventsource-parser';
import { AGENT_FAILURE, AgentError } from './agent.js';
import { disconnected, errorDetail, malformed } from './openai-errors.js';
import type { UpstreamWatchdog } from './upstream-watchdog.js';

/** No event of a Chat Completions stream comes near this; more is a broken or hostile upstream. */
const MAX_EVENT_CHARS = 1024 * 1024;

/** What one `data:` event of a Chat Completions stream says. */
type CompletionEvent = { done: true } | { done: false; content: string; finishReason: string | undefined };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads one event's data: `[DONE]`, or a `chat.completion.chunk` whose first choice carries a
 * `delta.content` and, last, a `finish_reason`. Chunks without choices (usage, Azure's prompt
 * filter results) say nothing; an `error` object is the provider failing mid-reply.
 */
export function parseCompletionEvent(data: string, secrets: readonly string[]): CompletionEvent {
  if (data.trim() === '[DONE]') return { done: true };
  let chunk: unknown;
  try {
    chunk = JSON.parse(data);
  } catch {
    throw malformed('an event whose data is not JSON');
  }
  if (!isRecord(chunk)) throw malformed('an event whose data is not a JSON object');
  if (chunk.error !== undefined && chunk.error !== null) {
    throw new AgentError('The model provider failed mid-reply; try again.', AGENT_FAILURE.upstream, errorDetail(data, secrets));
  }
  const { choices } = chunk;
  if (choices === undefined || (Array.isArray(choices) && choices.length === 0)) return { done: false, content: '', finishReason: undefined };
  const choice: unknown = Array.isArray(choices) ? choices[0] : undefined;
  if (!isRecord(choice)) throw malformed('an event whose "choices" is not a list of objects');
  const content = isRecord(choice.delta) ? choice.delta.content : undefined;
  const finish = choice.finish_reason;
  if ((content != null && typeof content !== 'string') || (finish != null && typeof finish !== 'string')) {
    throw malformed('an event whose "delta.content" or "finish_reason" is not a string');
  }
  return { done: false, content: content ?? '', finishReason: finish ?? undefined };
}

function finishFailure(reason: string): AgentError | undefined {
  if (reason === 'length') {
    return new AgentError('The reply was cut: the model reached its output token limit (finish_reason "length"). Ask for a shorter answer, or raise the limit on the model server.', AGENT_FAILURE.truncated);
  }
  if (reason === 'content_filter') return new AgentError("The model provider's content filter stopped the reply.", AGENT_FAILURE.filtered);
  return undefined;
}

/**
 * Yields the `delta.content` of a Chat Completions event stream as it arrives. Bytes are decoded
 * with a streaming decoder, so a character split across reads is held until it is whole; events
 * are parsed with `eventsource-parser`, the WHATWG algorithm. Ends at `[DONE]` (or at the end of
 * the body after a `finish_reason`); a cut reply yields its text, then throws.
 */
export async function* completionContent(body: ReadableStream<Uint8Array>, watchdog: UpstreamWatchdog, secrets: readonly string[]): AsyncIterable<string> {
  const pending: string[] = [];
  let tooLarge = false;
  const parser = createParser({
    onEvent: (event) => pending.push(event.data),
    // Other parse errors (unknown fields, a bad retry) are ignored, as the SSE spec says.
    onError: (err) => (tooLarge ||= err.type === 'max-buffer-size-exceeded'),
    maxBufferSize: MAX_EVENT_CHARS,
  });
  const decoder = new TextDecoder();
  const reader = body.getReader();
  let events = 0;
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      watchdog.activity();
      parser.feed(decoder.decode(value, { stream: true }));
      if (tooLarge) throw malformed(`an event over ${MAX_EVENT_CHARS} characters`);
      for (const data of pending.splice(0)) {
        events += 1;
        const event = parseCompletionEvent(data, secrets);
        if (event.done) return;
        if (event.content !== '') {
          watchdog.firstToken();
          yield event.content;
        }
        if (event.finishReason !== undefined) {
          finished = true;
          const failure = finishFailure(event.finishReason);
          if (failure) throw failure;
        }
      }
    }
  } finally {
    reader.releaseLock();
  }
  if (events === 0) throw malformed('no events');
  if (!finished) throw disconnected();
}
