import type { SettingNames } from '../config.js';
import { AGENT_FAILURE, AgentError } from './agent.js';

export type { SettingNames };

const checkBaseUrl = (names: SettingNames) => `check that ${names.baseUrl} is the root of ${names.api}`;

/** Replaces every occurrence of the secrets (the API key, the extra header values) in `text`. */
export function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((clean, secret) => (secret ? clean.split(secret).join('[redacted]') : clean), text);
}

/** A short, single-line excerpt of an upstream error body: its `error.message` when it is JSON. */
export function errorDetail(body: string, secrets: readonly string[]): string {
  let detail = body;
  try {
    const parsed: unknown = JSON.parse(body);
    const message = messageOf(parsed);
    if (message) detail = message;
  } catch {
    // Not JSON: the body itself (an HTML error page, plain text) is the detail.
  }
  const line = redact(detail, secrets).replace(/\s+/g, ' ').trim();
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

function messageOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if ('error' in value) {
    const { error } = value;
    if (typeof error === 'string') return error;
    if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') return error.message;
  }
  if ('message' in value && typeof value.message === 'string') return value.message;
  return undefined;
}

/** The failure for an HTTP error status; `detail`, a redacted excerpt of the body, goes to the log only. */
export function httpFailure(status: number, detail: string, retryAfterMs: number | undefined, names: SettingNames): AgentError {
  if (status === 401 || status === 403) {
    // The body is left out: providers echo the key they were given.
    return new AgentError(`The model provider refused the API key (HTTP ${status}); check ${names.apiKey} and ${names.headers} on the server.`, AGENT_FAILURE.auth);
  }
  if (status === 429) {
    const when = retryAfterMs === undefined ? 'shortly' : `in ${Math.max(1, Math.ceil(retryAfterMs / 1000))} s`;
    return new AgentError(`The model provider is rate limiting this site (HTTP 429); try again ${when}, or raise the account's rate limits.`, AGENT_FAILURE.rateLimited);
  }
  if (status >= 500) return new AgentError(`The model provider failed (HTTP ${status}); try again shortly.`, AGENT_FAILURE.upstream, detail);
  // The body stays in the log: a provider's 4xx can quote the request, system prompt included.
  const what = status === 404 ? 'does not know the model or the address' : 'rejected the request';
  return new AgentError(
    `The model provider ${what} (HTTP ${status}); check ${names.model}, and ${checkBaseUrl(names)}. The server's log has the provider's reason.`,
    AGENT_FAILURE.rejected,
    detail,
  );
}

/** The wait a 429 asks for, in ms: `retry-after-ms` (OpenAI), else `Retry-After` in seconds or as a date. */
export function retryAfterMs(headers: Headers): number | undefined {
  const ms = headers.get('retry-after-ms')?.trim();
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Number(ms);
  const after = headers.get('retry-after')?.trim();
  if (!after) return undefined;
  if (/^\d+$/.test(after)) return Number(after) * 1000;
  const date = Date.parse(after);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

const CONNECT_CODES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'DNS lookup failed',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'it closed the connection',
};

/** The failure when the provider cannot be reached at all. */
export function unreachable(err: unknown, baseUrl: string, names: SettingNames): AgentError {
  const code = errorCode(err);
  const why = code ? (CONNECT_CODES[code] ?? code) : 'network error';
  return new AgentError(
    `Could not reach the model provider at ${new URL(baseUrl).origin} (${why}); check ${names.baseUrl} and that the server is running.`,
    AGENT_FAILURE.connection,
  );
}

/** The failure when the connection drops, or the stream ends, before the reply is complete. */
export function disconnected(): AgentError {
  return new AgentError('The model provider closed the connection before the reply was complete; try again.', AGENT_FAILURE.connection);
}

/** The failure for a response or an event that is not the provider's streaming format. */
export function malformed(what: string, names: SettingNames): AgentError {
  return new AgentError(`The model provider sent ${what}, not ${names.stream}; ${checkBaseUrl(names)}.`, AGENT_FAILURE.malformed);
}

/** The system error code (`ECONNREFUSED`…) behind a `fetch failed`, looking through causes and aggregated attempts. */
function errorCode(err: unknown, depth = 0): string | undefined {
  if (typeof err !== 'object' || err === null || depth > 4) return undefined;
  if ('code' in err && typeof err.code === 'string' && !err.code.startsWith('ERR_')) return err.code;
  if ('cause' in err) {
    const code = errorCode(err.cause, depth + 1);
    if (code) return code;
  }
  if ('errors' in err && Array.isArray(err.errors)) return errorCode(err.errors[0], depth + 1);
  return undefined;
}
