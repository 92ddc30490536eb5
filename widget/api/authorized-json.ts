import { apiEndpoint } from './api-client.js';
import { ApiError } from './api-errors.js';
import type { TokenSource } from './token-source.js';

/** A request to the API with the bearer token, refreshed once on a 401; resolves to the JSON body (undefined for 204). */
export async function authorizedJson<T>(apiUrl: string, path: string, init: RequestInit, tokens: TokenSource, signal: AbortSignal): Promise<T> {
  const url = apiEndpoint(apiUrl, path);
  const attempt = async (token: string) => {
    const res = await fetch(url, { ...init, signal, headers: { ...(init.body ? { 'Content-Type': 'application/json' } : {}), Authorization: `Bearer ${token}`, Accept: 'application/json' } });
    if (!res.ok) throw await ApiError.fromResponse(res);
    return (res.status === 204 ? undefined : await res.json()) as T;
  };
  try {
    return await attempt(await tokens.get(signal));
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401)) throw err;
    return attempt(await tokens.refresh(signal));
  }
}
