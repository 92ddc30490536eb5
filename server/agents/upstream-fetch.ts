import { setTimeout as sleep } from 'node:timers/promises';
import { disconnected, errorDetail, httpFailure, malformed, retryAfterMs, unreachable, type SettingNames } from './model-errors.js';
import type { UpstreamWatchdog } from './upstream-watchdog.js';

/** A 429 asking for at most this wait is retried once, after it; a longer one fails at once. */
const MAX_RETRY_WAIT_MS = 5000;

/** Upstream error bodies are read up to this many characters, for the error's detail. */
const MAX_ERROR_BODY_CHARS = 4096;

/** What {@link upstreamFetch} reports failures with. */
export interface UpstreamContext {
  watchdog: UpstreamWatchdog;
  /** The provider's root, for "could not reach …". */
  baseUrl: string;
  names: SettingNames;
  /** Values that must never appear in an error message (the key, header values). */
  secrets: readonly string[];
}

/**
 * The `fetch` a model provider of the AI SDK sends its requests with. It keeps this API's
 * contract with site owners whatever the provider: every request lives under the watchdog (stop,
 * the stream timeout and shutdown close it; silence before the first token or mid-reply ends it),
 * a 429 asking for a short wait is retried once, and every failure becomes an {@link AgentError}
 * that says what to set — thrown from here, the AI SDK passes it on as it is.
 */
export function upstreamFetch(context: UpstreamContext): typeof fetch {
  const { watchdog, names, secrets } = context;
  return async (input, init) => {
    const signal = init?.signal ? AbortSignal.any([init.signal, watchdog.signal]) : watchdog.signal;
    for (let attempt = 1; ; attempt += 1) {
      watchdog.awaitFirstToken();
      let res: Response;
      try {
        res = await fetch(input, { ...init, headers: streamHeaders(init?.headers), signal });
      } catch (err) {
        if (watchdog.expired) throw watchdog.expired;
        if (signal.aborted) throw err;
        throw unreachable(err, context.baseUrl, names);
      }
      if (res.ok) return watched(res, context);
      const detail = errorDetail(await readStart(res), secrets);
      const wait = retryAfterMs(res.headers);
      if (res.status === 429 && attempt === 1 && wait !== undefined && wait <= MAX_RETRY_WAIT_MS) {
        watchdog.pause();
        await sleep(wait, undefined, { signal });
        continue;
      }
      throw httpFailure(res.status, detail, wait, names);
    }
  };
}

/**
 * A successful answer, its body read under the watchdog: each read is activity (a stall resets
 * on it), and the clock pauses once the body ends — a tool may run before the next request.
 */
async function watched(res: Response, { watchdog, names }: UpstreamContext): Promise<Response> {
  const type = res.headers.get('content-type') ?? '';
  if (!type.includes('text/event-stream') || !res.body) {
    await res.body?.cancel();
    throw malformed(type ? `a response of type ${type.split(';')[0]}` : 'a response with no content type', names);
  }
  const reader = res.body.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      let read: Awaited<ReturnType<typeof reader.read>>;
      try {
        read = await reader.read();
      } catch (err) {
        // A body cut by the network, not by us: say so, rather than the runtime's "terminated".
        throw watchdog.expired ?? (watchdog.signal.aborted ? err : disconnected());
      }
      if (read.done) {
        watchdog.pause();
        controller.close();
        return;
      }
      watchdog.activity();
      controller.enqueue(read.value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
}

/** Every request of an agent asks for a stream; saying so keeps proxies from buffering or refusing it. */
function streamHeaders(headers: RequestInit['headers']): Headers {
  const all = new Headers(headers);
  all.set('accept', 'text/event-stream');
  return all;
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
