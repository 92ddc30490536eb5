import type { ChatStatus, MessageStatus } from './chat/chat-state.js';

const BUBBLE = { bubbles: true, composed: true } as const;

/** A failure, as `ngx-chat-error` reports it. */
export interface ChatError {
  /** The API's error code (`conversation_busy`, …), `reply_failed` for an `error` event, or the browser's error name. */
  code: string;
  /** What the reader was shown, in the widget's language. */
  message: string;
  /** The technical cause, in English. */
  detail: string;
  /** True when the widget gave up; false for a failure it recovers from by itself. */
  fatal: boolean;
}

/** `ngx-chat-open`: the launcher panel opened. */
export class NgxChatOpenEvent extends Event {
  constructor() {
    super('ngx-chat-open', BUBBLE);
  }
}

/** `ngx-chat-close`: the launcher panel closed. */
export class NgxChatCloseEvent extends Event {
  constructor() {
    super('ngx-chat-close', BUBBLE);
  }
}

/** `ngx-chat-send`: the reader sent a message. Cancelable: `preventDefault()` keeps it from being sent. */
export class NgxChatSendEvent extends Event {
  /** @param text The message. */
  constructor(readonly text: string) {
    super('ngx-chat-send', { ...BUBBLE, cancelable: true });
  }
}

/** `ngx-chat-message`: a reply ended (`status` says whether it completed, was stopped or failed). */
export class NgxChatMessageEvent extends Event {
  /**
   * @param text The reply's Markdown.
   * @param status `completed`, `cancelled` or `error`.
   * @param conversationId The conversation it belongs to.
   */
  constructor(
    readonly text: string,
    readonly status: MessageStatus,
    readonly conversationId: string | undefined,
  ) {
    super('ngx-chat-message', BUBBLE);
  }
}

/** `ngx-chat-error`: something failed; `error.fatal` says whether the widget gave up or is retrying. */
export class NgxChatErrorEvent extends Event {
  constructor(readonly error: ChatError) {
    super('ngx-chat-error', BUBBLE);
  }
}

/** `ngx-chat-status`: the widget went `connecting`, `streaming`, `reconnecting` or `idle`. */
export class NgxChatStatusEvent extends Event {
  constructor(readonly status: ChatStatus) {
    super('ngx-chat-status', BUBBLE);
  }
}

/** `ngx-chat-conversation-change`: the widget shows another conversation (picked from the history, or a new one: `conversationId` undefined until its first reply starts). */
export class NgxChatConversationChangeEvent extends Event {
  constructor(readonly conversationId: string | undefined) {
    super('ngx-chat-conversation-change', BUBBLE);
  }
}

/** `ngx-chat-feedback`: the reader rated a reply (`rating`), and maybe said why (`comment`, after 👎). */
export class NgxChatFeedbackEvent extends Event {
  constructor(
    readonly messageId: string,
    readonly rating: 'up' | 'down',
    readonly comment: string | undefined,
  ) {
    super('ngx-chat-feedback', BUBBLE);
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'ngx-chat-open': NgxChatOpenEvent;
    'ngx-chat-close': NgxChatCloseEvent;
    'ngx-chat-send': NgxChatSendEvent;
    'ngx-chat-message': NgxChatMessageEvent;
    'ngx-chat-error': NgxChatErrorEvent;
    'ngx-chat-status': NgxChatStatusEvent;
    'ngx-chat-conversation-change': NgxChatConversationChangeEvent;
    'ngx-chat-feedback': NgxChatFeedbackEvent;
  }
}
