import { ApiError, ConfigurationError, StreamInterruptedError } from '../api/api-errors.js';
import type { NgxChatStrings } from '../render/strings.js';

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

/** How to react to `err`. */
export function classifyFailure(err: unknown): Failure {
  if (err instanceof ApiError) {
    if (err.status === 401) return FAILURE.auth;
    // A day's quota or budget: waiting until midnight UTC is not a retry.
    if (err.code === 'quota_exceeded' || err.code === 'budget_exhausted') return FAILURE.fatal;
    if (err.status === 0 || err.status === 408 || err.status === 409 || err.status === 425 || err.status === 429 || err.status >= 500) return FAILURE.retry;
    return FAILURE.fatal;
  }
  if (err instanceof StreamInterruptedError) return FAILURE.retry;
  // fetch rejects with a TypeError for network failures and for CORS refusals alike.
  if (err instanceof TypeError) return FAILURE.network;
  return FAILURE.fatal;
}

/** The string that explains a fatal `err` to the reader; `online` is `navigator.onLine`. */
export function failureMessage(err: unknown, strings: NgxChatStrings, online: boolean): string {
  if (err instanceof ConfigurationError) return strings.notConfigured;
  if (!(err instanceof ApiError)) return online ? strings.unavailable : strings.offline;
  if (err.code === 'quota_exceeded' || err.code === 'budget_exhausted') {
    const template = err.code === 'quota_exceeded' ? strings.quotaExceeded : strings.budgetExhausted;
    return template.replace('{time}', resetTime(err.retryAfterMs));
  }
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

/** When a quota resets, in the reader's time: "00:00" (UTC) in their zone, from the `Retry-After` it came with. */
function resetTime(retryAfterMs: number | undefined): string {
  const at = new Date(Date.now() + (retryAfterMs ?? 0));
  return at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}
