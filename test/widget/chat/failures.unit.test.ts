import { describe, expect, it } from 'vitest';
import { ApiError, ConfigurationError, StreamInterruptedError } from '../../../widget/api/api-errors.js';
import { backoffDelay, RETRY_POLICY } from '../../../widget/chat/backoff.js';
import { classifyFailure, failureMessage, FAILURE } from '../../../widget/chat/failures.js';
import { BUILT_IN_STRINGS } from '../../../widget/render/strings.js';

describe('classifyFailure', () => {
  it.each([
    [new ApiError(401, 'unauthorized', ''), FAILURE.auth],
    [new ApiError(400, 'invalid_json', ''), FAILURE.fatal],
    [new ApiError(403, 'origin_not_allowed', ''), FAILURE.fatal],
    [new ApiError(413, 'message_too_long', ''), FAILURE.fatal],
    [new ApiError(409, 'conversation_busy', ''), FAILURE.retry],
    [new ApiError(429, 'rate_limited', ''), FAILURE.retry],
    [new ApiError(429, 'quota_exceeded', ''), FAILURE.fatal],
    [new ApiError(503, 'budget_exhausted', ''), FAILURE.fatal],
    [new ApiError(503, 'draining', ''), FAILURE.retry],
    [new ApiError(0, 'torn', ''), FAILURE.retry],
    [new StreamInterruptedError('cut'), FAILURE.retry],
    [new TypeError('Failed to fetch'), FAILURE.network],
    [new ConfigurationError('no api-url'), FAILURE.fatal],
  ])('%s → %s', (err, failure) => {
    expect(classifyFailure(err)).toBe(failure);
  });

  it('tells the reader the site is not allowed, or that they are offline, in their words', () => {
    const strings = BUILT_IN_STRINGS.en;
    expect(failureMessage(new ApiError(403, 'origin_not_allowed', ''), strings, true)).toBe(strings.originNotAllowed);
    expect(failureMessage(new TypeError('Failed to fetch'), strings, false)).toBe(strings.offline);
    expect(failureMessage(new TypeError('Failed to fetch'), strings, true)).toBe(strings.unavailable);
  });
});

describe('backoffDelay', () => {
  it('grows exponentially to a ceiling, with jitter between half and all of it', () => {
    for (let failures = 1; failures <= 12; failures += 1) {
      const ceiling = Math.min(RETRY_POLICY.maxMs, RETRY_POLICY.baseMs * 2 ** (failures - 1));
      for (let sample = 0; sample < 50; sample += 1) {
        const delay = backoffDelay(failures);
        expect(delay).toBeGreaterThanOrEqual(ceiling / 2);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('honours a longer Retry-After', () => {
    expect(backoffDelay(1, 30_000)).toBe(30_000);
  });

  it("says when a day's quota or budget resets, in the reader's time", () => {
    const strings = BUILT_IN_STRINGS.en;
    const inTwoHours = new Date(Date.now() + 7_200_000).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
    expect(failureMessage(new ApiError(429, 'quota_exceeded', '', 7_200_000), strings, true)).toBe(`You have reached today's limit for this chat. You can write again after ${inTwoHours}.`);
    expect(failureMessage(new ApiError(503, 'budget_exhausted', '', 7_200_000), strings, true)).toBe(`This chat has reached its limit for today. Please come back after ${inTwoHours}.`);
  });
});
