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
  /** What can be revised now, none while a reply streams: the last reply, and the last message the reader sent. */
  revisable: { reply?: ChatMessage; user?: ChatMessage };
  regenerate(): void;
  /** Opens the last message for editing. */
  edit(message: ChatMessage): void;
  /** Sends the edited text, or closes the form with `undefined`. */
  saveEdit(message: ChatMessage, text: string | undefined): void;
  /** Shows another version of a message. */
  selectVersion(message: ChatMessage, index: number): void;
  /** The API's longest message, for the edit field; undefined until known. */
  maxLength: number | undefined;
  icons: Record<'copy' | 'thumbUp' | 'thumbDown' | 'regenerate' | 'edit', TemplateResult>;
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

/** A small form in a message: a field, and buttons that send its text (trimmed; undefined when empty) or close it with `undefined`. */
function renderInlineForm(
  field: { label: string; value?: string; maxLength: number },
  buttons: { send: string; close: string },
  done: (text: string | undefined) => void,
): TemplateResult {
  const send = (event: Event) => {
    event.preventDefault();
    const text = (event.currentTarget as HTMLElement).closest('form')?.querySelector('textarea');
    done(text?.value.trim() || undefined);
  };
  return html`<form class="inline-form" @submit=${send}>
    <textarea rows="2" maxlength=${field.maxLength} dir="auto" aria-label=${field.label} placeholder=${field.label} .value=${field.value ?? ''}></textarea>
    <div class="inline-actions">
      <button type="button" class="text-button" @click=${() => done(undefined)}>${buttons.close}</button>
      <button type="submit" class="text-button primary" @click=${send}>${buttons.send}</button>
    </div>
  </form>`;
}

/** The optional comment after 👎: Send sends it, Skip closes it. */
function renderCommentForm(message: ChatMessage, strings: NgxChatStrings, context: MetaContext): TemplateResult {
  return renderInlineForm({ label: strings.feedbackComment, maxLength: 2000 }, { send: strings.sendFeedback, close: strings.skipFeedback }, (text) => context.comment(message, text));
}

/** The last message the reader sent, open for editing: Send sends the new version, Cancel keeps the old. */
export function renderEditForm(message: ChatMessage, strings: NgxChatStrings, context: Pick<MetaContext, 'saveEdit' | 'maxLength'>): TemplateResult {
  return renderInlineForm({ label: strings.editMessage, value: message.text, maxLength: context.maxLength ?? 16_384 }, { send: strings.sendEdit, close: strings.cancelEdit }, (text) => context.saveEdit(message, text));
}

/** ‹ 2/3 ›: which version of a message this is, and buttons to the others. */
function renderVersions(message: ChatMessage, strings: NgxChatStrings, context: MetaContext): TemplateResult | typeof nothing {
  const versions = message.versions;
  if (!versions) return nothing;
  const idle = context.revisable.reply !== undefined;
  const label = strings.versionOf.replace('{index}', String(versions.index + 1)).replace('{count}', String(versions.count));
  const step = (by: -1 | 1) => html`<button
    type="button"
    class="icon-button small version"
    aria-label=${by < 0 ? strings.previousVersion : strings.nextVersion}
    ?disabled=${!idle || versions.index + by < 0 || versions.index + by >= versions.count}
    @click=${() => context.selectVersion(message, versions.index + by)}
  >
    ${by < 0 ? '‹' : '›'}
  </button>`;
  return html`<span part="version-switcher" class="versions" role="group" aria-label=${label}>${step(-1)}<span aria-hidden="true">${versions.index + 1}/${versions.count}</span>${step(1)}</span>`;
}

/** A small icon button under a message. */
function actionButton(part: string, label: string, icon: TemplateResult, act: () => void): TemplateResult {
  return html`<button type="button" part=${part} class="icon-button small" aria-label=${label} @click=${act}>${icon}</button>`;
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
      ${message === context.revisable.reply && message.status !== MESSAGE_STATUS.streaming
        ? actionButton('regenerate-button', strings.regenerate, context.icons.regenerate, context.regenerate)
        : nothing}
      ${message === context.revisable.user && !message.editing ? actionButton('edit-button', strings.editMessage, context.icons.edit, () => context.edit(message)) : nothing}
      ${renderVersions(message, strings, context)}
    </div>
    ${message.commenting ? renderCommentForm(message, strings, context) : nothing}`;
}
