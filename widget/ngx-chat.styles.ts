import { css, unsafeCSS } from 'lit';

/** Where the launcher's panel fills the screen; the focus trap and scroll lock follow the same query. */
export const FULL_SCREEN_QUERY = '(max-width: 480px)';

/** Dark-theme defaults, used by `theme="dark"` and by `theme="auto"` when the system is dark. */
const dark = css`
  color-scheme: dark;
  --_bg: var(--ngx-chat-background, #16181d);
  --_text: var(--ngx-chat-text-color, #e6e8eb);
  --_muted: var(--ngx-chat-muted-color, #a4acb6);
  --_border: var(--ngx-chat-border-color, #3a3f47);
  --_accent: var(--ngx-chat-accent-color, #8ab4f8);
  --_on-accent: var(--ngx-chat-accent-text-color, #0b1a33);
  --_user-bg: var(--ngx-chat-user-background, #8ab4f8);
  --_user-text: var(--ngx-chat-user-text-color, #0b1a33);
  --_assistant-bg: var(--ngx-chat-assistant-background, #23262d);
  --_assistant-text: var(--ngx-chat-assistant-text-color, #e6e8eb);
  --_code-bg: var(--ngx-chat-code-background, #2f333b);
  --_link: var(--ngx-chat-link-color, #9cc0fa);
  --_error: var(--ngx-chat-error-color, #ffb4ab);
  --_focus: var(--ngx-chat-focus-color, #8ab4f8);
  --_hl-keyword: #ff7b72;
  --_hl-string: #a5d6ff;
  --_hl-comment: #a4acb6;
  --_hl-number: #79c0ff;
  --_hl-title: #d2a8ff;
  --_hl-attr: #ffa657;
`;

/** Styles of `<ngx-chat>`; every themable value comes from a documented `--ngx-chat-*` property. */
export const ngxChatStyles = css`
  :host {
    color-scheme: light;
    --_bg: var(--ngx-chat-background, #ffffff);
    --_text: var(--ngx-chat-text-color, #1f2328);
    --_muted: var(--ngx-chat-muted-color, #59636e);
    --_border: var(--ngx-chat-border-color, #d0d7de);
    --_accent: var(--ngx-chat-accent-color, #0a57d0);
    --_on-accent: var(--ngx-chat-accent-text-color, #ffffff);
    --_user-bg: var(--ngx-chat-user-background, #0a57d0);
    --_user-text: var(--ngx-chat-user-text-color, #ffffff);
    --_assistant-bg: var(--ngx-chat-assistant-background, #f3f4f6);
    --_assistant-text: var(--ngx-chat-assistant-text-color, #1f2328);
    --_code-bg: var(--ngx-chat-code-background, #e4e8ec);
    --_link: var(--ngx-chat-link-color, #0a57d0);
    --_error: var(--ngx-chat-error-color, #b42318);
    --_focus: var(--ngx-chat-focus-color, #0a57d0);
    /* Code tokens: each at least 4.5:1 on the code background, in both themes. */
    --_hl-keyword: #a0111f;
    --_hl-string: #0a3069;
    --_hl-comment: #4d5761;
    --_hl-number: #0550ae;
    --_hl-title: #6639ba;
    --_hl-attr: #953800;
    --_radius: var(--ngx-chat-radius, 12px);
    --_space: var(--ngx-chat-spacing, 12px);
    --_offset: var(--ngx-chat-offset, 20px);
    --_launcher: var(--ngx-chat-launcher-size, 56px);
    display: block;
    font-family: var(--ngx-chat-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    font-size: var(--ngx-chat-font-size, 15px);
    line-height: var(--ngx-chat-line-height, 1.5);
    color: var(--_text);
  }
  :host([theme='dark']) {
    ${dark}
  }
  @media (prefers-color-scheme: dark) {
    :host([theme='auto']) {
      ${dark}
    }
  }
  :host([hidden]) {
    display: none;
  }
  :host([mode='inline']) {
    height: 100%;
    min-height: 320px;
    /* As a grid or flex item the element would grow to its widest content (a long code line):
       its width is its container's, and wide content scrolls inside it. */
    min-width: 0;
  }
  /* Nor does a reply's content widen the log: its width comes from the panel's. */
  .log {
    contain: inline-size;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  :focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  button {
    font: inherit;
    cursor: pointer;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }
  .panel {
    display: flex;
    flex-direction: column;
    height: 100%;
    background: var(--_bg);
    color: var(--_text);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    overflow: hidden;
  }
  .panel[hidden] {
    display: none;
  }
  .header {
    display: flex;
    align-items: center;
    gap: var(--_space);
    padding: calc(var(--_space) * 0.75) var(--_space);
    border-block-end: 1px solid var(--_border);
    font-weight: 600;
  }
  .title {
    flex: 1;
  }
  .logo {
    display: contents;
  }
  ::slotted([slot='logo']) {
    display: block;
    max-height: 28px;
    max-width: 28px;
    border-radius: 50%;
    object-fit: cover;
  }
  .icon-button {
    display: inline-grid;
    place-items: center;
    min-width: 36px;
    min-height: 36px;
    padding: 0;
    border: 0;
    border-radius: calc(var(--_radius) / 2);
    background: transparent;
    color: inherit;
  }
  .icon-button.small {
    min-width: 28px;
    min-height: 28px;
  }
  .icon-button.small svg {
    width: 18px;
    height: 18px;
  }
  .icon-button.confirm {
    color: var(--_error);
  }
  .icon-button:focus-visible,
  .pick:focus-visible,
  .rename:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 1px;
  }
  /* The reader's conversations, in place of the log while open. */
  .log[hidden] {
    display: none;
  }
  .history {
    flex: 1;
    overflow-y: auto;
    padding: calc(var(--_space) / 2);
  }
  .history ul {
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .conversation {
    display: flex;
    align-items: center;
    gap: 2px;
    border-radius: calc(var(--_radius) / 2);
  }
  .conversation.current {
    background: var(--_assistant-bg);
  }
  .pick {
    flex: 1;
    min-width: 0;
    min-height: 40px;
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    padding: 4px 8px;
    border: 0;
    border-radius: calc(var(--_radius) / 2);
    background: transparent;
    color: inherit;
    font: inherit;
    text-align: start;
    cursor: pointer;
  }
  .conversation-title {
    max-width: 100%;
    overflow: hidden;
    white-space: nowrap;
    text-overflow: ellipsis;
  }
  .pick time {
    font-size: 0.75em;
    color: var(--_muted);
  }
  .rename {
    flex: 1;
    min-width: 0;
  }
  /* The small controls: a conversation's new title, the comment after 👎, the text buttons. */
  .rename,
  .inline-form textarea,
  .text-button {
    border: 1px solid var(--_border);
    border-radius: 6px;
    background: var(--_bg);
    color: var(--_text);
    font: inherit;
  }
  .rename,
  .inline-form textarea {
    padding: 6px 8px;
  }
  .history-note {
    margin: var(--_space);
    color: var(--_muted);
    text-align: center;
  }
  .body {
    position: relative;
    flex: 1;
    min-height: 0;
    display: flex;
    flex-direction: column;
  }
  .log {
    flex: 1;
    overflow-y: auto;
    overscroll-behavior: contain;
    padding: var(--_space);
    display: flex;
    flex-direction: column;
    gap: calc(var(--_space) * 0.75);
  }
  .empty {
    margin: auto;
    color: var(--_muted);
    text-align: center;
  }
  .starters {
    display: flex;
    flex-wrap: wrap;
    justify-content: center;
    gap: 8px;
    margin-block-start: var(--_space);
  }
  /* A starter prompt is a text button (below), as a pill: the pair of classes outranks it. */
  .text-button.starter {
    min-height: 32px;
    padding: 4px 12px;
    border-radius: 16px;
  }
  .message {
    max-width: 85%;
    padding: calc(var(--_space) * 0.66) var(--_space);
    border-radius: var(--_radius);
    overflow-wrap: anywhere;
  }
  .message.user {
    align-self: flex-end;
    background: var(--_user-bg);
    color: var(--_user-text);
    border-end-end-radius: calc(var(--_radius) / 4);
  }
  .message.assistant {
    align-self: flex-start;
    background: var(--_assistant-bg);
    color: var(--_assistant-text);
    border-end-start-radius: calc(var(--_radius) / 4);
  }
  .text {
    white-space: pre-wrap;
  }
  /* Under each message: when, and for a reply its copy button. */
  .meta {
    display: flex;
    align-items: center;
    justify-content: flex-end;
    gap: 4px;
    margin-block-start: 2px;
    font-size: 0.75em;
  }
  .assistant .meta {
    justify-content: flex-start;
  }
  .copy-message {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    min-width: 24px;
    min-height: 24px;
    padding: 2px;
    border: 0;
    border-radius: 4px;
    background: none;
    color: inherit;
    cursor: pointer;
  }
  .copy-message svg {
    width: 16px;
    height: 16px;
  }
  .rate svg {
    width: 16px;
    height: 16px;
  }
  .rate.chosen {
    color: var(--_accent);
  }
  .versions {
    display: inline-flex;
    align-items: center;
    font-variant-numeric: tabular-nums;
  }
  .version {
    font-size: 1.2em;
    line-height: 1;
  }
  .version:disabled {
    opacity: 0.4;
    cursor: default;
  }
  .user .inline-form {
    min-width: min(20em, 60vw);
  }
  .inline-form {
    display: flex;
    flex-direction: column;
    gap: 4px;
    margin-block-start: 6px;
  }
  .inline-form textarea {
    resize: vertical;
  }
  .inline-actions {
    display: flex;
    justify-content: flex-end;
    gap: 6px;
  }
  .text-button {
    min-height: 28px;
    padding: 2px 10px;
    font-size: 0.9em;
    cursor: pointer;
  }
  .text-button:hover {
    border-color: var(--_accent);
  }
  .text-button.primary {
    border-color: var(--_accent);
    background: var(--_accent);
    color: var(--_on-accent);
  }
  .text-button:focus-visible,
  .inline-form textarea:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 1px;
  }
  .copy-message.done {
    color: var(--_accent);
  }
  .copy-message:focus-visible {
    outline: 2px solid var(--_focus);
  }
  .note {
    display: block;
    margin-block-start: 4px;
    font-size: 0.85em;
    color: var(--_muted);
  }
  .error .note {
    color: var(--_error);
  }
  .typing::after {
    content: '…';
    animation: ngx-chat-pulse 1s ease-in-out infinite alternate;
  }
  @keyframes ngx-chat-pulse {
    from {
      opacity: 0.3;
    }
  }
  /* The status line, and Stop while a reply streams: away from Send, so a double click on Send
     never lands on Stop. */
  .toolbar {
    display: flex;
    align-items: center;
    gap: calc(var(--_space) / 2);
    padding: 0 var(--_space);
    min-height: 0;
  }
  .status {
    flex: 1;
    font-size: 0.85em;
    color: var(--_muted);
  }
  .stop {
    margin-block-start: calc(var(--_space) / 2);
  }
  .counter {
    font-size: 0.85em;
    color: var(--_muted);
    align-self: center;
  }
  .counter.over {
    color: var(--_error);
    font-weight: 600;
  }
  .jump {
    position: absolute;
    inset-block-end: 8px;
    inset-inline: 0;
    width: fit-content;
    margin-inline: auto;
    padding: 4px 12px;
    border: 0;
    border-radius: 999px;
    background: var(--_accent);
    color: var(--_on-accent);
    box-shadow: 0 2px 6px rgb(0 0 0 / 0.25);
  }
  .composer {
    display: flex;
    align-items: flex-end;
    gap: calc(var(--_space) / 2);
    padding: var(--_space);
    border-block-start: 1px solid var(--_border);
  }
  .input {
    flex: 1;
    min-height: 40px;
    max-height: 160px;
    field-sizing: content;
    resize: none;
    padding: 8px 10px;
    font: inherit;
    color: var(--_text);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) / 1.5);
  }
  .input::placeholder {
    color: var(--_muted);
  }
  .send,
  .stop {
    min-width: 40px;
    min-height: 40px;
    padding: 0 12px;
    border: 0;
    border-radius: calc(var(--_radius) / 1.5);
    background: var(--_accent);
    color: var(--_on-accent);
    font-weight: 600;
  }
  .send[aria-disabled='true'] {
    opacity: 0.45;
    cursor: default;
  }
  /* --_ngx-vv-bottom and --_ngx-vv-end: how far the visual viewport's edges are from the layout
     viewport's, which fixed positions follow (a page without a mobile viewport meta is wider
     than the screen); set by ViewportFitController. */
  .launcher {
    position: fixed;
    inset-block-end: calc(var(--_offset) + var(--_ngx-vv-bottom, 0px));
    inset-inline-end: calc(var(--_offset) + var(--_ngx-vv-end, 0px));
    z-index: var(--ngx-chat-z-index, 2147483000);
    width: var(--_launcher);
    height: var(--_launcher);
    border: 0;
    border-radius: 50%;
    background: var(--_accent);
    color: var(--_on-accent);
    box-shadow: var(--ngx-chat-shadow, 0 6px 24px rgb(0 0 0 / 0.25));
  }
  .fixed-box {
    position: fixed;
    inset: 0;
    visibility: hidden;
    pointer-events: none;
  }
  .badge {
    position: absolute;
    inset-block-start: -4px;
    inset-inline-end: -4px;
    min-width: 20px;
    height: 20px;
    padding: 0 5px;
    border-radius: 10px;
    background: var(--_error);
    color: #fff;
    font-size: 12px;
    font-weight: 700;
    line-height: 20px;
  }
  :host([mode='launcher']) .panel {
    position: fixed;
    inset-block-end: calc(var(--_offset) + var(--_ngx-vv-bottom, 0px) + var(--_launcher) + 12px);
    inset-inline-end: calc(var(--_offset) + var(--_ngx-vv-end, 0px));
    z-index: var(--ngx-chat-z-index, 2147483000);
    width: min(var(--ngx-chat-panel-width, 380px), calc(100vw - 2 * var(--_offset)));
    height: min(var(--ngx-chat-panel-height, 560px), calc(100dvh - var(--_launcher) - 3 * var(--_offset)));
    box-shadow: var(--ngx-chat-shadow, 0 6px 24px rgb(0 0 0 / 0.25));
    transition: opacity 0.15s ease, translate 0.15s ease;
  }
  @starting-style {
    :host([mode='launcher']) .panel {
      opacity: 0;
      translate: 0 8px;
    }
  }
  @media ${unsafeCSS(FULL_SCREEN_QUERY)} {
    /* Full screen, sized to the visual viewport so the on-screen keyboard never covers the input. */
    :host([mode='launcher']) .panel {
      inset: var(--_ngx-vv-top, 0) auto auto var(--_ngx-vv-left, 0);
      width: var(--_ngx-vv-width, 100%);
      height: var(--_ngx-vv-height, 100dvh);
      border-radius: 0;
      border: 0;
    }
    /* The panel fills the screen and has its own close button: the launcher would cover Send. */
    :host([mode='launcher'][opened]) .launcher {
      display: none;
    }
    /* 16 px or more, or iOS zooms the page when the input gets focus. */
    .input {
      font-size: max(16px, 1em);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    *,
    *::before,
    *::after {
      animation: none !important;
      transition: none !important;
      scroll-behavior: auto !important;
    }
  }
`;
