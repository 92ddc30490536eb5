import type { WebSocket } from 'ws';
import type { Services } from '../services.js';
import { STREAM_EVENT, isTerminal, type ErrorData, type StreamEventName } from '../../protocol/index.js';
import { formatEventId } from '../../protocol/index.js';
import type { StoredEvent } from '../stores/event-log.js';
import type { ReadStart } from '../stream/stream-service.js';
import type { WsReadEndMessage } from '../../protocol/index.js';

/** Unsent bytes a reader may leave queued on its socket before it waits: one log batch, about. */
export const MAX_BUFFERED_BYTES = 64 * 1024;

/** What {@link pipeEventsToSocket} needs besides the stream. */
export interface EventPipeOptions {
  /** When the request that opened the read arrived (`performance.now()`), for the ttfb histogram. */
  receivedAt: number;
  /** A socket that accepts nothing for this long is terminated (the client can resume), in ms. */
  stallMs: number;
  /** Aborts when the socket has closed. */
  signal: AbortSignal;
  /** Called as soon as the terminal event is queued, before the log's reader has let go. */
  onTerminal(): void;
}

/**
 * One event as a text message: the stored data is already JSON, so it is spliced in as is and
 * the content is byte-for-byte that of the SSE `data:` field.
 */
export function formatWsEvent(event: StreamEventName, id: string, data: string): string {
  return `{"event":${JSON.stringify(event)},"id":${JSON.stringify(id)},"data":${data}}`;
}

/** Bytes a server-to-client text frame of `payload` takes on the wire (unmasked, uncompressed). */
export function frameBytes(payload: string): number {
  const length = Buffer.byteLength(payload);
  return length + (length < 126 ? 2 : length < 65_536 ? 4 : 10);
}

/**
 * Sends the stream's events after `start.afterSeq` as messages, following it live to its end,
 * at the socket's pace: past {@link MAX_BUFFERED_BYTES} queued it waits for the batch to be
 * written, and terminates a socket stalled for `stallMs`. A read that ends without a terminal
 * event says so with `read_end`. A failure of the log becomes an `error`
 * event repeating the last delivered id, so resuming from it loses nothing — as on SSE.
 */
export async function pipeEventsToSocket(ws: WebSocket, services: Services, start: ReadStart, options: EventPipeOptions): Promise<void> {
  const { record } = start;
  const { metrics } = services;
  const { signal } = options;
  let lastSeq = start.afterSeq;
  let bytes = 0;
  const send = (message: string, written?: (err?: Error) => void) => {
    bytes += frameBytes(message);
    ws.send(message, written);
  };
  metrics.open.inc();
  let terminal = false;
  const sink = (batch: StoredEvent[]): void | Promise<void> => {
    if (signal.aborted) return;
    if (lastSeq === start.afterSeq && !start.resumed) metrics.ttfb.observe((performance.now() - options.receivedAt) / 1000);
    let written: Promise<void> | undefined;
    batch.forEach((event, index) => {
      const message = formatWsEvent(event.event, formatEventId({ streamId: record.streamId, seq: event.seq }), event.data);
      if (index < batch.length - 1) send(message);
      else written = new Promise((resolve) => send(message, () => resolve()));
      metrics.countEvent(event.event);
    });
    lastSeq = batch[batch.length - 1].seq;
    if (isTerminal(batch[batch.length - 1].event)) {
      terminal = true;
      options.onTerminal();
      return;
    }
    if (written && ws.bufferedAmount > MAX_BUFFERED_BYTES) return writtenOrStalled(ws, written, options.stallMs, signal);
  };
  try {
    await services.events.follow(record.streamId, start.afterSeq, sink, signal);
    if (!terminal && !signal.aborted) send(JSON.stringify({ type: 'read_end' } satisfies WsReadEndMessage));
  } catch (err) {
    if (signal.aborted) return;
    services.log.error({ err, streamId: record.streamId }, 'reading the stream failed');
    const error: ErrorData = { error: 'The stream was interrupted; reconnect to resume it.', conversation_id: record.conversationId, status: 'error', retryable: true };
    send(formatWsEvent(STREAM_EVENT.error, formatEventId({ streamId: record.streamId, seq: lastSeq }), JSON.stringify(error)));
    options.onTerminal();
  } finally {
    metrics.open.dec();
    metrics.countWireBytes('ws', bytes);
  }
}

/** Resolves once `written` does or the socket closes; terminates a socket stalled past `stallMs`. */
function writtenOrStalled(ws: WebSocket, written: Promise<void>, stallMs: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(() => {
      ws.terminate();
      done();
    }, stallMs);
    signal.addEventListener('abort', done, { once: true });
    void written.then(done);
  });
}
