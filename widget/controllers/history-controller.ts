import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ConversationListView, ConversationSummaryView } from '../../protocol/index.js';
import { authorizedJson } from '../api/authorized-json.js';
import type { TokenSource } from '../api/token-source.js';

/** How many conversations the panel lists: the newest, one page. */
const PAGE = 50;

/**
 * The history panel's state: whether it is open, the reader's conversations (newest first, from
 * `GET /conversations`), and renaming and deleting them. Draws nothing; the element renders it.
 */
export class HistoryController implements ReactiveController {
  open = false;
  conversations: ConversationSummaryView[] = [];
  /** The conversation whose title is being edited. */
  renaming: string | undefined;
  /** The conversation whose delete button asks to be pressed again. */
  confirmingDelete: string | undefined;
  /** The last failure, said in the panel. */
  failed = false;
  private requests: AbortController | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly api: () => { apiUrl: string; tokens: TokenSource },
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.requests?.abort();
    this.requests = undefined;
  }

  /** Opens the panel (loading the list) or closes it. */
  toggle(): void {
    this.open = !this.open;
    this.renaming = undefined;
    this.confirmingDelete = undefined;
    if (this.open) void this.load();
    this.host.requestUpdate();
  }

  close(): void {
    if (!this.open) return;
    this.open = false;
    this.host.requestUpdate();
  }

  async load(): Promise<void> {
    const list = await this.request<ConversationListView>(`/conversations?limit=${PAGE}`, {});
    if (list) this.conversations = list.conversations;
    this.host.requestUpdate();
  }

  async rename(conversationId: string, title: string): Promise<void> {
    this.renaming = undefined;
    const trimmed = title.trim();
    const current = this.conversations.find((conversation) => conversation.conversation_id === conversationId);
    if (!current || trimmed === '' || trimmed === current.title) {
      this.host.requestUpdate();
      return;
    }
    current.title = trimmed;
    this.host.requestUpdate();
    await this.request(`/conversations/${encodeURIComponent(conversationId)}`, { method: 'PATCH', body: JSON.stringify({ title: trimmed }) });
  }

  /** Deletes a conversation once its button was pressed twice; returns true when it was deleted. */
  async remove(conversationId: string): Promise<boolean> {
    if (this.confirmingDelete !== conversationId) {
      this.confirmingDelete = conversationId;
      this.host.requestUpdate();
      return false;
    }
    this.confirmingDelete = undefined;
    this.conversations = this.conversations.filter((conversation) => conversation.conversation_id !== conversationId);
    this.host.requestUpdate();
    await this.request(`/conversations/${encodeURIComponent(conversationId)}`, { method: 'DELETE' });
    return true;
  }

  private async request<T>(path: string, init: RequestInit): Promise<T | undefined> {
    const { apiUrl, tokens } = this.api();
    this.requests ??= new AbortController();
    try {
      const body = await authorizedJson<T>(apiUrl, path, init, tokens, this.requests.signal);
      this.failed = false;
      return body;
    } catch {
      this.failed = true;
      return undefined;
    } finally {
      this.host.requestUpdate();
    }
  }
}
