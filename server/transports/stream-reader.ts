import { STREAM_EVENT, isTerminal, type ErrorData } from '../../protocol/index.js';
import type { Services } from '../services.js';
import type { StoredEvent } from '../stores/event-log.js';
import type { ReadStart } from '../chat/stream-service.js';

/**
 * Puts a reader's events on one transport's wire (an SSE response, a WebSocket). The reader
 * follows the log, counts and times; the writer only frames and sends.
 */
export interface EventWriter {
  /**
   * Frames and sends `batch`, the stream's next events in order. A returned promise asks the
   * reader to hand over nothing more until it settles: the wire is full.
   */
  write(batch: StoredEvent[]): void | Promise<void>;
}

/** How a read ended. */
export const READ_END = {
  /** The stream's terminal event was sent. */
  terminal: 'terminal',
  /** The events ran out without a terminal event (the read began at it, or the stream expired). */
  exhausted: 'exhausted',
  /** The client went away. */
  aborted: 'aborted',
  /** The log failed; an `error` event telling the client to resume was sent. */
  failed: 'failed',
} as const;
export type ReadEnd = (typeof READ_END)[keyof typeof READ_END];

/** What {@link readStream} needs besides the stream and the writer. */
export interface ReadOptions {
  /** When the request that opened the read arrived (`performance.now()`), for the ttfb histogram. */
  receivedAt: number;
  /** Aborts when the client has gone. */
  signal: AbortSignal;
}

/** What a reader whose log failed tells its client: resuming from the last event may still complete the reply. */
const INTERRUPTED = 'The stream was interrupted; reconnect to resume it.';

/**
 * Sends the events of `start.record` after `start.afterSeq` through `writer`, following the
 * stream live to its end: the one reader behind both transports. Counts open reads, events and
 * the time to the first event of a new stream. A failure of the log becomes an `error` event
 * with `"retryable": true` repeating the last delivered id, so resuming from it loses nothing.
 */
export async function readStream(services: Services, start: ReadStart, writer: EventWriter, options: ReadOptions): Promise<ReadEnd> {
  const { record } = start;
  const { metrics } = services;
  const { signal } = options;
  let lastSeq = start.afterSeq;
  let terminal = false;
  const sink = (batch: StoredEvent[]): void | Promise<void> => {
    if (signal.aborted) return;
    if (lastSeq === start.afterSeq && !start.resumed) metrics.ttfb.observe((performance.now() - options.receivedAt) / 1000);
    for (const event of batch) metrics.countEvent(event.event);
    const last = batch[batch.length - 1];
    lastSeq = last.seq;
    terminal = isTerminal(last.event);
    return writer.write(batch);
  };
  metrics.open.inc();
  try {
    await services.events.follow(record.streamId, start.afterSeq, sink, signal);
    if (signal.aborted) return READ_END.aborted;
    return terminal ? READ_END.terminal : READ_END.exhausted;
  } catch (err) {
    if (signal.aborted) return READ_END.aborted;
    services.log.error({ err, streamId: record.streamId }, 'reading the stream failed');
    const error: ErrorData = { error: INTERRUPTED, conversation_id: record.conversationId, status: 'error', retryable: true };
    await writer.write([{ seq: lastSeq, event: STREAM_EVENT.error, data: JSON.stringify(error) }]);
    return READ_END.failed;
  } finally {
    metrics.open.dec();
  }
}
