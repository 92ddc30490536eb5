import type * as React from 'react';
import type { NgxChatErrorEvent, NgxChatMessageEvent, NgxChatSendEvent, NgxChatStatusEvent } from '../../widget/index.js';
// What `ngx-chat/react` exports: the element through `@lit/react`.
import { NgxChatReact } from '../../widget/react.js';

/** Props of {@link StreamChatComponent}. */
export interface StreamChatComponentProps {
  /** Base URL of the ngx-chat API, such as `http://localhost:8000`. */
  apiUrl: string;
  /** Bearer token from your sign-in (`POST /auth/login`, or your backend); sent as is. */
  authToken: string;
  /** `inline` fills its container; `launcher` floats. Defaults to `inline`. */
  mode?: 'inline' | 'launcher';
  /** Defaults to `auto` (follows `prefers-color-scheme`). */
  theme?: 'light' | 'dark' | 'auto';
  /** Names the saved conversation in storage (`localStorage` by default). Defaults to `default`. */
  instanceId?: string;
  /** Class of the element, for the page's own layout and theming. */
  className?: string;
  /** A reply ended: `event.text`, `event.status`, `event.conversationId`. */
  onMessage?: (event: NgxChatMessageEvent) => void;
  /** Something failed: `event.error` is `{code, message, detail, fatal}`. */
  onError?: (event: NgxChatErrorEvent) => void;
  /** `event.status` changed: `connecting`, `streaming`, `reconnecting` or `idle`. */
  onStatus?: (event: NgxChatStatusEvent) => void;
  /** The reader sent `event.text`; call `event.preventDefault()` to cancel. */
  onSend?: (event: NgxChatSendEvent) => void;
}

/** The `<ngx-chat>` widget as a React component, signed in with a token the app already holds. */
export function StreamChatComponent({ apiUrl, authToken, ...rest }: StreamChatComponentProps): React.JSX.Element {
  return <NgxChatReact apiUrl={apiUrl} token={authToken} {...rest} />;
}
