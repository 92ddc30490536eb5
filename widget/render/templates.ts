import { html, nothing, svg, type TemplateResult } from 'lit';
import { MESSAGE_STATUS, type ChatMessage } from '../chat/chat-state.js';
import { renderEditForm, renderMeta, type MetaContext } from './message-meta.js';
import { renderActivity, renderSources, toolRunning } from './reply-steps.js';
import type { AgentWelcome } from '../api/widget-config.js';
import type { NgxChatStrings } from './strings.js';

const icon = (path: TemplateResult<2>) => html`<svg width="20" height="20" viewBox="0 0 24 24" fill="currentColor" aria-hidden="true" focusable="false">${path}</svg>`;

/** The widget's icons (Material Icons, Apache 2.0). */
export const ICONS = {
  send: icon(svg`<path d="M2.01 21 23 12 2.01 3 2 10l15 2-15 2z"/>`),
  chat: icon(svg`<path d="M20 2H4c-1.1 0-1.99.9-1.99 2L2 22l4-4h14c1.1 0 2-.9 2-2V4c0-1.1-.9-2-2-2z"/>`),
  close: icon(svg`<path d="M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12z"/>`),
  stop: icon(svg`<path d="M6 6h12v12H6z"/>`),
  history: icon(svg`<path d="M13 3c-4.97 0-9 4.03-9 9H1l3.89 3.89.07.14L9 12H6c0-3.87 3.13-7 7-7s7 3.13 7 7-3.13 7-7 7c-1.93 0-3.68-.79-4.94-2.06l-1.42 1.42C8.27 19.99 10.51 21 13 21c4.97 0 9-4.03 9-9s-4.03-9-9-9zm-1 5v5l4.28 2.54.72-1.21-3.5-2.08V8H12z"/>`),
  add: icon(svg`<path d="M19 13h-6v6h-2v-6H5v-2h6V5h2v6h6v2z"/>`),
  edit: icon(svg`<path d="M3 17.25V21h3.75L17.81 9.94l-3.75-3.75L3 17.25zM20.71 7.04c.39-.39.39-1.02 0-1.41l-2.34-2.34c-.39-.39-1.02-.39-1.41 0l-1.83 1.83 3.75 3.75 1.83-1.83z"/>`),
  delete: icon(svg`<path d="M6 19c0 1.1.9 2 2 2h8c1.1 0 2-.9 2-2V7H6v12zM19 4h-3.5l-1-1h-5l-1 1H5v2h14V4z"/>`),
  thumbUp: icon(svg`<path d="M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z"/>`),
  thumbDown: icon(svg`<path d="M15 3H6c-.83 0-1.54.5-1.84 1.22l-3.02 7.05c-.09.23-.14.47-.14.73v2c0 1.1.9 2 2 2h6.31l-.95 4.57-.03.32c0 .41.17.79.44 1.06L9.83 23l6.59-6.59c.36-.36.58-.86.58-1.41V5c0-1.1-.9-2-2-2zm4 0v12h4V3h-4z"/>`),
  regenerate: icon(svg`<path d="M17.65 6.35A7.96 7.96 0 0 0 12 4a8 8 0 1 0 7.73 10h-2.08A6 6 0 1 1 12 6c1.66 0 3.14.69 4.22 1.78L13 11h7V4z"/>`),
  copy: icon(svg`<path d="M16 1H4c-1.1 0-2 .9-2 2v14h2V3h12V1zm3 4H8c-1.1 0-2 .9-2 2v14c0 1.1.9 2 2 2h11c1.1 0 2-.9 2-2V7c0-1.1-.9-2-2-2zm0 16H8V7h11v14z"/>`),
};

/** One message of the log, with a spoken prefix saying who wrote it, and when under it. */
export function renderMessage(message: ChatMessage, strings: NgxChatStrings, meta: Omit<MetaContext, 'icons'>): TemplateResult {
  const user = message.role === 'user';
  // The dots wait for the first text, except while a tool's row says what is happening.
  const waiting = !user && message.status === MESSAGE_STATUS.streaming && message.text === '' && !toolRunning(message.steps);
  const note =
    message.status === MESSAGE_STATUS.cancelled ? strings.stopped : message.status === MESSAGE_STATUS.error ? (message.note ?? strings.replyFailed) : undefined;
  return html`<div part="message message-${message.role}" class="message ${message.role} ${message.status}">
    <span class="sr-only">${user ? strings.you : strings.assistant}</span>
    ${user ? nothing : renderActivity(message.steps, strings)}${message.editing
      ? renderEditForm(message, strings, meta)
      : user
        ? html`<span class="text" dir="auto">${message.text}</span>`
        : message.view?.element}${waiting ? html`<span class="typing" aria-hidden="true"></span>` : nothing}
    ${user ? nothing : renderSources(message.steps, strings)}
    ${note ? html`<span class="note">${note}</span>` : nothing}
    ${renderMeta(message, strings, { ...meta, icons: ICONS })}
  </div>`;
}

/** The floating button of launcher mode, with its badge of `unread` replies; `toggle` opens or closes the panel. */
export function renderLauncher(opened: boolean, unread: number, strings: NgxChatStrings, toggle: () => void): TemplateResult {
  const badge = unread > 0 ? strings.unread.replace('{count}', String(unread)) : '';
  return html`<button
    type="button"
    part="launcher"
    class="launcher"
    aria-label=${opened ? strings.closeChat : badge ? `${strings.openChat} (${badge})` : strings.openChat}
    aria-expanded=${opened ? 'true' : 'false'}
    aria-controls="panel"
    @click=${toggle}
  >
    ${opened ? ICONS.close : ICONS.chat}${badge ? html`<span part="unread-badge" class="badge" aria-hidden="true">${unread}</span>` : nothing}
  </button>`;
}

/** The empty conversation: the greeting (the `greeting` slot replaces it) and the starter prompts as buttons. */
export function renderWelcome(welcome: AgentWelcome, strings: NgxChatStrings, send: (prompt: string) => void): TemplateResult {
  return html`<div class="empty">
    <slot name="greeting">${welcome.greeting}</slot>
    ${welcome.starterPrompts.length > 0
      ? html`<div class="starters" role="group" aria-label=${strings.starterPrompts}>
          ${welcome.starterPrompts.map((prompt) => html`<button type="button" part="starter-prompt" class="text-button starter" dir="auto" @click=${() => send(prompt)}>${prompt}</button>`)}
        </div>`
      : nothing}
  </div>`;
}
