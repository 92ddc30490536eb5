import type { EventSourceMessage } from '@microsoft/fetch-event-source';
import { ApiError } from '../api/api-errors.js';
import type { ChatBody, StreamTransport } from '../api/stream-transport.js';
import { RETRY_POLICY, backoffDelay } from './backoff.js';
import { FAILURE, classifyFailure } from './failures.js';
import { newRequestId, type Reply } from './reply.js';

/** A wait before the next attempt, as the runner reports it. */
export interface RetryWait {
  /** What failed. */
  error: unknown;
  delayMs: number;
  /** True when the API said 429: the wait is the rate limit's. */
  rateLimited: boolean;
}

/** What a {@link ReplyRunner} needs from its surroundings; nothing of Lit or the element. */
export interface ReplyRunnerDeps {
  tokens: { get(signal: AbortSignal): Promise<string>; refresh(signal: AbortSignal): Promise<string> };
  /** The transport to read with now; the element's setting may change between attempts. */
  transport(): StreamTransport;
  /** The API's root and the body of a new turn, read afresh at each attempt. */
  request(reply: Reply): { apiUrl: string; body: ChatBody };
  /** Applies one event of the stream (throwing ends the attempt with that error). */
  onEvent(event: EventSourceMessage): void;
  /** Called before waiting to retry, with what the wait is for; and with undefined once it is over. */
  onWait(wait: RetryWait | undefined): void;
  /** `navigator.onLine`: failures while offline do not count against the retry budget. */
  online(): boolean;
  /** After a network failure: does the API allow this page's origin? Undefined when that could not be asked. */
  originAllowed(apiUrl: string, signal: AbortSignal): Promise<boolean | undefined>;
  /** Waits `delayMs` (or until the browser is back online), resolving early when `signal` aborts. */
  wait(delayMs: number, signal: AbortSignal): Promise<void>;
}

/** The page's origin is not allowed by the API: retrying cannot help. */
export class OriginRefusedError extends ApiError {
  constructor(readonly apiUrl: string) {
    super(403, 'origin_not_allowed', `The API at ${apiUrl} does not allow this page's origin; add it to ALLOWED_ORIGINS.`);
  }
}

/**
 * Reads one reply's stream to its end, whatever breaks on the way: resumes from the last event
 * id with backoff, refreshes the token once after a 401 (and again once the reply has made
 * progress), asks the API whether the origin is allowed when a request gets no answer at all,
 * gives a retried request a new id after a 409, and gives up after
 * {@link RETRY_POLICY.maxFailures} failures in a row while online. Free of Lit and of the
 * element, so its policy is tested in Node with a scripted transport.
 */
export class ReplyRunner {
  constructor(private readonly deps: ReplyRunnerDeps) {}

  /**
   * Resolves when the reply is done (its terminal event applied) or `signal` aborts; rejects with
   * the failure that ended it.
   */
  async run(reply: Reply, signal: AbortSignal): Promise<void> {
    const { deps } = this;
    let failures = 0;
    let refresh = false;
    let refreshed = false;
    while (!signal.aborted && !reply.done) {
      const { apiUrl, body } = deps.request(reply);
      try {
        const token = refresh ? await deps.tokens.refresh(signal) : await deps.tokens.get(signal);
        refresh = false;
        await deps.transport().read({ apiUrl, token, lastEventId: reply.lastEventId, body, signal, onEvent: deps.onEvent, isDone: () => reply.done });
        return;
      } catch (err) {
        if (signal.aborted || reply.done) return;
        if (reply.takeProgress()) {
          failures = 0;
          refreshed = false;
        }
        const failure = classifyFailure(err);
        if (failure === FAILURE.auth && !refreshed) {
          refresh = refreshed = true;
          continue;
        }
        if (failure === FAILURE.fatal || failure === FAILURE.auth) throw err;
        if (failure === FAILURE.network && (await deps.originAllowed(apiUrl, signal)) === false) throw new OriginRefusedError(apiUrl);
        // A busy conversation ended that request's stream with an error; the retry needs a new id.
        if (err instanceof ApiError && err.status === 409) reply.requestId = newRequestId();
        if (deps.online()) failures += 1;
        if (failures > RETRY_POLICY.maxFailures) throw err;
        const rateLimited = err instanceof ApiError && err.status === 429;
        const delayMs = backoffDelay(failures, err instanceof ApiError ? err.retryAfterMs : undefined);
        deps.onWait({ error: err, delayMs, rateLimited });
        await deps.wait(delayMs, signal);
        deps.onWait(undefined);
      }
    }
  }
}
