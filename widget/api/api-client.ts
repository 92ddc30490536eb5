import { ApiError } from './api-errors.js';

/**
 * Fetches `url` and returns its JSON body, or throws an {@link ApiError} for a non-2xx answer
 * (and a TypeError when no answer came).
 */
export async function fetchJson<T>(url: string, init: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw await ApiError.fromResponse(res);
  return (await res.json()) as T;
}

/** `{api-url}/path`, without doubled slashes. */
export function apiEndpoint(apiUrl: string, path: string): string {
  return `${apiUrl.replace(/\/+$/, '')}${path}`;
}

/**
 * Asks the API's public `/widget/origin-check` whether this page's origin is allowed. Undefined
 * when even that fails: the network is down, not the allow-list.
 */
export async function isOriginAllowed(apiUrl: string, signal: AbortSignal): Promise<boolean | undefined> {
  try {
    const { allowed } = await fetchJson<{ allowed: boolean }>(apiEndpoint(apiUrl, '/widget/origin-check'), { signal, cache: 'no-store' });
    return allowed;
  } catch {
    // Unreachable: the caller treats it as a network failure and retries.
    return undefined;
  }
}
