import type { EventSourceMessage } from '@microsoft/fetch-event-source';

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
