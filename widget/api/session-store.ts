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

/**
 * The element's `sessionStorage` entries, namespaced by its `instance-id` (or id) so several
 * widgets on a page keep separate conversations. Storage can be missing or full (sandboxed
 * frames, some private modes); the widget then simply forgets on reload.
 */
export class SessionStore {
  private readonly prefix: string;

  /** @param namespace The element's `instance-id`, else its id, else `default`. */
  constructor(namespace: string) {
    this.prefix = `ngx-chat:${namespace}:`;
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
    return this.read('opened') === '1';
  }

  set opened(opened: boolean) {
    this.write('opened', opened ? '1' : undefined);
  }

  /** The guest token from `/auth/guest`, kept so a reload stays the same guest and can resume its streams. */
  get guestToken(): string | undefined {
    return this.read('guest-token');
  }

  set guestToken(token: string | undefined) {
    this.write('guest-token', token);
  }

  private read(key: string): string | undefined {
    try {
      return sessionStorage.getItem(this.prefix + key) ?? undefined;
    } catch {
      // No storage here (sandboxed frame, blocked cookies): behave as if nothing was saved.
      return undefined;
    }
  }

  private write(key: string, value: string | undefined): void {
    try {
      if (value === undefined) sessionStorage.removeItem(this.prefix + key);
      else sessionStorage.setItem(this.prefix + key, value);
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
