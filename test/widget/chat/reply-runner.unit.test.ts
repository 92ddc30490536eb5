import type { EventSourceMessage } from '@microsoft/fetch-event-source';
import { describe, expect, it } from 'vitest';
import { ApiError, StreamInterruptedError } from '../../../widget/api/api-errors.js';
import type { StreamAttempt, StreamTransport } from '../../../widget/api/stream-transport.js';
import { RETRY_POLICY } from '../../../widget/chat/backoff.js';
import { MESSAGE_STATUS, type ChatMessage } from '../../../widget/chat/chat-state.js';
import { Reply } from '../../../widget/chat/reply.js';
import { OriginRefusedError, ReplyRunner, type ReplyRunnerDeps, type RetryWait } from '../../../widget/chat/reply-runner.js';

const STREAM = '3b1f4a0e-0000-4000-8000-000000000000';
const event = (seq: number, name: string, data: object): EventSourceMessage => ({ id: `${STREAM}:${seq}`, event: name, data: JSON.stringify(data), retry: undefined });
const start = () => event(1, 'start', { conversation_id: 'c', status: 'processing', stream_id: STREAM, request_id: 'r' });
const chunk = (seq: number, index: number, content: string) => event(seq, 'chunk', { type: 'content', content, chunk_index: index, is_final: false });
const end = (seq: number) => event(seq, 'end', { conversation_id: 'c', status: 'completed', message_count: 1 });

/** One scripted attempt: the events it delivers, then the error it fails with (none: it ends). */
type Script = { events?: EventSourceMessage[]; error?: unknown };

/** A transport that plays one script per attempt and records what each attempt asked for. */
class ScriptedTransport implements StreamTransport {
  readonly attempts: Pick<StreamAttempt, 'token' | 'lastEventId' | 'body'>[] = [];
  constructor(private readonly scripts: Script[]) {}
  async read(attempt: StreamAttempt): Promise<void> {
    this.attempts.push({ token: attempt.token, lastEventId: attempt.lastEventId, body: { ...attempt.body } });
    const script = this.scripts.shift() ?? { error: new Error('no script left') };
    for (const item of script.events ?? []) attempt.onEvent(item);
    if (script.error) throw script.error;
  }
  close(): void {}
}

/** Runs a new reply through `scripts`; returns what happened. */
async function run(scripts: Script[], overrides: Partial<ReplyRunnerDeps> = {}) {
  const message: ChatMessage = { key: 0, role: 'assistant', text: '', status: MESSAGE_STATUS.streaming, createdAt: new Date(0).toISOString() };
  const reply = new Reply(message, 'hello', () => undefined);
  const transport = new ScriptedTransport(scripts);
  const waits: RetryWait[] = [];
  let issued = 0;
  const deps: ReplyRunnerDeps = {
    tokens: {
      get: async () => `t${issued}`,
      refresh: async () => {
        issued += 1;
        return `t${issued}`;
      },
    },
    transport: () => transport,
    request: () => ({ apiUrl: 'https://api.example', body: { message: 'hello', metadata: {}, request_id: reply.requestId } }),
    onEvent: (item) => {
      const applied = reply.apply(item);
      if (applied.kind === 'end') reply.finish(MESSAGE_STATUS.completed, '');
      if (applied.kind === 'error') reply.finish(MESSAGE_STATUS.error, '');
    },
    onWait: (wait) => wait && waits.push(wait),
    online: () => true,
    originAllowed: async () => true,
    wait: async () => undefined,
    ...overrides,
  };
  const outcome = await new ReplyRunner(deps).run(reply, new AbortController().signal).then(
    () => undefined,
    (err: unknown) => err,
  );
  return { outcome, reply, attempts: transport.attempts, waits };
}

describe('ReplyRunner', () => {
  it('resumes from the last event applied after a cut, and completes the reply once', async () => {
    const { outcome, reply, attempts, waits } = await run([
      { events: [start(), chunk(2, 0, 'Hel')], error: new StreamInterruptedError('cut') },
      { events: [chunk(3, 1, 'lo'), end(4)] },
    ]);
    expect(outcome).toBeUndefined();
    expect(reply.text).toBe('Hello');
    expect(attempts.map((attempt) => attempt.lastEventId)).toEqual([undefined, `${STREAM}:2`]);
    expect(waits).toHaveLength(1);
  });

  it('refreshes the token once after a 401, and gives up on a second 401', async () => {
    const unauthorized = new ApiError(401, 'unauthorized', 'no');
    const once = await run([{ error: unauthorized }, { events: [start(), end(2)] }]);
    expect(once.outcome).toBeUndefined();
    expect(once.attempts.map((attempt) => attempt.token)).toEqual(['t0', 't1']);
    const twice = await run([{ error: unauthorized }, { error: unauthorized }]);
    expect(twice.outcome).toBe(unauthorized);
    expect(twice.attempts).toHaveLength(2);
  });

  it('stops at once on a failure retrying cannot help', async () => {
    const tooLong = new ApiError(413, 'message_too_long', 'no');
    const { outcome, attempts } = await run([{ error: tooLong }]);
    expect(outcome).toBe(tooLong);
    expect(attempts).toHaveLength(1);
  });

  it('says the origin is refused when a request gets no answer and the API does not allow the page', async () => {
    const { outcome } = await run([{ error: new TypeError('Failed to fetch') }], { originAllowed: async () => false });
    expect(outcome).toBeInstanceOf(OriginRefusedError);
  });

  it('retries a request with no answer while the origin check cannot answer either', async () => {
    const { outcome, attempts } = await run([{ error: new TypeError('Failed to fetch') }, { events: [start(), end(2)] }], { originAllowed: async () => undefined });
    expect(outcome).toBeUndefined();
    expect(attempts).toHaveLength(2);
  });

  it('sends a retry after a 409 with a new request id', async () => {
    const { attempts } = await run([{ error: new ApiError(409, 'conversation_busy', 'busy') }, { events: [start(), end(2)] }]);
    expect(attempts[1].body.request_id).not.toBe(attempts[0].body.request_id);
  });

  it('waits out a 429 as a rate limit, honouring Retry-After', async () => {
    const { waits } = await run([{ error: new ApiError(429, 'rate_limited', 'slow', 7000) }, { events: [start(), end(2)] }]);
    expect(waits).toEqual([expect.objectContaining({ rateLimited: true, delayMs: 7000 })]);
  });

  it(`gives up after ${RETRY_POLICY.maxFailures} failures in a row online, but keeps trying while offline`, async () => {
    const failing = () => ({ error: new ApiError(503, 'draining', 'later') });
    const online = await run(Array.from({ length: 20 }, failing));
    expect(online.outcome).toBeInstanceOf(ApiError);
    expect(online.attempts).toHaveLength(RETRY_POLICY.maxFailures + 1);
    const offline = await run([...Array.from({ length: 12 }, failing), { events: [start(), end(2)] }], { online: () => false });
    expect(offline.outcome).toBeUndefined();
    expect(offline.attempts).toHaveLength(13);
  });

  it('counts failures again from zero once an attempt has made progress', async () => {
    const cut = (events: EventSourceMessage[]) => ({ events, error: new StreamInterruptedError('cut') });
    const scripts: Script[] = [cut([start()])];
    for (let index = 0; index < RETRY_POLICY.maxFailures + 4; index += 1) scripts.push(cut([chunk(index + 2, index, 'x')]));
    scripts.push({ events: [end(RETRY_POLICY.maxFailures + 6)] });
    const { outcome } = await run(scripts);
    expect(outcome).toBeUndefined();
  });
});
