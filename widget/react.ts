/**
 * `<ngx-chat>` for React, through `@lit/react`: properties set as properties (not stringified
 * attributes), the element's events as `on…` props, and `<ngx-chat>` typed in JSX.
 * @module
 */
import { createComponent, type EventName } from '@lit/react';
import * as React from 'react';
import type {
  NgxChatCloseEvent,
  NgxChatConversationChangeEvent,
  NgxChatErrorEvent,
  NgxChatFeedbackEvent,
  NgxChatMessageEvent,
  NgxChatOpenEvent,
  NgxChatSendEvent,
  NgxChatStatusEvent,
} from './events.js';
import { NgxChat } from './ngx-chat.js';

/**
 * The element as a React component. The casts tell `@lit/react` each event's class; the names are
 * the element's documented events.
 */
export const NgxChatReact = createComponent({
  tagName: 'ngx-chat',
  elementClass: NgxChat,
  react: React,
  events: {
    onOpen: 'ngx-chat-open' as EventName<NgxChatOpenEvent>,
    onClose: 'ngx-chat-close' as EventName<NgxChatCloseEvent>,
    onSend: 'ngx-chat-send' as EventName<NgxChatSendEvent>,
    onMessage: 'ngx-chat-message' as EventName<NgxChatMessageEvent>,
    onError: 'ngx-chat-error' as EventName<NgxChatErrorEvent>,
    onStatus: 'ngx-chat-status' as EventName<NgxChatStatusEvent>,
    onConversationChange: 'ngx-chat-conversation-change' as EventName<NgxChatConversationChangeEvent>,
    onFeedback: 'ngx-chat-feedback' as EventName<NgxChatFeedbackEvent>,
  },
});

/** The props of {@link NgxChatReact}: the element's properties and `on…` event handlers. */
export type NgxChatReactProps = React.ComponentProps<typeof NgxChatReact>;

declare module 'react' {
  // React 19 reads intrinsic elements from React.JSX: `<ngx-chat api-url="…" guest>` type-checks
  // with its attributes as strings, as a custom element's are in HTML.
  namespace JSX {
    interface IntrinsicElements {
      'ngx-chat': React.DetailedHTMLProps<React.HTMLAttributes<NgxChat>, NgxChat> & {
        'api-url'?: string;
        token?: string;
        'token-url'?: string;
        guest?: boolean | '';
        mode?: 'inline' | 'launcher';
        theme?: 'light' | 'dark' | 'auto';
        'instance-id'?: string;
        storage?: string;
        opened?: boolean | '';
        transport?: string;
        'starter-prompts'?: string;
      };
    }
  }
}
