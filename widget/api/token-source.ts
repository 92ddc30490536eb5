import { apiEndpoint, fetchJson } from './api-client.js';
import { ApiError, ConfigurationError } from './api-errors.js';
import type { SessionStore } from './session-store.js';

/** Supplies a bearer token; may return a promise. */
export type TokenProvider = () => string | Promise<string>;

/** The element's auth settings, read afresh at every request so attribute changes apply. */
export interface AuthSettings {
  apiUrl: string;
  /** `token` attribute: used as is until the API refuses it. */
  token: string | undefined;
  /** `getToken` property. */
  getToken: TokenProvider | undefined;
  /** `token-url` attribute: POSTed to, answers `{access_token}`. */
  tokenUrl: string | undefined;
  /** `guest` attribute: tokens from the API's `/auth/guest`. */
  guest: boolean;
}

interface TokenAnswer {
  access_token?: unknown;
}

/**
 * The bearer token of one element. `get` answers from cache; `refresh` asks the token's source
 * again (after a 401). Sources, first match wins: `token`, then `getToken`, `token-url`, `guest`;
 * a refresh skips `token`, which cannot be renewed.
 */
export class TokenSource {
  private current: string | undefined;

  constructor(
    private readonly settings: () => AuthSettings,
    private readonly storage: () => SessionStore,
  ) {}

  private get store(): SessionStore {
    return this.storage();
  }

  /** The token to send now. */
  async get(signal: AbortSignal): Promise<string> {
    if (this.current) return this.current;
    const { token, getToken, tokenUrl, guest } = this.settings();
    if (token) this.current = token;
    else if (guest && !getToken && !tokenUrl && this.store.guestToken) this.current = this.store.guestToken;
    else this.current = await this.fetchToken(signal);
    return this.current;
  }

  /** A new token from the source, replacing one the API refused. */
  async refresh(signal: AbortSignal): Promise<string> {
    const refused = this.current;
    this.current = undefined;
    this.current = await this.fetchToken(signal, refused);
    return this.current;
  }

  /** Forgets the cached token (the auth attributes changed). */
  reset(): void {
    this.current = undefined;
  }

  private async fetchToken(signal: AbortSignal, refused?: string): Promise<string> {
    const { apiUrl, token, getToken, tokenUrl, guest } = this.settings();
    if (getToken) {
      let fresh: unknown;
      try {
        fresh = await getToken();
      } catch (err) {
        throw new ApiError(401, 'get_token_failed', `getToken() failed: ${String(err)}`);
      }
      if (typeof fresh !== 'string' || fresh === '') throw new ApiError(401, 'get_token_failed', 'getToken() must resolve to a non-empty string.');
      return fresh;
    }
    if (tokenUrl) return readToken(await fetchJson<TokenAnswer>(tokenUrl, { method: 'POST', signal, headers: { Accept: 'application/json' } }), tokenUrl);
    if (guest) {
      // Sending the previous guest token renews the same guest, who can then resume its streams.
      const previous = refused ?? this.store.guestToken;
      const headers: Record<string, string> = previous ? { Authorization: `Bearer ${previous}` } : {};
      const fresh = readToken(await fetchJson<TokenAnswer>(apiEndpoint(apiUrl, '/auth/guest'), { method: 'POST', signal, headers }), '/auth/guest');
      this.store.guestToken = fresh;
      return fresh;
    }
    if (token) throw new ApiError(401, 'token_rejected', 'The API refused the token attribute and there is no getToken, token-url or guest to renew it.');
    throw new ConfigurationError('<ngx-chat> needs one of: the token, token-url or guest attribute, or the getToken property.');
  }
}

function readToken(answer: TokenAnswer, source: string): string {
  if (typeof answer.access_token !== 'string' || answer.access_token === '') throw new ApiError(401, 'no_access_token', `${source} did not answer {"access_token": "…"}.`);
  return answer.access_token;
}
