import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatRetry, SSE_HEARTBEAT } from './sse-frame.js';

/** Options for {@link pipeEventsToResponse}. */
export interface SseResponseOptions {
  /** The client's reconnection delay, sent as the stream's opening `retry:` field, in ms. */
  retryMs: number;
  /** Silence after which a `:` comment is sent, in ms. */
  heartbeatMs: number;
  /** A reader whose socket accepts nothing for this long is disconnected (it can resume), in ms. */
  stallMs: number;
}


/** Sets the SSE response headers; they go out with the opening `retry:` field (see {@link pipeEventsToResponse}). */
export function openSseResponse(req: IncomingMessage, res: ServerResponse): void {
  res.statusCode = 200;
  res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
  // Not `no-transform`: that would switch compression off.
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('X-Accel-Buffering', 'no');
  if (req.httpVersionMajor === 1) res.setHeader('Connection', 'keep-alive');
}

/**
 * Writes the batches of events `follow` hands its sink to an open SSE response, at the socket's
 * pace, each batch framed by `frame`: once the response needs draining the sink asks `follow` to
 * wait for `drain`, so the reader holds at most a high-water mark of frames whatever the
 * producer's speed. Sends a heartbeat comment after `heartbeatMs` of silence. Returns when
 * `follow` does (the events ran out, or the client went away); a client that accepts nothing for
 * `stallMs` is disconnected.
 */
export async function pipeEventsToResponse<Batch>(
  res: ServerResponse,
  follow: (sink: (batch: Batch) => void | Promise<void>) => Promise<void>,
  frame: (batch: Batch) => string,
  options: SseResponseOptions,
  signal: AbortSignal,
): Promise<void> {
  let lastWrite = Date.now();
  // One listener for the whole response: `compression` forwards `on('drain')` to its zlib
  // stream but not `off`, so per-wait listeners would pile up there.
  const drain: { wake?: () => void } = {};
  res.on('drain', () => drain.wake?.());
  const heartbeat = setInterval(() => {
    if (Date.now() - lastWrite >= options.heartbeatMs && !res.writableNeedDrain) {
      res.write(SSE_HEARTBEAT);
      lastWrite = Date.now();
    }
  }, Math.max(5, Math.min(options.heartbeatMs, 1000)));
  // Events appended in one burst reach the sink one after the other. Their frames are joined and
  // written once, on the next tick (or at once past the high-water mark): one `write` per burst
  // instead of one per batch, each of which costs an HTTP chunk and a buffer in the socket. The
  // headers and the `retry:` field go out on the next tick too, with the first events if they
  // are already in the log.
  let pending = formatRetry(options.retryMs);
  const flush = () => {
    flushQueued = false;
    if (pending !== '' && !res.writableEnded) res.write(pending);
    pending = '';
  };
  let flushQueued = true;
  process.nextTick(flush);
  const sink = (batch: Batch): void | Promise<void> => {
    if (signal.aborted) return;
    pending += frame(batch);
    lastWrite = Date.now();
    if (pending.length >= res.writableHighWaterMark) flush();
    else if (!flushQueued) {
      flushQueued = true;
      process.nextTick(flush);
    }
    if (res.writableNeedDrain) return drained(res, drain, options.stallMs, signal);
  };
  try {
    await follow(sink);
  } finally {
    clearInterval(heartbeat);
    // What was framed is written before the caller ends the response or writes an error after it.
    if (!signal.aborted) flush();
  }
}

/** Resolves on `drain`, or when the client has gone, or destroys a socket stalled past `stallMs`. */
function drained(res: ServerResponse, drain: { wake?: () => void }, stallMs: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      drain.wake = undefined;
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(() => {
      res.destroy();
      done();
    }, stallMs);
    drain.wake = done;
    signal.addEventListener('abort', done, { once: true });
  });
}
