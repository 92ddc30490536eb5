import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { NgxChatCloseEvent, NgxChatConversationChangeEvent, NgxChatErrorEvent, NgxChatFeedbackEvent, NgxChatMessageEvent, NgxChatOpenEvent, NgxChatSendEvent, NgxChatStatusEvent } from './events.js';
import { CHAT_STATUS, MESSAGE_STATUS, type ChatMessage, type ChatStatus, type MessageStatus } from './chat/chat-state.js';
import { CopyButtonsController } from './controllers/copy-buttons-controller.js';
import { HistoryController } from './controllers/history-controller.js';
import { renderHistory, type HistoryActions } from './render/history.js';
import { announceIn } from './render/live-region.js';
import { markdownStyles } from './render/markdown.styles.js';
import { replyStepsStyles } from './render/reply-steps.styles.js';
import { SessionStore } from './api/session-store.js';
import { resolveStrings, type NgxChatStrings } from './render/strings.js';
import { ICONS, renderLauncher, renderMessage, renderWelcome } from './render/templates.js';
import type { MetaContext } from './render/message-meta.js';
import { TokenSource, type TokenProvider } from './api/token-source.js';
import { ViewportFitController } from './controllers/viewport-fit-controller.js';
import { ngxChatStyles } from './ngx-chat.styles.js';
import { FullScreenController } from './controllers/full-screen-controller.js';
import { ScrollController } from './controllers/scroll-controller.js';
import { StatusLineController, type StatusLine } from './controllers/status-line-controller.js';
import { StreamController } from './controllers/stream-controller.js';
import { loadWidgetConfig, type AgentWelcome, type WidgetConfig } from './api/widget-config.js';

/** The `starter-prompts` attribute: a JSON array of strings; anything else is ignored (and said in the console). */
function parsePrompts(value: string | null): string[] | undefined {
  if (value === null) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    if (Array.isArray(parsed)) return parsed.filter((prompt): prompt is string => typeof prompt === 'string' && prompt.trim() !== '');
  } catch {
    // Reported below.
  }
  console.warn('ngx-chat: starter-prompts must be a JSON array of strings, such as ["Track my order"].');
  return undefined;
}

/** A message as the `messages` property reports it. */
export interface NgxChatMessage {
  role: 'user' | 'assistant';
  /** Plain text for the user, Markdown for the assistant. */
  text: string;
  status: MessageStatus;
}

/**
 * A streaming chat that drops into any page: it sends the reader's messages to the ngx-chat API
 * and renders the replies as they stream, resuming exactly where a broken connection or a page
 * reload left off.
 *
 * @summary Embeddable streaming chat: one script tag, one element.
 *
 * @slot title - The header title. Defaults to the `title` string ("Chat").
 * @slot greeting - Shown while the conversation is empty. Defaults to the `greeting` string.
 * @slot logo - Before the title: a logo or the assistant's avatar (an `<img>` with its `alt`, or an `<svg>`), at most 28 px high. Empty by default.
 *
 * @csspart panel - The chat window (the whole element inline, the floating panel in launcher mode).
 * @csspart header - The title bar.
 * @csspart log - The scrolling message list (`role="log"`).
 * @csspart message - Every message bubble.
 * @csspart message-user - The reader's messages.
 * @csspart message-assistant - The assistant's replies.
 * @csspart composer - The form holding the input and its buttons.
 * @csspart input - The message text box.
 * @csspart send-button - The send button.
 * @csspart stop-button - The stop button, shown above the text box while a reply streams (away from send, so a double click on send cannot stop the reply).
 * @csspart character-count - The count of characters near the API's limit (`1600 / 2000`).
 * @csspart launcher - The floating button of launcher mode.
 * @csspart copy-message-button - Under a finished reply: copies its Markdown, and says "Copied".
 * @csspart new-conversation-button - In the header: starts a new conversation (the current one stays in the history).
 * @csspart history-button - In the header: opens and closes the list of the reader's conversations.
 * @csspart conversation-list - The list of the reader's conversations, newest first.
 * @csspart conversation-item - One conversation in it: switch to it, rename it, delete it.
 * @csspart feedback-up - Under a finished reply: 👍, pressed once chosen.
 * @csspart feedback-down - Under a finished reply: 👎, which opens a field for an optional comment.
 * @csspart regenerate-button - Under the last reply, while no reply streams: writes it again as a new version (the old one stays a switch away).
 * @csspart edit-button - Under the last message the reader sent: opens it for editing; sending makes a new version with a new reply.
 * @csspart version-switcher - Under a message with versions: ‹ 2/3 ›, buttons to the previous and next version.
 * @csspart starter-prompt - In an empty conversation: one suggested message, a button that sends it.
 * @csspart unread-badge - On the launcher: the number of replies that arrived while the panel was closed.
 * @csspart tool-step - In a reply: one tool call ("Searching products…", then ✓ or ✗), a `<details>` that opens to its arguments and result.
 * @csspart reasoning - In a reply: the model's reasoning, folded under "Thought for N s".
 * @csspart sources - Under a reply: the links to the sources it cites.
 *
 * @cssproperty [--ngx-chat-font-family=system-ui, sans-serif] - Font of everything but code.
 * @cssproperty [--ngx-chat-code-font-family=ui-monospace, monospace] - Font of code.
 * @cssproperty [--ngx-chat-font-size=15px] - Base font size.
 * @cssproperty [--ngx-chat-line-height=1.5] - Base line height.
 * @cssproperty [--ngx-chat-radius=12px] - Corner radius of the panel and bubbles.
 * @cssproperty [--ngx-chat-spacing=12px] - Base padding and gap.
 * @cssproperty [--ngx-chat-background=#ffffff] - Panel background (dark: #16181d).
 * @cssproperty [--ngx-chat-text-color=#1f2328] - Text colour (dark: #e6e8eb).
 * @cssproperty [--ngx-chat-muted-color=#59636e] - Secondary text: status, notes, placeholder (dark: #a4acb6).
 * @cssproperty [--ngx-chat-border-color=#d0d7de] - Borders and separators (dark: #3a3f47).
 * @cssproperty [--ngx-chat-accent-color=#0a57d0] - Buttons and the launcher (dark: #8ab4f8).
 * @cssproperty [--ngx-chat-accent-text-color=#ffffff] - Text on the accent colour (dark: #0b1a33).
 * @cssproperty [--ngx-chat-user-background=#0a57d0] - The reader's bubbles (dark: #8ab4f8).
 * @cssproperty [--ngx-chat-user-text-color=#ffffff] - Text of the reader's bubbles (dark: #0b1a33).
 * @cssproperty [--ngx-chat-assistant-background=#f3f4f6] - The assistant's bubbles (dark: #23262d).
 * @cssproperty [--ngx-chat-assistant-text-color=#1f2328] - Text of the assistant's bubbles (dark: #e6e8eb).
 * @cssproperty [--ngx-chat-code-background=#e4e8ec] - Code background (dark: #2f333b).
 * @cssproperty [--ngx-chat-link-color=#0a57d0] - Links in replies (dark: #9cc0fa).
 * @cssproperty [--ngx-chat-error-color=#b42318] - Error notes (dark: #ffb4ab).
 * @cssproperty [--ngx-chat-focus-color=#0a57d0] - Focus ring (dark: #8ab4f8).
 * @cssproperty [--ngx-chat-shadow=0 6px 24px rgb(0 0 0 / 0.25)] - Shadow of the launcher and its panel.
 * @cssproperty [--ngx-chat-panel-width=380px] - Width of the launcher panel.
 * @cssproperty [--ngx-chat-panel-height=560px] - Height of the launcher panel.
 * @cssproperty [--ngx-chat-launcher-size=56px] - Diameter of the launcher button.
 * @cssproperty [--ngx-chat-offset=20px] - Distance of the launcher from the viewport's corner.
 * @cssproperty [--ngx-chat-z-index=2147483000] - Stacking order of the launcher and its panel.
 *
 * @event {NgxChatOpenEvent} ngx-chat-open - The launcher panel opened.
 * @event {NgxChatCloseEvent} ngx-chat-close - The launcher panel closed.
 * @event {NgxChatSendEvent} ngx-chat-send - The reader sent a message (`event.text`); cancelable.
 * @event {NgxChatMessageEvent} ngx-chat-message - A reply ended: `event.text`, `event.status` (`completed` or `cancelled`), `event.conversationId`.
 * @event {NgxChatErrorEvent} ngx-chat-error - Something failed: `event.error` is `{code, message, detail, fatal}`.
 * @event {NgxChatStatusEvent} ngx-chat-status - `event.status` changed: `connecting`, `streaming`, `reconnecting` or `idle`.
 * @event {NgxChatFeedbackEvent} ngx-chat-feedback - The reader rated a reply: `event.messageId`, `event.rating` (`up` or `down`), `event.comment` (after 👎, when given).
 * @event {NgxChatConversationChangeEvent} ngx-chat-conversation-change - The reader switched conversation from the history, or started a new one: `event.conversationId` (undefined for a new one).
 */
export class NgxChat extends LitElement {
  static override styles = [ngxChatStyles, markdownStyles, replyStepsStyles];

  static override properties = {
    apiUrl: { attribute: 'api-url' },
    token: {},
    tokenUrl: { attribute: 'token-url' },
    guest: { type: Boolean },
    getToken: { attribute: false },
    mode: { reflect: true },
    theme: { reflect: true },
    lang: {},
    instanceId: { attribute: 'instance-id' },
    storage: {},
    opened: { type: Boolean, reflect: true },
    strings: { attribute: false },
    metadata: { attribute: false },
    transport: {},
    starterPrompts: { attribute: 'starter-prompts', converter: { fromAttribute: parsePrompts } },
    maxLength: { state: true },
    apiConfig: { state: true },
    draftLength: { state: true },
    unread: { state: true },
  };

  /** Base URL of the ngx-chat API, such as `https://api.example.com`. */
  declare apiUrl: string;
  /** A bearer token to send as is. When the API refuses it, `getToken`, `token-url` or `guest` (if set) supply a new one. */
  declare token: string | undefined;
  /** An async function returning a bearer token; called first, then once more after a 401 before giving up. */
  declare getToken: TokenProvider | undefined;
  /** A URL the widget POSTs to (with the page's cookies, same-origin) for `{"access_token": "…"}`. */
  declare tokenUrl: string | undefined;
  /** Use anonymous guest tokens from the API's `/auth/guest`. */
  declare guest: boolean;
  /** `inline` fills its container; `launcher` is a floating button that opens a panel. Defaults to `inline`. */
  declare mode: 'inline' | 'launcher';
  /** `light`, `dark`, or `auto` to follow the system setting. Defaults to `auto`. */
  declare theme: 'light' | 'dark' | 'auto';
  /** Language of the built-in strings: `en` or `es`. Defaults to the page's `<html lang>`, else English. */
  declare lang: string;
  /** Names this element's saved conversation in storage; give each element on a page its own. Defaults to the element's id, else `default`. */
  declare instanceId: string | undefined;
  /**
   * Where the reader's guest identity and conversation are kept: `local` (the default) survives
   * closing the tab and is shared by the site's tabs, which show the same conversation and the
   * same live reply; `session` keeps them to this tab, until it closes.
   */
  declare storage: 'local' | 'session';
  /** Whether the launcher panel is open. */
  declare opened: boolean;
  /** Replacements for any built-in string, such as `{ title: 'Support' }`. */
  declare strings: Partial<NgxChatStrings>;
  /** Sent with every message as the request's `metadata`. */
  declare metadata: Record<string, unknown>;
  /**
   * How replies travel: `sse` (`POST /stream/chat`, a request per message) or `ws` (one WebSocket
   * to `/ws/chat` kept open between messages). Both resume, stop and retry alike. Defaults to `sse`.
   */
  declare transport: 'sse' | 'ws';
  /**
   * Messages offered as buttons in an empty conversation (the `starter-prompts` attribute takes a
   * JSON array). Defaults to the agent's own, from the API's `/widget/config`; `[]` shows none.
   */
  declare starterPrompts: string[] | undefined;
  /** The API's longest message, in characters, once `/widget/config` said it. */
  private declare maxLength: number | undefined;
  /** The API's public settings, once `/widget/config` answered. */
  private declare apiConfig: WidgetConfig | undefined;
  /** Characters in the text box, counted once they get near `maxLength`. */
  private declare draftLength: number;
  /** Replies that ended while the launcher's panel was closed. */
  private declare unread: number;
  /** The message sent last, until its reply starts: put back in the text box if the API refuses it. */
  private pendingDraft: string | undefined;

  private readonly tokens = new TokenSource(
    () => ({ apiUrl: this.apiUrl, token: this.token, getToken: this.getToken, tokenUrl: this.tokenUrl, guest: this.guest }),
    () => this.store,
  );

  private readonly chat = new StreamController(this, {
    settings: () => ({ apiUrl: this.apiUrl, metadata: this.metadata, strings: this.text, transport: this.transport === 'ws' ? 'ws' : 'sse' }),
    tokens: this.tokens,
    store: () => this.store,
    announce: (text) => this.announce(text),
    onStatus: (status) => {
      if (status === CHAT_STATUS.streaming) this.pendingDraft = undefined;
      this.dispatchEvent(new NgxChatStatusEvent(status));
    },
    onReplyEnd: (message) => {
      if (this.mode === 'launcher' && !this.opened) this.unread += 1;
      if (message.status !== MESSAGE_STATUS.error) this.dispatchEvent(new NgxChatMessageEvent(message.text, message.status, this.chat.conversationId));
    },
    onError: (error) => {
      if (error.fatal) this.restoreDraft();
      this.dispatchEvent(new NgxChatErrorEvent(error));
    },
    onRender: () => this.scroller.contentChanged(),
  });

  private readonly scroller = new ScrollController(this, () => this.renderRoot.querySelector<HTMLElement>('.log'));
  private readonly copyButtons = new CopyButtonsController(this, () => this.text, (text) => this.announce(text));
  private readonly fullScreen = new FullScreenController(this, () => this.mode === 'launcher' && this.opened, () => this.renderRoot.querySelector('.panel'));

  constructor() {
    super();
    // Registers itself with the element, which needs nothing more of it.
    // These two register themselves with the element, which needs nothing more of them.
    new ViewportFitController(this, () => this.mode === 'launcher', () => this.renderRoot.querySelector('.fixed-box'));
    new StatusLineController(this, () => this.statusLine(this.text), (text) => this.announce(text));
    this.apiUrl = '';
    this.guest = false;
    this.mode = 'inline';
    this.theme = 'auto';
    this.opened = false;
    this.strings = {};
    this.metadata = {};
    this.transport = 'sse';
    this.storage = 'local';
    this.draftLength = 0;
    this.unread = 0;
  }

  /** What the widget is doing: `idle`, `connecting`, `streaming` or `reconnecting`. */
  get status(): ChatStatus {
    return this.chat.status;
  }

  /** The conversation so far, oldest first (a copy). */
  get messages(): NgxChatMessage[] {
    return this.chat.messages.map(({ role, text, status }) => ({ role, text, status }));
  }

  /** The API's id of the current conversation, once the first reply started. */
  get conversationId(): string | undefined {
    return this.chat.conversationId;
  }

  /** Opens the launcher panel and moves focus to its input. */
  open(): void {
    if (this.mode !== 'launcher' || this.opened) return;
    this.opened = true;
    this.unread = 0;
    this.store.opened = true;
    this.dispatchEvent(new NgxChatOpenEvent());
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.input')?.focus());
  }

  /** Closes the launcher panel and returns focus to the launcher button. */
  close(): void {
    if (!this.opened) return;
    this.opened = false;
    this.store.opened = false;
    this.dispatchEvent(new NgxChatCloseEvent());
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('.launcher')?.focus());
  }

  /**
   * Sends `text` as the reader's message. Returns false (and sends nothing) when it is blank,
   * when a reply is still streaming, or when an `ngx-chat-send` listener called `preventDefault()`.
   */
  send(text: string): boolean {
    const message = text.trim();
    if (message === '' || this.chat.busy) return false;
    // dispatchEvent answers false when a listener cancelled the send.
    if (!this.dispatchEvent(new NgxChatSendEvent(message)) || !this.chat.send(message)) return false;
    this.scroller.jump();
    return true;
  }

  /** Stops the reply being written; its text so far stays, marked as stopped. */
  stop(): void {
    this.chat.stop();
  }

  /** Starts a new conversation, forgetting the current one. */
  clear(): void {
    this.chat.clear();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('online', this.handleConnectivity);
    window.addEventListener('offline', this.handleConnectivity);
    window.addEventListener('storage', this.handleStorage);
    this.clock = setInterval(() => {
      if (this.chat.messages.length > 0) this.requestUpdate();
    }, 60_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('online', this.handleConnectivity);
    window.removeEventListener('offline', this.handleConnectivity);
    window.removeEventListener('storage', this.handleStorage);
    clearInterval(this.clock);
  }

  protected override firstUpdated(): void {
    // A reload in the middle of a reply shows the panel again, the reply streaming in it.
    if (this.mode === 'launcher' && this.store.opened) this.opened = true;
    void this.chat.restore();
    void this.learnConfig();
  }

  protected override updated(changed: PropertyValues<this>): void {
    const authChanged = changed.has('token') || changed.has('tokenUrl') || changed.has('guest') || changed.has('getToken');
    if (authChanged && !changed.has('apiUrl')) this.tokens.reset();
    if (changed.has('apiUrl') && changed.get('apiUrl') !== undefined) {
      this.tokens.reset();
      void this.chat.restore();
      void this.learnConfig();
    }
  }

  // The log is role="log" but aria-live="off": the separate live region speaks whole sentences,
  // where a live log would read out every token as it lands.
  protected override render() {
    const revisable = this.revisable();
    const strings = this.text;
    const launcher = this.mode === 'launcher';
    const panel = html`<section
      id="panel"
      part="panel"
      class="panel"
      role=${launcher ? 'dialog' : 'region'}
      aria-modal=${this.fullScreen.active ? 'true' : nothing}
      aria-labelledby="title"
      ?hidden=${launcher && !this.opened}
      @keydown=${this.handlePanelKeydown}
    >
      <div part="header" class="header">
        <span class="logo"><slot name="logo"></slot></span>
        <span id="title" class="title"><slot name="title">${strings.title}</slot></span>
        <button type="button" part="new-conversation-button" class="icon-button" aria-label=${strings.newConversation} @click=${this.handleNewConversation}>${ICONS.add}</button>
        <button
          type="button"
          part="history-button"
          class="icon-button"
          aria-label=${strings.conversations}
          aria-expanded=${this.history.open ? 'true' : 'false'}
          aria-controls="history"
          @click=${this.handleHistoryToggle}
        >
          ${ICONS.history}
        </button>
        ${launcher ? html`<button type="button" class="icon-button" aria-label=${strings.closeChat} @click=${this.close}>${ICONS.close}</button>` : nothing}
      </div>
      <div class="body">
        ${this.history.open ? renderHistory(this.history, this.chat.conversationId, strings, this.locale, this.historyActions) : nothing}
        <div part="log" class="log" role="log" aria-live="off" aria-label=${strings.logLabel} tabindex="0" ?hidden=${this.history.open} @click=${this.handleLogClick}>
          ${this.chat.messages.length === 0
            ? renderWelcome(this.welcome(strings), strings, (prompt) => this.sendStarter(prompt))
            : this.chat.messages.map((message) => renderMessage(message, strings, { locale: this.locale, maxLength: this.maxLength, revisable, ...this.replyActions }))}
        </div>
        ${this.scroller.showJump ? html`<button type="button" class="jump" @click=${this.handleJump}>${strings.jumpToLatest}</button>` : nothing}
      </div>
      <div class="toolbar">
        <div class="status" aria-hidden="true">${this.statusLine(strings).text}</div>
        ${this.chat.busy ? html`<button type="button" part="stop-button" class="stop" @click=${this.handleStop}>${strings.stop}</button>` : nothing}
      </div>
      <form part="composer" class="composer" @submit=${this.handleSubmit}>
        <textarea
          part="input"
          class="input"
          rows="1"
          dir="auto"
          aria-label=${strings.inputLabel}
          aria-describedby="count"
          aria-invalid=${this.overLimit ? 'true' : 'false'}
          placeholder=${strings.placeholder}
          @keydown=${this.handleInputKeydown}
          @input=${this.handleInput}
        ></textarea>
        ${this.renderCount(strings)}
        <button type="submit" part="send-button" class="send" aria-label=${strings.send} aria-disabled=${this.chat.busy ? 'true' : 'false'}>${ICONS.send}</button>
      </form>
    </section>`;
    const live = html`<div class="sr-only live" aria-live="polite"></div>`;
    if (!launcher) return html`${panel}${live}`;
    return html`${panel}${renderLauncher(this.opened, this.unread, strings, () => (this.opened ? this.close() : this.open()))}${live}<div class="fixed-box" aria-hidden="true"></div>`;
  }

  /** The strings in effect: the language's, with `strings` on top. */
  private get text(): NgxChatStrings {
    return resolveStrings(this.locale, this.strings);
  }

  /** The element's language: `lang`, else the page's, else English. */
  private get locale(): string {
    return this.lang || document.documentElement.lang || 'en';
  }

  private readonly history = new HistoryController(this, () => ({ apiUrl: this.apiUrl, tokens: this.tokens }));

  /** What the history list's buttons do. */
  private readonly historyActions: HistoryActions = {
    pick: (conversationId) => {
      this.history.close();
      if (conversationId !== this.chat.conversationId) {
        this.chat.openConversation(conversationId);
        this.dispatchEvent(new NgxChatConversationChangeEvent(conversationId));
      }
      this.input?.focus();
    },
    startRename: (conversationId) => {
      this.history.renaming = conversationId;
      this.requestUpdate();
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>('.rename')?.select());
    },
    rename: (conversationId, title) => void this.history.rename(conversationId, title),
    cancelRename: () => {
      this.history.renaming = undefined;
      this.requestUpdate();
    },
    remove: (conversationId) => {
      void this.history.remove(conversationId).then((removed) => {
        if (removed && conversationId === this.chat.conversationId) {
          this.chat.clear();
          this.dispatchEvent(new NgxChatConversationChangeEvent(undefined));
        }
      });
    },
  };

  private readonly handleNewConversation = () => {
    this.history.close();
    if (this.chat.conversationId === undefined && this.chat.messages.length === 0) return;
    this.chat.clear();
    this.dispatchEvent(new NgxChatConversationChangeEvent(undefined));
    this.input?.focus();
  };

  private readonly handleHistoryToggle = () => this.history.toggle();

  /** What can be regenerated and edited now: the last exchange, while no reply streams. */
  private revisable(): MetaContext['revisable'] {
    const [user, reply] = this.chat.messages.slice(-2);
    if (this.chat.busy || reply?.role !== 'assistant') return {};
    return { reply, ...(user?.role === 'user' && user.id ? { user } : {}) };
  }

  /** Focuses, once rendered, what `selector` finds in the message at `position` of the log. */
  private focusInMessage(position: number, selector: string): void {
    void this.updateComplete.then(() => this.renderRoot.querySelectorAll('.log > .message')[position]?.querySelector<HTMLElement>(selector)?.focus());
  }

  /** What the buttons under a message do: copy, rate (and comment after 👎), regenerate, edit, switch versions. */
  private readonly replyActions = {
    regenerate: () => {
      if (this.chat.regenerate()) this.input?.focus();
    },
    edit: (message: ChatMessage) => {
      message.editing = true;
      this.requestUpdate();
      this.focusInMessage(this.chat.messages.indexOf(message), 'textarea');
    },
    saveEdit: (message: ChatMessage, text: string | undefined) => {
      message.editing = false;
      this.requestUpdate();
      if (text !== undefined && text !== message.text && this.chat.edit(message, text)) this.input?.focus();
      else this.focusInMessage(this.chat.messages.indexOf(message), '[part~="edit-button"]');
    },
    selectVersion: (message: ChatMessage, index: number) => {
      const position = this.chat.messages.indexOf(message);
      void this.chat.selectVersion(message, index).then((shown) => {
        if (!shown) return;
        const versions = this.chat.messages[position]?.versions;
        if (versions) this.announce(this.text.versionOf.replace('{index}', String(versions.index + 1)).replace('{count}', String(versions.count)));
        this.focusInMessage(position, '.version:not([disabled])');
      });
    },
    copy: (message: ChatMessage, button: HTMLElement) => this.copyButtons.copyReply(message.text, button),
    rate: (message: ChatMessage, rating: 'up' | 'down') => {
      message.commenting = rating === 'down';
      void this.chat.rate(message, rating).then((kept) => {
        if (!kept || !message.id) return;
        this.dispatchEvent(new NgxChatFeedbackEvent(message.id, rating, undefined));
        if (rating === 'up') this.announce(this.text.feedbackThanks);
        else void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLTextAreaElement>('.inline-form textarea')?.focus());
      });
      this.requestUpdate();
    },
    comment: (message: ChatMessage, text: string | undefined) => {
      message.commenting = false;
      this.requestUpdate();
      this.input?.focus();
      if (text === undefined) return;
      void this.chat.rate(message, 'down', text).then((kept) => {
        if (!kept || !message.id) return;
        this.dispatchEvent(new NgxChatFeedbackEvent(message.id, 'down', text));
        this.announce(this.text.feedbackThanks);
      });
    },
  };

  private get store(): SessionStore {
    return new SessionStore(this.instanceId || this.id || 'default', this.storage === 'session' ? 'session' : 'local');
  }

  private statusLine(strings: NgxChatStrings): StatusLine {
    const { status } = this.chat;
    if (status === CHAT_STATUS.connecting) return { text: strings.connecting, kind: status, ticking: false };
    if (status !== CHAT_STATUS.reconnecting) return { text: '', kind: status, ticking: false };
    if (!navigator.onLine) return { text: strings.waitingForNetwork, kind: 'offline', ticking: false };
    const waiting = this.chat.rateLimitedUntil !== undefined;
    return { text: this.chat.retryMessage(), kind: waiting ? 'rate-limited' : status, ticking: waiting };
  }

  /** True when the text box holds more than the API accepts. */
  private get overLimit(): boolean {
    return this.maxLength !== undefined && this.draftLength > this.maxLength;
  }

  /** The count of characters, once the draft is within a tenth of the limit. */
  private renderCount(strings: NgxChatStrings) {
    const limit = this.maxLength;
    if (limit === undefined || this.draftLength < limit * 0.9) return html`<span id="count" hidden></span>`;
    const count = strings.characterCount.replace('{count}', String(this.draftLength)).replace('{limit}', String(limit));
    return html`<span id="count" part="character-count" class="counter ${this.overLimit ? 'over' : ''}">${count}</span>`;
  }

  /** Reads the API's limits and its agents' greetings and starter prompts from its public `/widget/config`. */
  private async learnConfig(): Promise<void> {
    if (!this.apiUrl) return;
    this.apiConfig = await loadWidgetConfig(this.apiUrl);
    this.maxLength = this.apiConfig.maxMessageLength;
  }

  /**
   * The empty conversation's greeting and prompts: the page's own (its `greeting` string or
   * slot, its `starterPrompts`), else those of the agent this element talks to.
   */
  private welcome(strings: NgxChatStrings): AgentWelcome {
    const config = this.apiConfig;
    const requested = this.metadata.agent;
    const agent = config?.agents[typeof requested === 'string' ? requested : (config.defaultAgent ?? '')];
    return { greeting: this.strings.greeting ?? agent?.greeting ?? strings.greeting, starterPrompts: this.starterPrompts ?? agent?.starterPrompts ?? [] };
  }

  /** A starter prompt, sent as if typed; the text box keeps any draft. */
  private sendStarter(prompt: string): void {
    if (this.send(prompt)) this.input?.focus();
  }

  private get input(): HTMLTextAreaElement | null {
    return this.renderRoot.querySelector<HTMLTextAreaElement>('.input');
  }

  /** Puts back a message the API refused, unless the reader has started another. */
  private restoreDraft(): void {
    const draft = this.pendingDraft;
    this.pendingDraft = undefined;
    const input = this.input;
    if (!draft || !input || input.value !== '') return;
    input.value = draft;
    this.countDraft();
  }

  /** Counts the draft's characters (code points, as the API does) once it may be near the limit. */
  private countDraft(): void {
    const value = this.input?.value ?? '';
    const limit = this.maxLength;
    // UTF-16 units are at least as many as code points: below 90% of the limit there is nothing to show.
    this.draftLength = limit === undefined || value.length < limit * 0.9 ? 0 : [...value].length;
  }

  /** Speaks `text` through the polite live region. */
  private announce(text: string): void {
    announceIn(this.renderRoot.querySelector('.live'), text);
  }

  /** The status line says "offline" while the browser is. */
  private readonly handleConnectivity = () => this.requestUpdate();
  /** Another tab changed this element's saved conversation. */
  private readonly handleStorage = (event: StorageEvent) => {
    if (this.store.concerns(event)) this.chat.followOtherTab();
  };
  /** Re-renders the messages' relative times ("5 minutes ago") once a minute while there are any. */
  private clock: ReturnType<typeof setInterval> | undefined;

  private handleSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const input = this.input;
    if (!input) return;
    // Focus stays in the composer, whichever button was pressed.
    input.focus();
    this.countDraft();
    if (this.overLimit) {
      const strings = this.text;
      this.announce(strings.overLimit.replace('{count}', String(this.draftLength)).replace('{limit}', String(this.maxLength)));
      return;
    }
    const text = input.value;
    if (!this.send(text)) return;
    this.pendingDraft = text;
    input.value = '';
    this.countDraft();
  }

  private handleInput(): void {
    this.countDraft();
  }

  private handleStop(): void {
    this.stop();
    this.input?.focus();
  }

  private handleJump(): void {
    this.scroller.jump();
    this.input?.focus();
  }

  private handleInputKeydown(event: KeyboardEvent): void {
    // Enter sends, Shift+Enter adds a line; Enter that confirms an IME composition does neither.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    this.renderRoot.querySelector('form')?.requestSubmit();
  }

  private handlePanelKeydown(event: KeyboardEvent): void {
    if (event.key === 'Escape' && this.history.open) {
      event.stopPropagation();
      this.history.close();
      void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLElement>('[part="history-button"]')?.focus());
      return;
    }
    if (event.key === 'Escape' && this.mode === 'launcher' && this.opened) {
      event.stopPropagation();
      this.close();
    }
  }

  /** Copy buttons of code blocks (rendered outside Lit, hence one delegated listener). */
  private handleLogClick(event: MouseEvent): void {
    this.copyButtons.handleClick(event);
  }
}

if (!customElements.get('ngx-chat')) customElements.define('ngx-chat', NgxChat);

declare global {
  interface HTMLElementTagNameMap {
    'ngx-chat': NgxChat;
  }
}
