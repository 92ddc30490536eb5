import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { ErrorBody, ErrorCode } from '../../protocol/index.js';
import { RevisionsUnsupportedError } from '../stores/conversation-store.js';
import { RevisionError } from '../stores/message-tree.js';
import { StoreUnavailableError } from '../stores/store-errors.js';

/**
 * An error that becomes an HTTP response: its status, a stable machine-readable `code`,
 * and a message that tells the caller how to fix the request.
 */
export class HttpError extends Error {
  override name = 'HttpError';
  /**
   * @param status HTTP status code.
   * @param code Stable, snake_case error code clients can switch on (`ERROR_CODE` in `protocol/`).
   * @param message Human-readable explanation.
   * @param headers Extra response headers, such as `WWW-Authenticate` or `Retry-After`.
   */
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  /** The response body for this error. */
  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

/** Redis is down: the client reconnects by itself, so the caller is told to retry shortly. */
function storeUnavailable(): HttpError {
  return new HttpError(503, 'store_unavailable', 'The stream store is unreachable; try again shortly.', { 'Retry-After': '2' });
}

/** A path whose percent-escapes do not decode (Express's router throws a URIError for it). */
function badPath(): HttpError {
  return new HttpError(400, 'invalid_path', 'The request path has a malformed percent-escape.');
}

/**
 * The answer to a request that failed before any of its events, on either transport: the error
 * itself when it is an {@link HttpError}, the answer for a known failure, or undefined for an
 * unexpected one (a bug: the caller logs it and answers 500).
 */
export function toHttpError(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  if (err instanceof StoreUnavailableError) return storeUnavailable();
  if (err instanceof URIError) return badPath();
  return revisionRefusal(err);
}

/** The answer to a regenerate, edit or version switch the conversation cannot take. */
function revisionRefusal(err: unknown): HttpError | undefined {
  if (err instanceof RevisionsUnsupportedError) return new HttpError(501, 'versions_unsupported', err.message);
  if (!(err instanceof RevisionError)) return undefined;
  const status = err.code === 'message_not_found' ? 404 : err.code === 'invalid_version' ? 400 : 409;
  return new HttpError(status, err.code, err.message);
}

/** A browser page whose origin is not in `ALLOWED_ORIGINS`, on either transport. */
export function originNotAllowed(origin: string): HttpError {
  return new HttpError(403, 'origin_not_allowed', `The origin ${origin} is not allowed to use this API; add it to ALLOWED_ORIGINS.`);
}

/** Answers requests no route matched. */
export const handleNotFound: RequestHandler = (req, _res, next) => {
  next(new HttpError(404, 'not_found', `No route for ${req.method} ${req.path}.`));
};

/**
 * The one error-handling middleware: turns any error into `{"error":{"code","message"}}`.
 * Errors that are not {@link HttpError}s are logged and answered with a generic 500.
 */
export function handleErrors(log: (err: unknown) => void): ErrorRequestHandler {
  return (err, _req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const httpError = toHttpError(err);
    if (!httpError) log(err);
    const answer = httpError ?? new HttpError(500, 'internal_error', 'Something went wrong on our side; try again.');
    res.status(answer.status).set(answer.headers).json(answer.toBody());
  };
}
