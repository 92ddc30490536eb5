import { fetchEventSource, type EventSourceMessage } from '@microsoft/fetch-event-source';
import { apiEndpoint } from './api-client.js';
import { ApiError, StreamInterruptedError } from './api-errors.js';
import { BufferingDetector } from './buffering-detector.js';

/** The body of a new turn: the fields of `POST /stream/chat` (`message` is absent only when resuming). */
export interface ChatBody {
  message?: string;
  metadata: Record<string, unknown>;
  conversation_id?: string;
  request_id?: string;
}

/** One attempt at reading a reply's stream. */
export interface StreamAttempt {
  /** The element's `api-url`. */
  apiUrl: string;
  token: string;
  /** Resume after this event; the body is then not sent. */
  lastEventId: string | undefined;
  /** A new turn. */
  body: ChatBody;
  signal: AbortSignal;
  /** Applies one event; throwing ends the attempt with that error. */
  onEvent(event: EventSourceMessage): void;
  /** True once the terminal event was applied. */
  isDone(): boolean;
}

/** How replies travel: SSE (`POST /stream/chat`) or the WebSocket (`/ws/chat`). */
export interface StreamTransport {
  /** Reads one attempt: resolves after the terminal event or when aborted, throws otherwise. */
  read(attempt: StreamAttempt): Promise<void>;
  /** Lets go of any connection kept between attempts. */
  close(): void;
}

/** The SSE transport: a request per attempt, nothing kept between them. */
export const SSE_TRANSPORT: StreamTransport = {
  read: readStream,
  close() {
    // Each attempt's request ends with the attempt: there is nothing to close.
  },
};

/**
 * Reads one attempt with fetch-event-source, leaving every retry decision to the caller: its
 * own retry loop (which would retry forever, every second) is switched off by rethrowing from
 * `onerror`. `openWhenHidden` keeps the request open in a background tab; without it every
 * tab switch would close the request and POST the message again. Resolves when the stream
 * ended after its terminal event, or when `signal` aborts; throws otherwise.
 */
export async function readStream(attempt: StreamAttempt): Promise<void> {
  // Lower-case names: fetch-event-source adds its own `accept` unless that exact key is set.
  const headers: Record<string, string> = { authorization: `Bearer ${attempt.token}`, accept: 'text/event-stream' };
  if (attempt.lastEventId) headers['last-event-id'] = attempt.lastEventId;
  else headers['content-type'] = 'application/json';
  const detector = new BufferingDetector(!attempt.lastEventId);
  // A signal per attempt: fetch-event-source never removes its abort listener, so handing it the
  // reply's long-lived signal would add one listener per retry.
  const abort = new AbortController();
  const forward = () => abort.abort();
  attempt.signal.addEventListener('abort', forward);
  if (attempt.signal.aborted) abort.abort();
  try {
    await fetchEventSource(apiEndpoint(attempt.apiUrl, '/stream/chat'), {
      method: 'POST',
      headers,
      body: attempt.lastEventId ? undefined : JSON.stringify(attempt.body),
      signal: abort.signal,
      openWhenHidden: true,
      async onopen(res) {
        if (res.ok && (res.headers.get('content-type') ?? '').startsWith('text/event-stream')) return;
        throw await ApiError.fromResponse(res);
      },
      onmessage(event) {
        detector.see();
        attempt.onEvent(event);
      },
      onclose() {
        if (!attempt.isDone()) throw new StreamInterruptedError('The stream closed before its end event.');
      },
      onerror(err) {
        throw err;
      },
    });
  } finally {
    attempt.signal.removeEventListener('abort', forward);
  }
}
