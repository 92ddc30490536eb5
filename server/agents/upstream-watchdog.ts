import { AGENT_FAILURE, AgentError } from './agent.js';

/** The two silences an upstream request may not exceed. */
export interface WatchdogLimits {
  /** From sending the request to the first token, in ms (`OPENAI_TIMEOUT_MS`). */
  timeoutMs: number;
  /** Between two reads once the reply has begun, in ms (`OPENAI_STALL_MS`). */
  stallMs: number;
}

/**
 * Aborts an upstream request that goes silent: before its first token, or mid-reply. Its
 * `signal` is the one to give `fetch`: it fires on the caller's signal (stop, stream timeout,
 * shutdown), on either timeout, and on {@link UpstreamWatchdog.release}.
 */
export class UpstreamWatchdog {
  /** Aborts the request; pass it to `fetch` and to any wait in between. */
  readonly signal: AbortSignal;
  /** Why the watchdog aborted the request, once it has. */
  expired: AgentError | undefined;
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private streaming = false;

  constructor(
    outer: AbortSignal,
    private readonly limits: WatchdogLimits,
  ) {
    this.signal = AbortSignal.any([outer, this.controller.signal]);
  }

  /** Starts the first-token clock, for a new attempt. */
  awaitFirstToken(): void {
    this.streaming = false;
    const { timeoutMs } = this.limits;
    this.arm(timeoutMs, `The model sent nothing within ${timeoutMs} ms (OPENAI_TIMEOUT_MS); it may be overloaded or still loading — try again, or raise OPENAI_TIMEOUT_MS.`, AGENT_FAILURE.firstTokenTimeout);
  }

  /** The first token arrived: from now on only a stall counts. */
  firstToken(): void {
    if (this.streaming) return;
    this.streaming = true;
    const { stallMs } = this.limits;
    this.arm(stallMs, `The model went silent for ${stallMs} ms mid-reply (OPENAI_STALL_MS); try again.`, AGENT_FAILURE.stalled);
  }

  /** Bytes arrived: after the first token, that resets the stall clock. */
  activity(): void {
    if (this.streaming) this.timer?.refresh();
  }

  /** Stops the clock without aborting, e.g. while waiting out a `Retry-After`. */
  pause(): void {
    clearTimeout(this.timer);
  }

  /** Stops the clock and aborts the request if it is still open, closing its connection. */
  release(): void {
    clearTimeout(this.timer);
    this.controller.abort();
  }

  private arm(ms: number, message: string, reason: AgentError['reason']): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.expired = new AgentError(message, reason);
      this.controller.abort(this.expired);
    }, ms);
  }
}
