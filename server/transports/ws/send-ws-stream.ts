import type { WebSocket } from 'ws';
import { WS_SERVER_TYPE, type WsReadEndMessage } from '../../../protocol/index.js';
import type { Services } from '../../services.js';
import type { ReadStart } from '../../chat/stream-service.js';
import { READ_END, readStream } from '../stream-reader.js';
import { WsEventWriter } from './ws-event-writer.js';

/** What {@link sendWsStream} needs besides the stream. */
export interface WsReadOptions {
  /** When the request that opened the read arrived (`performance.now()`), for the ttfb histogram. */
  receivedAt: number;
  /** Aborts when the socket has closed. */
  signal: AbortSignal;
  /** Called as soon as the terminal event is queued. */
  onTerminal(): void;
}

/**
 * Sends the stream's events after `start.afterSeq` as messages on `ws`, following it live to its
 * end (see {@link readStream}). A read that ends without a terminal event says so with
 * `read_end`, as an SSE response that ends without `end` or `error` does by closing.
 */
export async function sendWsStream(services: Services, ws: WebSocket, start: ReadStart, options: WsReadOptions): Promise<void> {
  const { signal } = options;
  const writer = new WsEventWriter(ws, start.record.streamId, services.config.readerStallMs, signal, options.onTerminal);
  try {
    const end = await readStream(services, start, writer, { receivedAt: options.receivedAt, signal });
    if (end === READ_END.exhausted) writer.send(JSON.stringify({ type: WS_SERVER_TYPE.readEnd } satisfies WsReadEndMessage));
  } finally {
    services.metrics.countWireBytes('ws', writer.bytes);
  }
}
