import type { EventSourceMessage } from '@microsoft/fetch-event-source';
import { CHUNK_TYPE, STREAM_EVENT, type ChunkData, type EndData, type ErrorData, type ReplyStep, type StartData } from '../../protocol/index.js';
import { StreamInterruptedError } from '../api/api-errors.js';
import { MESSAGE_STATUS, type ChatMessage, type MessageStatus } from './chat-state.js';
import { SentenceAnnouncer } from './sentence-announcer.js';
import type { SavedReply } from '../api/session-store.js';

/** What applying an event did, for the controller to react to. */
export type Applied =
  | { kind: 'start'; data: StartData }
  | { kind: 'chunk' }
  | { kind: 'step'; step: ReplyStep }
  | { kind: 'end'; data: EndData }
  | { kind: 'error'; data: ErrorData }
  | { kind: 'ignored' };

/** Where a resumed reply stood. */
export type ReplyPosition = Pick<SavedReply, 'streamId' | 'lastEventId' | 'nextChunk' | 'text' | 'steps'>;

/** A request id the API accepts (`[A-Za-z0-9_-]{1,64}`); `crypto.randomUUID` needs a secure context, this does not. */
export function newRequestId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * One assistant reply being received: applies the stream's events exactly once (chunks by
 * `chunk_index`), remembers the id of the last event applied for resuming, and renders the
 * applied text when {@link flush} is called (once per animation frame).
 */
export class Reply {
  streamId: string | undefined;
  /** Id of the last event applied: the `Last-Event-ID` of the next attempt. */
  lastEventId: string | undefined;
  /** `chunk_index` of the next chunk to apply. */
  nextChunk = 0;
  /** The reply's text so far. */
  text = '';
  /** The idempotency key of the first attempt; retries before `start` repeat it. */
  requestId = newRequestId();
  /** Set by stop() before `start` arrived: stop as soon as the stream id is known. */
  stopRequested = false;
  /** For a new version instead of a new message: `{regenerate: true}` or `{edit: {message_id, message}}`, sent in place of `message`. */
  revision: Record<string, unknown> | undefined;
  /** True once an event was applied since the last {@link takeProgress}. */
  private progressed = false;
  private pending = '';
  private readonly announcer: SentenceAnnouncer;

  /**
   * @param message The assistant message this reply fills.
   * @param prompt The user's message, for a new turn; undefined when reattaching to a stream.
   * @param announce Speaks text in the live region.
   * @param position Where a reply resumed after a reload stood.
   */
  constructor(
    readonly message: ChatMessage,
    readonly prompt: string | undefined,
    announce: (text: string) => void,
    position?: ReplyPosition,
  ) {
    this.announcer = new SentenceAnnouncer(announce);
    if (position) {
      this.streamId = position.streamId;
      this.lastEventId = position.lastEventId;
      this.nextChunk = position.nextChunk;
      this.text = position.text;
      message.text = position.text;
      // The position is what was applied: steps after it arrive again with the replay.
      message.steps = position.steps?.length ? position.steps : undefined;
      message.view?.write(position.text);
      this.announcer.skip(message.view?.plainText.length ?? 0);
    }
  }

  /** Whether the reply has received its terminal event (or was stopped). */
  get done(): boolean {
    return this.message.status !== MESSAGE_STATUS.streaming;
  }

  /**
   * Applies one event of the stream. Throws {@link StreamInterruptedError} when the stream
   * skipped a chunk or the server asked for a resume, so the caller reconnects.
   */
  apply(event: EventSourceMessage): Applied {
    switch (event.event) {
      case STREAM_EVENT.start: {
        const data = JSON.parse(event.data) as StartData;
        this.streamId = data.stream_id;
        if (data.message_id) this.message.id = data.message_id;
        this.accept(event.id);
        return { kind: 'start', data };
      }
      case STREAM_EVENT.chunk: {
        const data = JSON.parse(event.data) as ChunkData;
        if (data.chunk_index < this.nextChunk) return { kind: 'ignored' };
        if (data.chunk_index > this.nextChunk) throw new StreamInterruptedError(`Chunk ${data.chunk_index} arrived before chunk ${this.nextChunk}.`);
        this.nextChunk += 1;
        this.accept(event.id);
        if (data.type === CHUNK_TYPE.content || data.type === undefined) {
          this.text += data.content;
          this.pending += data.content;
          return { kind: 'chunk' };
        }
        const { chunk_index: _index, is_final: _final, ...step } = data;
        // A new array, so the element sees the change.
        this.message.steps = [...(this.message.steps ?? []), step];
        return { kind: 'step', step };
      }
      case STREAM_EVENT.end:
        this.accept(event.id);
        return { kind: 'end', data: JSON.parse(event.data) as EndData };
      case STREAM_EVENT.error: {
        const data = JSON.parse(event.data) as ErrorData;
        // Reading failed, not the reply: its id repeats the last delivered one, and resuming from
        // there may still complete it.
        if (data.retryable) {
          this.lastEventId ??= event.id;
          throw new StreamInterruptedError(data.error);
        }
        this.accept(event.id);
        return { kind: 'error', data };
      }
      default:
        // The opening `retry:` block and anything a later API version adds.
        return { kind: 'ignored' };
    }
  }

  /** True when an event was applied since the last call. */
  takeProgress(): boolean {
    const progressed = this.progressed;
    this.progressed = false;
    return progressed;
  }

  /** Renders the text applied since the last flush and announces finished sentences. */
  flush(): void {
    if (this.pending === '') return;
    this.message.text = this.text;
    this.message.view?.write(this.pending);
    this.pending = '';
    this.announcer.update(this.message.view?.plainText ?? this.text);
  }

  /** Ends the reply with `status`, renders the rest, and announces it followed by `closing`. */
  finish(status: MessageStatus, closing: string, note?: string): void {
    this.flush();
    this.message.view?.end();
    this.message.status = status;
    this.message.note = note;
    const text = this.message.view?.plainText ?? this.text;
    if (status === MESSAGE_STATUS.cancelled) this.announcer.close(text, closing);
    else this.announcer.finish(text, closing);
  }

  /** Where the reply stands, for `sessionStorage`; undefined before `start`. */
  position(): ReplyPosition | undefined {
    if (!this.streamId || !this.lastEventId) return undefined;
    return { streamId: this.streamId, lastEventId: this.lastEventId, nextChunk: this.nextChunk, text: this.text, steps: this.message.steps };
  }

  private accept(id: string): void {
    this.lastEventId = id;
    this.progressed = true;
  }
}
