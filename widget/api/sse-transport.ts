import { fetchEventSource } from '@microsoft/fetch-event-source';
import { apiEndpoint } from './api-client.js';
import { ApiError, StreamInterruptedError } from './api-errors.js';
import { BufferingDetector } from './buffering-detector.js';
import type { StreamAttempt, StreamTransport } from './stream-transport.js';

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
