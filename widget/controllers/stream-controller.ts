import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { EventSourceMessage } from '@microsoft/fetch-event-source';
import { CHUNK_TYPE, type ConversationView, type MessageView } from '../../protocol/index.js';
import { isOriginAllowed } from '../api/api-client.js';
import { ApiError } from '../api/api-errors.js';
import { authorizedJson } from '../api/authorized-json.js';
import type { SessionStore } from '../api/session-store.js';
import { SSE_TRANSPORT } from '../api/sse-transport.js';
import type { StreamTransport } from '../api/stream-transport.js';
import type { TokenSource } from '../api/token-source.js';
import { WsTransport } from '../api/ws-transport.js';
import { waitToRetry } from '../chat/backoff.js';
import { CHAT_STATUS, MESSAGE_STATUS, type ChatMessage, type ChatStatus, type MessageStatus } from '../chat/chat-state.js';
import { failureMessage } from '../chat/failures.js';
import { Reply, type ReplyPosition } from '../chat/reply.js';
import { OriginRefusedError, ReplyRunner } from '../chat/reply-runner.js';
import type { ChatError } from '../events.js';
import { highlightLater } from '../render/code-highlighter.js';
import { MathRenderer } from '../render/math-renderer.js';
import { MarkdownView } from '../render/markdown-view.js';
import type { NgxChatStrings } from '../render/strings.js';
import { TOOL_PHASE, toolLabel } from '../render/tool-labels.js';

/** What the controller needs from its element. */
export interface StreamControllerOptions {
  /** The element's current settings, read at each request. */
  settings(): { apiUrl: string; metadata: Record<string, unknown>; strings: NgxChatStrings; transport: 'sse' | 'ws' };
  tokens: TokenSource;
  store(): SessionStore;
  /** Puts text in the polite live region. */
  announce(text: string): void;
  onStatus(status: ChatStatus): void;
  /** A reply ended (completed, stopped or failed). */
  onReplyEnd(message: ChatMessage): void;
  onError(error: ChatError): void;
  /** New text was rendered. */
  onRender(): void;
}

/**
 * Sends messages and streams the replies into `messages` (each read to its end by a
 * {@link ReplyRunner}), stops, and restores a conversation after a page reload. Draws nothing;
 * the element renders `messages` and `status`.
 */
export class StreamController implements ReactiveController {
  /** The conversation as shown, oldest first. */
  messages: ChatMessage[] = [];
  status: ChatStatus = CHAT_STATUS.idle;
  /** While waiting out a rate limit (429): when the retry is due, in ms since the epoch. */
  rateLimitedUntil: number | undefined;
  conversationId: string | undefined;
  private active: Reply | undefined;
  /** The stream of the newest reply this tab showed: another tab's newer one is followed. */
  private lastStreamId: string | undefined;
  private run: AbortController | undefined;
  private restoring: AbortController | undefined;
  private frame = 0;
  private nextKey = 0;
  /** The WebSocket kept between replies, while `transport` is `ws`. */
  private socket: WsTransport | undefined;
  /** The DELETE of the last stopped stream: a new message waits for it, or the API would still find the conversation busy. */
  private stopping: Promise<void> = Promise.resolve();
  private readonly math: MathRenderer;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly options: StreamControllerOptions,
  ) {
    host.addController(this);
    this.math = new MathRenderer(() => this.settings.apiUrl, options.tokens);
  }

  /** True while a reply is in flight. */
  get busy(): boolean {
    return this.active !== undefined;
  }

  hostConnected(): void {
    // Moved in the DOM: the reply that was streaming resumes where it stood.
    if (this.active && !this.run) this.start(this.active);
  }

  hostDisconnected(): void {
    this.run?.abort();
    this.run = undefined;
    this.socket?.close();
    this.restoring?.abort();
    cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  /** Sends `text` as the user's next message. Returns false when a reply is still in flight. */
  send(text: string): boolean {
    if (this.active) return false;
    this.restoring?.abort();
    this.messages = [...this.messages, this.message('user', text, MESSAGE_STATUS.completed), this.message('assistant', '', MESSAGE_STATUS.streaming)];
    this.start(new Reply(this.messages[this.messages.length - 1], text, this.options.announce));
    return true;
  }

  /** Writes the last reply again: a new version streams in its place, the old one a switch away. */
  regenerate(): boolean {
    const last = this.messages.at(-1);
    if (this.active || last?.role !== 'assistant' || !this.conversationId) return false;
    const count = last.versions?.count ?? 1;
    this.revise(this.messages.slice(0, -1), { regenerate: true }, { index: count, count: count + 1 });
    return true;
  }

  /** Sends `text` as a new version of `message`, the last one the reader sent, and streams its new reply. */
  edit(message: ChatMessage, text: string): boolean {
    const at = this.messages.indexOf(message);
    if (this.active || !message.id || !this.conversationId || message.role !== 'user' || at !== this.messages.length - 2) return false;
    const count = message.versions?.count ?? 1;
    const edited = this.message('user', text, MESSAGE_STATUS.completed);
    edited.versions = { index: count, count: count + 1 };
    this.revise([...this.messages.slice(0, at), edited], { edit: { message_id: message.id, message: text } });
    return true;
  }

  /** Shows version `index` of `message` and the thread below it, as the API keeps them. Resolves false when it could not. */
  async selectVersion(message: ChatMessage, index: number): Promise<boolean> {
    const conversationId = this.conversationId;
    if (this.active || !message.id || !conversationId) return false;
    const path = `/conversations/${encodeURIComponent(conversationId)}/messages/${encodeURIComponent(message.id)}/select`;
    let view: ConversationView;
    try {
      view = await authorizedJson<ConversationView>(this.settings.apiUrl, path, { method: 'POST', body: JSON.stringify({ index }) }, this.options.tokens, new AbortController().signal);
    } catch {
      return false;
    }
    // A reply started, or another conversation opened, meanwhile: that is what the reader looks at now.
    if (this.active || conversationId !== this.conversationId) return false;
    this.messages = this.shown(view.messages);
    this.host.requestUpdate();
    return true;
  }

  /** Streams a new version in place of what follows `before`: `revision` is the body's `regenerate` or `edit`. */
  private revise(before: ChatMessage[], revision: Record<string, unknown>, versions?: ChatMessage['versions']): void {
    this.restoring?.abort();
    const message = this.message('assistant', '', MESSAGE_STATUS.streaming);
    if (versions) message.versions = versions;
    this.messages = [...before, message];
    const reply = new Reply(message, undefined, this.options.announce);
    reply.revision = revision;
    this.start(reply);
  }

  /** Stops the reply in flight: the partial text stays, marked as stopped. */
  stop(): void {
    const reply = this.active;
    if (!reply) return;
    if (!reply.streamId) {
      // Nothing to DELETE yet. An attempt in flight brings the id with `start` in a moment, and
      // handle() stops then; a broken one may never bring it, so the reply stops here.
      reply.stopRequested = true;
      if (this.status === CHAT_STATUS.reconnecting) this.end(reply, MESSAGE_STATUS.cancelled, this.strings.stopped);
      return;
    }
    const streamId = reply.streamId;
    this.stopping = authorizedJson(this.settings.apiUrl, `/stream/chat/${encodeURIComponent(streamId)}`, { method: 'DELETE' }, this.options.tokens, new AbortController().signal).then(
      () => undefined,
      // The stream may have just ended or expired; either way it is no longer generating.
      () => undefined,
    );
    this.end(reply, MESSAGE_STATUS.cancelled, this.strings.stopped);
  }

  /** Forgets the conversation (and stops a reply in flight). */
  clear(): void {
    if (this.active) this.stop();
    this.restoring?.abort();
    this.forget();
    this.options.store().clear();
    this.setStatus(CHAT_STATUS.idle);
    this.host.requestUpdate();
  }

  /**
   * Shows another of the reader's conversations (from the history): the reply this tab was
   * reading goes on at the API, and is there when the reader comes back to it.
   */
  openConversation(conversationId: string): void {
    if (conversationId === this.conversationId) return;
    this.forget();
    this.options.store().save({ conversationId });
    this.setStatus(CHAT_STATUS.idle);
    void this.restore();
  }

  /**
   * Another tab of the site changed the saved conversation: while this one is idle it shows the
   * same — a conversation started or switched to there, or a reply started there, which it
   * reattaches to and streams alongside. A tab that is streaming keeps to its own reply.
   */
  followOtherTab(): void {
    if (this.active) return;
    const saved = this.options.store().load();
    if (!saved) {
      // Cleared there (a new conversation): the same here, without touching the storage again.
      if (this.conversationId === undefined) return;
      this.forget();
      this.host.requestUpdate();
      return;
    }
    const newReply = saved.reply !== undefined && saved.reply.streamId !== this.lastStreamId;
    if (saved.conversationId === this.conversationId && !newReply) return;
    this.forget();
    void this.restore();
  }

  /**
   * Drops what this tab shows — the messages, the conversation, the reading of a reply (which
   * goes on at the API) — but not what is stored.
   */
  private forget(): void {
    this.run?.abort();
    this.run = undefined;
    this.active = undefined;
    this.messages = [];
    this.conversationId = undefined;
  }

  /**
   * Rates a reply (with an optional comment): kept with the message at the API, the latest
   * replacing the last. Resolves false when the API could not take it.
   */
  async rate(message: ChatMessage, rating: 'up' | 'down', comment?: string): Promise<boolean> {
    if (!message.id || !this.conversationId) return false;
    const path = `/conversations/${encodeURIComponent(this.conversationId)}/messages/${encodeURIComponent(message.id)}/feedback`;
    try {
      await authorizedJson(this.settings.apiUrl, path, { method: 'POST', body: JSON.stringify({ rating, ...(comment ? { comment } : {}) }) }, this.options.tokens, new AbortController().signal);
    } catch {
      return false;
    }
    message.feedback = rating;
    this.host.requestUpdate();
    return true;
  }

  /** Restores the saved conversation after a reload, and reattaches to its reply in flight. */
  async restore(): Promise<void> {
    const saved = this.options.store().load();
    if (!saved || this.messages.length > 0 || this.active || !this.settings.apiUrl) return;
    this.restoring?.abort();
    const restoring = new AbortController();
    this.restoring = restoring;
    this.setStatus(CHAT_STATUS.connecting);
    let history: MessageView[];
    try {
      const path = `/conversations/${encodeURIComponent(saved.conversationId)}`;
      ({ messages: history } = await authorizedJson<ConversationView>(this.settings.apiUrl, path, { cache: 'no-store' }, this.options.tokens, restoring.signal));
    } catch (err) {
      if (restoring.signal.aborted) return;
      this.setStatus(CHAT_STATUS.idle);
      if (err instanceof ApiError && err.status === 404) this.options.store().clear();
      else this.report(err, false);
      return;
    }
    if (restoring.signal.aborted) return;
    this.conversationId = saved.conversationId;
    this.messages = this.shown(history);
    const last = history.at(-1);
    const lastMessage = this.messages.at(-1);
    this.lastStreamId = history.findLast((entry) => entry.stream_id)?.stream_id;
    if (last?.role === 'assistant' && last.status === 'streaming' && last.stream_id && lastMessage) {
      // The saved position belongs to this stream only if the ids match; else replay it whole.
      const position: ReplyPosition = saved.reply?.streamId === last.stream_id ? saved.reply : { streamId: last.stream_id, lastEventId: `${last.stream_id}:0`, nextChunk: 0, text: '' };
      this.start(new Reply(lastMessage, undefined, this.options.announce, position));
    } else {
      for (const message of this.messages) if (message.status === MESSAGE_STATUS.streaming) message.status = MESSAGE_STATUS.error;
      this.setStatus(CHAT_STATUS.idle);
    }
    this.host.requestUpdate();
  }

  /** The messages of `GET /conversations/{id}` as the log shows them. */
  private shown(history: MessageView[]): ChatMessage[] {
    return history.map((entry) => {
      const message = this.message(entry.role, entry.content, entry.status === 'streaming' ? MESSAGE_STATUS.streaming : entry.status, entry.created_at);
      const steps = entry.parts?.filter((part) => part.type !== 'text');
      if (steps?.length) message.steps = steps;
      message.id = entry.id;
      message.feedback = entry.feedback?.rating;
      message.versions = entry.versions;
      return message;
    });
  }

  private get settings() {
    return this.options.settings();
  }

  /** The transport the element asks for now; switching away from `ws` closes its socket. */
  private get transport(): StreamTransport {
    if (this.settings.transport === 'ws') return (this.socket ??= new WsTransport());
    this.socket?.close();
    this.socket = undefined;
    return SSE_TRANSPORT;
  }

  private get strings(): NgxChatStrings {
    return this.settings.strings;
  }

  private message(role: ChatMessage['role'], text: string, status: MessageStatus, createdAt = new Date().toISOString()): ChatMessage {
    const message: ChatMessage = { key: this.nextKey++, role, text, status, createdAt };
    if (role === 'assistant') {
      message.view = new MarkdownView(
        this.strings,
        (code, language) => highlightLater(this.settings.apiUrl, code, language),
        (formula, display) => this.math.render(formula, display),
      );
      if (status !== MESSAGE_STATUS.streaming) {
        message.view.write(text);
        message.view.end();
      }
    }
    return message;
  }

  private start(reply: Reply): void {
    this.active = reply;
    const run = new AbortController();
    this.run = run;
    this.setStatus(reply.lastEventId ? CHAT_STATUS.reconnecting : CHAT_STATUS.connecting);
    this.host.requestUpdate();
    this.pump(reply, run.signal).catch((err: unknown) => {
      if (!run.signal.aborted) this.fail(reply, err);
    });
  }

  /** Reads the reply's stream until its end, retrying what can be retried. */
  private async pump(reply: Reply, signal: AbortSignal): Promise<void> {
    await this.stopping;
    await this.runner(reply).run(reply, signal);
  }

  private runner(reply: Reply): ReplyRunner {
    return new ReplyRunner({
      tokens: this.options.tokens,
      transport: () => this.transport,
      request: () => ({
        apiUrl: this.settings.apiUrl,
        body: { ...(reply.revision ?? { message: reply.prompt }), metadata: this.settings.metadata, conversation_id: this.conversationId, request_id: reply.requestId },
      }),
      onEvent: (event) => this.handle(reply, event),
      onWait: (wait) => {
        this.rateLimitedUntil = wait?.rateLimited ? Date.now() + wait.delayMs : undefined;
        if (!wait) return;
        this.setStatus(CHAT_STATUS.reconnecting);
        this.report(wait.error, false);
      },
      online: () => navigator.onLine,
      originAllowed: isOriginAllowed,
      wait: waitToRetry,
    });
  }

  private handle(reply: Reply, event: EventSourceMessage): void {
    const applied = reply.apply(event);
    switch (applied.kind) {
      case 'start':
        this.conversationId = applied.data.conversation_id;
        this.lastStreamId = applied.data.stream_id;
        this.nameUserMessage(reply, applied.data.user_message_id);
        this.setStatus(CHAT_STATUS.streaming);
        this.save();
        if (reply.stopRequested) this.stop();
        return;
      case 'step':
        // A tool call is announced once, by its name for people; never its arguments or result.
        if (applied.step.type === CHUNK_TYPE.toolCall) this.options.announce(toolLabel(applied.step, TOOL_PHASE.running, this.strings));
        if (this.status !== CHAT_STATUS.streaming) this.setStatus(CHAT_STATUS.streaming);
        if (!this.frame) this.frame = requestAnimationFrame(() => this.flush());
        return;
      case 'chunk':
        if (this.status !== CHAT_STATUS.streaming) this.setStatus(CHAT_STATUS.streaming);
        if (!this.frame) this.frame = requestAnimationFrame(() => this.flush());
        return;
      case 'end':
        this.end(reply, applied.data.status === 'cancelled' ? MESSAGE_STATUS.cancelled : MESSAGE_STATUS.completed, applied.data.status === 'cancelled' ? this.strings.stopped : this.strings.replyComplete);
        return;
      case 'error':
        this.end(reply, MESSAGE_STATUS.error, this.strings.replyFailed, this.strings.replyFailed);
        this.options.onError({ code: 'reply_failed', message: this.strings.replyFailed, detail: applied.data.error, fatal: true });
        return;
      default:
    }
  }

  /** Gives the user message a reply answers the id `start` told, so it can be edited. */
  private nameUserMessage(reply: Reply, id: string | undefined): void {
    const user = this.messages[this.messages.indexOf(reply.message) - 1];
    if (id && user?.role === 'user') user.id = id;
  }

  /** Renders what arrived since the last frame: at most once per animation frame. */
  private flush(): void {
    this.frame = 0;
    if (!this.active) return;
    this.active.flush();
    this.save();
    this.options.onRender();
    this.host.requestUpdate();
  }

  private end(reply: Reply, status: MessageStatus, closing: string, note?: string): void {
    cancelAnimationFrame(this.frame);
    this.frame = 0;
    if (this.active === reply) {
      this.run?.abort();
      this.run = undefined;
      this.active = undefined;
    }
    reply.finish(status, closing, note);
    this.save();
    this.setStatus(CHAT_STATUS.idle);
    this.options.onRender();
    this.host.requestUpdate();
    this.options.onReplyEnd(reply.message);
  }

  private fail(reply: Reply, err: unknown): void {
    if (err instanceof OriginRefusedError) {
      // The reader sees "not allowed"; the site's developer looks in the console for what to change.
      console.error(`ngx-chat: the API at ${err.apiUrl} refuses this page's origin; add ${location.origin} to its ALLOWED_ORIGINS.`);
    }
    const message = failureMessage(err, this.strings, navigator.onLine);
    if (reply.done) return;
    this.end(reply, MESSAGE_STATUS.error, message, message);
    this.report(err, true);
  }

  private report(err: unknown, fatal: boolean): void {
    const code = err instanceof ApiError ? err.code : err instanceof Error ? err.name : 'unknown';
    const message = fatal ? failureMessage(err, this.strings, navigator.onLine) : this.retryMessage();
    this.options.onError({ code, message, detail: String(err instanceof Error ? err.message : err), fatal });
  }

  /** What the reader is told while a retry is pending: a rate limit's wait, or a reconnection. */
  retryMessage(): string {
    if (this.rateLimitedUntil === undefined) return this.strings.reconnecting;
    const seconds = Math.max(1, Math.ceil((this.rateLimitedUntil - Date.now()) / 1000));
    return this.strings.rateLimited.replace('{seconds}', String(seconds));
  }

  private save(): void {
    if (!this.conversationId) return;
    this.options.store().save({ conversationId: this.conversationId, reply: this.active?.position() });
  }

  private setStatus(status: ChatStatus): void {
    if (status === this.status) return;
    this.status = status;
    this.options.onStatus(status);
    this.host.requestUpdate();
  }
}

