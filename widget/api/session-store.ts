import type { ReplyStep } from '../../protocol/index.js';
/** What survives a page reload, per element. */
export interface SavedSession {
  conversationId: string;
  /** The reply in flight, when there is one. */
  reply?: SavedReply;
}

/** A reply in flight: enough to resume it exactly where it stood. */
export interface SavedReply {
  streamId: string;
  /** Id of the last event applied; the resume sends it as `Last-Event-ID`. */
  lastEventId: string;
  /** `chunk_index` of the next chunk to apply. */
  nextChunk: number;
  /** The reply's text up to and including that event. */
  text: string;
  /** Its steps up to that event (tool calls and results, reasoning, sources). */
  steps?: ReplyStep[];
}

/** Where the reader's identity and conversation are kept: `local` across tabs and visits, `session` for this tab alone. */
export type StorageKind = 'local' | 'session';

/**
 * The element's stored entries, namespaced by its `instance-id` (or id) so several widgets on a
 * page keep separate conversations. The guest token and the conversation go to `localStorage`
 * (every tab of the site, and later visits) unless the page asks for `sessionStorage`; whether
 * the launcher was open is always this tab's own. Storage can be missing or full (sandboxed
 * frames, some private modes); the widget then simply forgets on reload.
 */
export class SessionStore {
  private readonly prefix: string;

  /**
   * @param namespace The element's `instance-id`, else its id, else `default`.
   * @param kind Where the identity and the conversation are kept.
   */
  constructor(
    namespace: string,
    private readonly kind: StorageKind = 'local',
  ) {
    this.prefix = `ngx-chat:${namespace}:`;
  }

  /** The storage key of the saved conversation, to recognise another tab's change of it. */
  get sessionKey(): string {
    return `${this.prefix}session`;
  }

  /** Whether a `storage` event from another tab concerns this store's conversation. */
  concerns(event: StorageEvent): boolean {
    return event.key === this.sessionKey && event.storageArea === this.storage();
  }

  /** The saved conversation, when there is a well-formed one. */
  load(): SavedSession | undefined {
    const value = this.read('session');
    if (!value) return undefined;
    try {
      const parsed: unknown = JSON.parse(value);
      return isSavedSession(parsed) ? parsed : undefined;
    } catch {
      // Written by another version or by hand: start afresh rather than fail.
      return undefined;
    }
  }

  save(session: SavedSession): void {
    this.write('session', JSON.stringify(session));
  }

  /** Forgets the conversation (the guest token stays: it is who the reader is). */
  clear(): void {
    this.write('session', undefined);
  }

  /** Whether the launcher's panel was open, so a reload in the middle of a reply shows it again. */
  get opened(): boolean {
    return this.read('opened', 'session') === '1';
  }

  set opened(opened: boolean) {
    this.write('opened', opened ? '1' : undefined, 'session');
  }

  /** The guest token from `/auth/guest`, kept so a reload stays the same guest and can resume its streams. */
  get guestToken(): string | undefined {
    return this.read('guest-token');
  }

  set guestToken(token: string | undefined) {
    this.write('guest-token', token);
  }

  private storage(kind: StorageKind = this.kind): Storage {
    return kind === 'local' ? localStorage : sessionStorage;
  }

  private read(key: string, kind?: StorageKind): string | undefined {
    try {
      return this.storage(kind).getItem(this.prefix + key) ?? undefined;
    } catch {
      // No storage here (sandboxed frame, blocked cookies): behave as if nothing was saved.
      return undefined;
    }
  }

  private write(key: string, value: string | undefined, kind?: StorageKind): void {
    try {
      const storage = this.storage(kind);
      if (value === undefined) storage.removeItem(this.prefix + key);
      else storage.setItem(this.prefix + key, value);
    } catch {
      // Storage missing or full: only reload-resume is lost, the chat itself works on.
    }
  }
}

function isSavedSession(value: unknown): value is SavedSession {
  if (typeof value !== 'object' || value === null) return false;
  const { conversationId, reply } = value as Record<string, unknown>;
  if (typeof conversationId !== 'string') return false;
  if (reply === undefined) return true;
  if (typeof reply !== 'object' || reply === null) return false;
  const { streamId, lastEventId, nextChunk, text, steps } = reply as Record<string, unknown>;
  return typeof streamId === 'string' && typeof lastEventId === 'string' && typeof nextChunk === 'number' && typeof text === 'string' && (steps === undefined || Array.isArray(steps));
}
