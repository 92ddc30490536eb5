import type { WebSocket } from 'ws';
import { formatEventId, isTerminal, type StreamEventName } from '../../../protocol/index.js';
import type { StoredEvent } from '../../stores/event-log.js';
import type { EventWriter } from '../stream-reader.js';

/** Unsent bytes a reader may leave queued on its socket before it waits: one log batch, about. */
export const MAX_BUFFERED_BYTES = 64 * 1024;

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
 * Writes a stream's events as messages on a socket, at its pace: past {@link MAX_BUFFERED_BYTES}
 * queued it waits for the batch to be written, and terminates a socket stalled for `stallMs`.
 * Calls `onTerminal` as soon as the terminal event is queued, before the log's reader has let go,
 * so the session can take the next request.
 */
export class WsEventWriter implements EventWriter {
  /** Bytes put on the wire, for the `ws` wire-bytes counter. */
  bytes = 0;

  constructor(
    private readonly ws: WebSocket,
    private readonly streamId: string,
    private readonly stallMs: number,
    private readonly signal: AbortSignal,
    private readonly onTerminal: () => void,
  ) {}

  write(batch: StoredEvent[]): void | Promise<void> {
    if (this.signal.aborted) return;
    let written: Promise<void> | undefined;
    const lastIndex = batch.length - 1;
    for (let index = 0; index <= lastIndex; index += 1) {
      const event = batch[index];
      const message = formatWsEvent(event.event, formatEventId({ streamId: this.streamId, seq: event.seq }), event.data);
      this.bytes += frameBytes(message);
      if (index < lastIndex) this.ws.send(message);
      else written = new Promise((resolve) => this.ws.send(message, () => resolve()));
    }
    if (isTerminal(batch[lastIndex].event)) {
      this.onTerminal();
      return;
    }
    if (written && this.ws.bufferedAmount > MAX_BUFFERED_BYTES) return this.writtenOrStalled(written);
  }

  /** Sends a control message of the read (such as `read_end`). */
  send(message: string): void {
    this.bytes += frameBytes(message);
    this.ws.send(message);
  }

  /** Resolves once `written` does or the socket closes; terminates a socket stalled past `stallMs`. */
  private writtenOrStalled(written: Promise<void>): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(() => {
        this.ws.terminate();
        done();
      }, this.stallMs);
      this.signal.addEventListener('abort', done, { once: true });
      void written.then(done);
    });
  }
}
