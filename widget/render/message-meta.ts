import { html, nothing, type TemplateResult } from 'lit';
import { MESSAGE_STATUS, type ChatMessage } from '../chat/chat-state.js';
import type { NgxChatStrings } from './strings.js';

/** What a message's footer needs from the element. */
export interface MetaContext {
  /** The language of the element, for dates ("5 minutes ago", "hace 5 minutos"). */
  locale: string;
  /** Copies a reply's Markdown; `button` is its copy button. */
  copy(message: ChatMessage, button: HTMLElement): void;
  copyIcon: TemplateResult;
}

/** "now", "5 minutes ago", "2 hours ago", then the date: how long ago `iso` was, in `locale`. */
export function relativeTime(iso: string, locale: string, now = Date.now()): string {
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '';
  const seconds = Math.round((at - now) / 1000);
  const relative = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  if (Math.abs(seconds) < 45) return relative.format(0, 'second');
  if (Math.abs(seconds) < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (Math.abs(seconds) < 86_400) return relative.format(Math.round(seconds / 3600), 'hour');
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(at);
}

/**
 * Under a message: when it was written (a `<time>` whose title is the full date), and for a
 * finished reply the button that copies it.
 */
export function renderMeta(message: ChatMessage, strings: NgxChatStrings, context: MetaContext): TemplateResult {
  const done = message.role === 'assistant' && message.status !== MESSAGE_STATUS.streaming && message.text !== '';
  const full = new Intl.DateTimeFormat(context.locale, { dateStyle: 'full', timeStyle: 'short' }).format(Date.parse(message.createdAt) || Date.now());
  return html`<div class="meta">
    <time datetime=${message.createdAt} title=${full}>${relativeTime(message.createdAt, context.locale)}</time>
    ${done
      ? html`<button
          type="button"
          part="copy-message-button"
          class="copy-message"
          aria-label=${strings.copyReply}
          @click=${(event: MouseEvent) => context.copy(message, event.currentTarget as HTMLElement)}
        >
          ${context.copyIcon}
        </button>`
      : nothing}
  </div>`;
}
