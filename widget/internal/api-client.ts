import type { NgxChatStrings } from './strings.js';
import type { TokenSource } from './token-source.js';

/** How the widget reacts to a failure. */
export const FAILURE = {
  /** 401: get a new token, once. */
  auth: 'auth',
  /** Retrying cannot help: show a message. */
  fatal: 'fatal',
  /** 5xx, 429, a torn stream: retry with backoff. */
  retry: 'retry',
  /** The request never got an answer (offline, or CORS refused): check the origin, then retry. */
  network: 'network',
} as const;

/** One of the {@link FAILURE} values. */
export type Failure = (typeof FAILURE)[keyof typeof FAILURE];

/** An HTTP answer other than the one expected, with the API's `{"error":{"code","message"}}` when it sent one. */
export class ApiError extends Error {
  override name = 'ApiError';

  /**
   * @param status HTTP status, or 0 for a failure after the response started.
   * @param code The API's error code, or `http_<status>`.
   * @param retryAfterMs The `Retry-After` header, in ms.
   */
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }

  /** Reads the error out of a response that is not the expected one. */
  static async fromResponse(res: Response): Promise<ApiError> {
    let code = `http_${res.status}`;
    let message = `The API answered ${res.status} ${res.statusText}.`;
    try {
      const body = (await res.json()) as { error?: { code?: unknown; message?: unknown } };
      if (typeof body.error?.code === 'string') code = body.error.code;
      if (typeof body.error?.message === 'string') message = body.error.message;
    } catch {
      // Not JSON (a proxy's error page): the status line is all there is to report.
    }
    const retryAfter = Number(res.headers.get('retry-after'));
    return new ApiError(res.status, code, message, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined);
  }
}

/** A stream that ended without its terminal event, or skipped a chunk: resuming fixes it. */
export class StreamInterruptedError extends Error {
  override name = 'StreamInterruptedError';
}

/** The element has no `api-url`, or no way to get a token. */
export class ConfigurationError extends Error {
  override name = 'ConfigurationError';
}

/** How to react to `err`. */
export function classifyFailure(err: unknown): Failure {
  if (err instanceof ApiError) {
    if (err.status === 401) return FAILURE.auth;
    if (err.status === 0 || err.status === 408 || err.status === 409 || err.status === 425 || err.status === 429 || err.status >= 500) return FAILURE.retry;
    return FAILURE.fatal;
  }
  if (err instanceof StreamInterruptedError) return FAILURE.retry;
  // fetch rejects with a TypeError for network failures and for CORS refusals alike.
  if (err instanceof TypeError) return FAILURE.network;
  return FAILURE.fatal;
}

/** The string that explains a fatal `err` to the reader. */
export function failureMessage(err: unknown, strings: NgxChatStrings): string {
  if (err instanceof ConfigurationError) return strings.notConfigured;
  if (!(err instanceof ApiError)) return navigator.onLine ? strings.unavailable : strings.offline;
  switch (err.status) {
    case 401:
      return strings.authFailed;
    case 403:
      return err.code === 'origin_not_allowed' ? strings.originNotAllowed : strings.forbidden;
    case 404:
      return strings.notFound;
    case 409:
      return strings.busy;
    case 413:
      return strings.tooLong;
    case 400:
    case 415:
      return strings.badRequest;
    default:
      return strings.unavailable;
  }
}

/**
 * Fetches `url` and returns its JSON body, or throws an {@link ApiError} for a non-2xx answer
 * (and a TypeError when no answer came).
 */
export async function fetchJson<T>(url: string, init: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw await ApiError.fromResponse(res);
  return (await res.json()) as T;
}

/** A request to the API with the bearer token, refreshed once on a 401; resolves to the JSON body (undefined for 204). */
export async function authorizedJson<T>(apiUrl: string, path: string, init: RequestInit, tokens: TokenSource, signal: AbortSignal): Promise<T> {
  const url = apiEndpoint(apiUrl, path);
  const attempt = async (token: string) => {
    const res = await fetch(url, { ...init, signal, headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } });
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
