import type { Socket } from 'node:net';
import type { Request, Response } from 'express';
import type { Services } from '../../services.js';
import type { ReadStart } from '../../chat/stream-service.js';
import { readStream } from '../stream-reader.js';
import { openSseResponse, SseEventWriter } from './sse-event-writer.js';

/** How long a client waits before reconnecting, sent as the stream's opening `retry:`. */
const RETRY_MS = 1000;

/**
 * Answers with the stream's events after `start.afterSeq` as SSE, following it live to its end
 * (see {@link readStream}), then counts the bytes that reached the socket by content encoding.
 */
export async function sendSseStream(services: Services, req: Request, res: Response, start: ReadStart): Promise<void> {
  const closed = new AbortController();
  // Aborting makes a DOMException; only a connection that went away early needs it.
  res.on('close', () => {
    if (!res.writableFinished) closed.abort();
  });
  const socket: Socket | null = res.socket;
  const bytesBefore = socket?.bytesWritten ?? 0;
  const receivedAt = typeof res.locals.startedAt === 'number' ? res.locals.startedAt : performance.now();
  openSseResponse(req, res);
  const { heartbeatMs, readerStallMs } = services.config;
  const writer = new SseEventWriter(res, start.record.streamId, { retryMs: RETRY_MS, heartbeatMs, stallMs: readerStallMs }, closed.signal);
  try {
    await readStream(services, start, writer, { receivedAt, signal: closed.signal });
  } finally {
    writer.close();
  }
  res.end();
  const encoding = String(res.getHeader('content-encoding') ?? 'identity');
  const countBytes = () => services.metrics.countWireBytes(encoding, Math.max(0, (socket?.bytesWritten ?? bytesBefore) - bytesBefore));
  if (res.writableFinished || !socket) countBytes();
  else res.once('finish', countBytes);
}
