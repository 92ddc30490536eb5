import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatEventId } from '../../../protocol/index.js';
import type { StoredEvent } from '../../stores/event-log.js';
import type { EventWriter } from '../stream-reader.js';
import { formatRetry, formatSseEvent, SSE_HEARTBEAT } from './sse-frame.js';

/** Options for {@link SseEventWriter}. */
export interface SseWriterOptions {
  /** The client's reconnection delay, sent as the stream's opening `retry:` field, in ms. */
  retryMs: number;
  /** Silence after which a `:` comment is sent, in ms. */
  heartbeatMs: number;
  /** A reader whose socket accepts nothing for this long is disconnected (it can resume), in ms. */
  stallMs: number;
}

/** Sets the SSE response headers; they go out with the opening `retry:` field (see {@link SseEventWriter}). */
export function openSseResponse(req: IncomingMessage, res: ServerResponse): void {
  res.statusCode = 200;
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  // Not `no-transform`: that would switch compression off.
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('X-Accel-Buffering', 'no');
  if (req.httpVersionMajor === 1) res.setHeader('Connection', 'keep-alive');
}

/**
 * Writes a stream's events to an open SSE response at the socket's pace: once the response needs
 * draining, `write` returns a promise that settles on `drain`, so the reader holds at most a
 * high-water mark of frames whatever the producer's speed; a client that accepts nothing for
 * `stallMs` is disconnected. Sends a heartbeat comment after `heartbeatMs` of silence. Call
 * {@link close} when the read ends.
 */
export class SseEventWriter implements EventWriter {
  private lastWrite = Date.now();
  /**
   * Events appended in one burst reach the writer one batch after the other. Their frames are
   * joined and written once, on the next tick (or at once past the high-water mark): one `write`
   * per burst instead of one per batch, each of which costs an HTTP chunk and a buffer in the
   * socket. The headers and the `retry:` field go out on the next tick too, with the first events
   * if they are already in the log.
   */
  private pending: string;
  private flushQueued = true;
  private readonly flush = () => {
    this.flushQueued = false;
    if (this.pending !== '' && !this.res.writableEnded) this.res.write(this.pending);
    this.pending = '';
  };
  /** One listener for the whole response: `compression` forwards `on('drain')` to its zlib stream but not `off`, so per-wait listeners would pile up there. */
  private wake: (() => void) | undefined;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly res: ServerResponse,
    private readonly streamId: string,
    private readonly options: SseWriterOptions,
    private readonly signal: AbortSignal,
  ) {
    this.pending = formatRetry(options.retryMs);
    process.nextTick(this.flush);
    res.on('drain', () => this.wake?.());
    this.heartbeat = setInterval(() => {
      if (Date.now() - this.lastWrite >= options.heartbeatMs && !res.writableNeedDrain) {
        res.write(SSE_HEARTBEAT);
        this.lastWrite = Date.now();
      }
    }, Math.max(5, Math.min(options.heartbeatMs, 1000)));
  }

  write(batch: StoredEvent[]): void | Promise<void> {
    if (this.signal.aborted) return;
    for (const event of batch) this.pending += formatSseEvent(event.event, event.data, formatEventId({ streamId: this.streamId, seq: event.seq }));
    this.lastWrite = Date.now();
    if (this.pending.length >= this.res.writableHighWaterMark) this.flush();
    else if (!this.flushQueued) {
      this.flushQueued = true;
      process.nextTick(this.flush);
    }
    if (this.res.writableNeedDrain) return this.drained();
  }

  /** Stops the heartbeat and writes what was framed, before the caller ends the response. */
  close(): void {
    clearInterval(this.heartbeat);
    if (!this.signal.aborted) this.flush();
  }

  /** Resolves on `drain`, or when the client has gone, or destroys a socket stalled past `stallMs`. */
  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = undefined;
        this.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(() => {
        this.res.destroy();
        done();
      }, this.options.stallMs);
      this.wake = done;
      this.signal.addEventListener('abort', done, { once: true });
    });
  }
}
