import { html, nothing, type TemplateResult } from 'lit';
import type { ConversationSummaryView } from '../../protocol/index.js';
import type { HistoryController } from '../controllers/history-controller.js';
import { relativeTime } from './message-meta.js';
import type { NgxChatStrings } from './strings.js';
import { ICONS } from './templates.js';

/** What the history list does when the reader acts on it. */
export interface HistoryActions {
  pick(conversationId: string): void;
  startRename(conversationId: string): void;
  rename(conversationId: string, title: string): void;
  cancelRename(): void;
  remove(conversationId: string): void;
}

function renderTitle(conversation: ConversationSummaryView, current: boolean, locale: string, actions: HistoryActions): TemplateResult {
  return html`<button type="button" class="pick" aria-current=${current ? 'true' : nothing} @click=${() => actions.pick(conversation.conversation_id)}>
    <span class="conversation-title" dir="auto">${conversation.title}</span>
    <time datetime=${conversation.updated_at}>${relativeTime(conversation.updated_at, locale)}</time>
  </button>`;
}

function renderRename(conversation: ConversationSummaryView, strings: NgxChatStrings, actions: HistoryActions): TemplateResult {
  const save = (event: Event) => actions.rename(conversation.conversation_id, (event.target as HTMLInputElement).value);
  return html`<input
    class="rename"
    dir="auto"
    maxlength="80"
    aria-label=${strings.renameConversation}
    .value=${conversation.title}
    @keydown=${(event: KeyboardEvent) => {
      if (event.key === 'Enter') save(event);
      else if (event.key === 'Escape') {
        // Escape ends the renaming here, not the launcher's panel.
        event.stopPropagation();
        actions.cancelRename();
      }
    }}
    @blur=${save}
  />`;
}

/**
 * The reader's conversations, newest first: each switches to it, and can be renamed (in place:
 * Enter saves, Escape cancels) or deleted (the button asks to be pressed again).
 */
export function renderHistory(history: HistoryController, current: string | undefined, strings: NgxChatStrings, locale: string, actions: HistoryActions): TemplateResult {
  const { conversations } = history;
  return html`<div id="history" part="conversation-list" class="history" role="region" aria-label=${strings.conversations}>
    ${history.failed ? html`<p class="history-note">${strings.historyFailed}</p>` : nothing}
    ${conversations.length === 0 && !history.failed ? html`<p class="history-note">${strings.noConversations}</p>` : nothing}
    <ul>
      ${conversations.map((conversation) => {
        const id = conversation.conversation_id;
        const confirming = history.confirmingDelete === id;
        return html`<li part="conversation-item" class="conversation ${id === current ? 'current' : ''}">
          ${history.renaming === id ? renderRename(conversation, strings, actions) : renderTitle(conversation, id === current, locale, actions)}
          <button type="button" class="icon-button small" aria-label=${`${strings.renameConversation}: ${conversation.title}`} @click=${() => actions.startRename(id)}>${ICONS.edit}</button>
          <button
            type="button"
            class="icon-button small ${confirming ? 'confirm' : ''}"
            aria-label=${confirming ? `${strings.confirmDelete}: ${conversation.title}` : `${strings.deleteConversation}: ${conversation.title}`}
            @click=${() => actions.remove(id)}
          >
            ${ICONS.delete}
          </button>
        </li>`;
      })}
    </ul>
  </div>`;
}
