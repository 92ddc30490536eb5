import { html, nothing, type TemplateResult } from 'lit';
import { MESSAGE_STATUS, type ChatMessage } from '../chat/chat-state.js';
import type { NgxChatStrings } from './strings.js';

/** What a message's footer needs from the element. */
export interface MetaContext {
  /** The language of the element, for dates ("5 minutes ago", "hace 5 minutos"). */
  locale: string;
  /** Copies a reply's Markdown; `button` is its copy button. */
  copy(message: ChatMessage, button: HTMLElement): void;
  /** Rates a reply; a comment may follow a 👎. */
  rate(message: ChatMessage, rating: 'up' | 'down'): void;
  /** Sends the comment written after 👎, or closes the form with `undefined`. */
  comment(message: ChatMessage, text: string | undefined): void;
  icons: Record<'copy' | 'thumbUp' | 'thumbDown', TemplateResult>;
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

function renderFeedback(message: ChatMessage, strings: NgxChatStrings, context: MetaContext): TemplateResult {
  const button = (rating: 'up' | 'down') => html`<button
    type="button"
    part="feedback-${rating}"
    class="icon-button small rate ${message.feedback === rating ? 'chosen' : ''}"
    aria-label=${rating === 'up' ? strings.goodReply : strings.badReply}
    aria-pressed=${message.feedback === rating ? 'true' : 'false'}
    @click=${() => context.rate(message, rating)}
  >
    ${rating === 'up' ? context.icons.thumbUp : context.icons.thumbDown}
  </button>`;
  return html`${button('up')}${button('down')}`;
}

/** The optional comment after 👎: Enter in the field or Send sends it, Skip closes it. */
function renderCommentForm(message: ChatMessage, strings: NgxChatStrings, context: MetaContext): TemplateResult {
  const send = (event: Event) => {
    event.preventDefault();
    const field = (event.currentTarget as HTMLElement).closest('form')?.querySelector('textarea');
    context.comment(message, field?.value.trim() || undefined);
  };
  return html`<form class="feedback-form" @submit=${send}>
    <textarea rows="2" maxlength="2000" dir="auto" aria-label=${strings.feedbackComment} placeholder=${strings.feedbackComment}></textarea>
    <div class="feedback-actions">
      <button type="button" class="text-button" @click=${() => context.comment(message, undefined)}>${strings.skipFeedback}</button>
      <button type="submit" class="text-button primary" @click=${send}>${strings.sendFeedback}</button>
    </div>
  </form>`;
}

/**
 * Under a message: when it was written (a `<time>` whose title is the full date), and for a
 * finished reply the buttons that copy it and rate it — after 👎, a field for why.
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
            ${context.icons.copy}
          </button>`
        : nothing}
      ${done && message.id ? renderFeedback(message, strings, context) : nothing}
    </div>
    ${message.commenting ? renderCommentForm(message, strings, context) : nothing}`;
}
