import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StreamRecord } from '../../../../server/stores/event-log.js';
import { callRedis } from '../../../../server/stores/redis/redis-client.js';
import { RedisConversationStore } from '../../../../server/stores/redis/redis-conversation-store.js';
import { APPEND, streamKeysById } from '../../../../server/stores/redis/redis-event-log-scripts.js';
import { StoreUnavailableError, StreamEndedError } from '../../../../server/stores/store-errors.js';
import { canStartRedisServer, redisAvailability, startTestRedis, type TestRedis } from '../../../support/redis-server.js';
import { followStepwise, newRecord, openWriter, readAll } from '../event-log.contract.js';
import { eventually, within } from '../eventually.js';
import { RedisHarness } from '../redis-harness.js';
import { expectReaderWokenByNotice } from './woken-by-notice.js';

/** Short heartbeats, so a dead producer is noticed in well under a second. */
const FAST = { heartbeatIntervalMs: 100, heartbeatTtlMs: 500 };

const chunk = (content: string, index: number) => JSON.stringify({ type: 'content', content, chunk_index: index, is_final: false });

/** Begins the turn of `record` in a conversation store sharing the harness's keys. */
async function beginTurn(harness: RedisHarness, record: StreamRecord): Promise<RedisConversationStore> {
  const conversations = new RedisConversationStore(harness.client(), { prefix: harness.prefix });
  await eventually(() => conversations.beginTurn({ ...record, userMessage: 'hello' }));
  return conversations;
}

/** The reply of `record`'s stream in its conversation. */
async function replyOf(conversations: RedisConversationStore, record: StreamRecord) {
  return (await conversations.get(record.conversationId))?.messages.find((message) => message.stream_id === record.streamId);
}

/** Counts the calls of the append script (one per batch of events) that `client` sends to Redis. */
function countAppendCalls(client: Redis): { calls: number } {
  const counted = { calls: 0 };
  const appendSha = createHash('sha1').update(APPEND).digest('hex');
  const send = client.sendCommand.bind(client);
  client.sendCommand = (command, ...rest) => {
    const [script] = command.args;
    if ((command.name === 'evalsha' && script === appendSha) || (command.name === 'eval' && script === APPEND)) counted.calls += 1;
    return send(command, ...rest);
  };
  return counted;
}

const interrupted = (conversationId: string) =>
  JSON.stringify({ error: 'The stream was interrupted: the server producing it stopped.', conversation_id: conversationId, status: 'error', retryable: false });

describe.skipIf(!redisAvailability().available)('RedisEventLog across instances', () => {
  let redis: TestRedis;
  const harness = new RedisHarness(() => redis.url);
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterEach(() => harness.cleanup());
  afterAll(() => redis.close());

  it('loads its scripts again after Redis forgot them (SCRIPT FLUSH, as after a restart)', async () => {
    const log = harness.eventLog();
    const record = newRecord();
    const writer = await openWriter(log, record);
    await writer.append('start', '{}');
    const admin = harness.client();
    await callRedis(admin, () => admin.script('FLUSH'));
    await writer.append('chunk', chunk('a', 0));
    await writer.append('end', '{}');
    await writer.close();
    expect((await readAll(log, record.streamId)).map((event) => event.event)).toEqual(['start', 'chunk', 'end']);
  });

  it('writes the events appended while one is on its way in one script call, in order', async () => {
    const client = harness.client();
    const appends = countAppendCalls(client);
    const log = harness.eventLog({}, client);
    const record = newRecord();
    const writer = await openWriter(log, record);
    await writer.append('start', '{}');
    const before = appends.calls;
    // Ten chunks without waiting for each, as the stream job appends an agent's burst.
    const stored = await Promise.all(Array.from({ length: 10 }, (_, index) => writer.append('chunk', chunk(`piece ${index}`, index))));
    expect(stored.map((event) => event.seq)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    // The first goes at once; the nine appended meanwhile follow together.
    expect(appends.calls - before).toBe(2);
    await writer.append('end', '{}');
    await writer.close();
    const events = await readAll(harness.eventLog(), record.streamId);
    expect(events.map((event) => [event.seq, event.event])).toEqual([[1, 'start'], ...stored.map((event) => [event.seq, 'chunk']), [12, 'end']]);
    expect(events.slice(1, 11).map((event) => JSON.parse(event.data).content)).toEqual(Array.from({ length: 10 }, (_, index) => `piece ${index}`));
  });

  it('ends the stream of a dead producer with one error event, for readers now and later', async () => {
    const producerClient = harness.client();
    const producer = harness.eventLog(FAST, producerClient);
    const [other, third] = [harness.eventLog(FAST), harness.eventLog(FAST)];
    const record = newRecord();
    const writer = await openWriter(producer, record);
    const start = await writer.append('start', '{}');
    const chunk = await writer.append('chunk', '{"content":"a"}');
    const readers = [readAll(other, record.streamId), readAll(third, record.streamId), readAll(other, record.streamId, 1)];

    // The producing process "dies": its connection goes, its heartbeat stops, it never closes.
    producerClient.disconnect();

    const results = await within(Promise.all(readers), 15_000, 'readers of a dead producer kept waiting');
    const error = { seq: 3, event: 'error', data: interrupted(record.conversationId) };
    expect(results[0]).toEqual([start, chunk, error]);
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual([chunk, error]);
    expect(await readAll(third, record.streamId)).toEqual(results[0]);
    expect(await readAll(other, record.streamId, 2)).toEqual([error]);
  });

  it('ends the reply of a dead producer in its conversation, with the logged text, and frees the conversation', async () => {
    const producerClient = harness.client();
    const producer = harness.eventLog(FAST, producerClient);
    const record = newRecord();
    const conversations = await beginTurn(harness, record);
    const writer = await openWriter(producer, record);
    await writer.append('start', '{}');
    await writer.append('chunk', chunk('Hel', 0));
    await writer.append('chunk', chunk('lo "there" 🎉', 1));
    const reading = readAll(harness.eventLog(FAST), record.streamId);
    producerClient.disconnect();
    expect((await within(reading, 15_000, 'the reader kept waiting')).map((event) => event.event)).toEqual(['start', 'chunk', 'chunk', 'error']);
    // The reader that ended the stream ended the reply in the same step.
    expect(await replyOf(conversations, record)).toMatchObject({ content: 'Hello "there" 🎉', status: 'error' });
    expect(await conversations.beginTurn({ ...newRecord({ conversationId: record.conversationId }), userMessage: 'again' })).toHaveLength(2);
  });

  it('sweeps the stream of a dead producer that nobody reads, and ends its reply', async () => {
    const producerClient = harness.client();
    const producer = harness.eventLog(FAST, producerClient);
    // Another instance, reading nothing: only its sweep can notice.
    harness.eventLog(FAST);
    const record = newRecord();
    const conversations = await beginTurn(harness, record);
    const writer = await openWriter(producer, record);
    await writer.append('start', '{}');
    await writer.append('chunk', chunk('Half', 0));
    producerClient.disconnect();
    const reply = await eventually(async () => {
      const found = await replyOf(conversations, record);
      expect(found?.status).toBe('error');
      return found;
    }, 15_000);
    expect(reply?.content).toBe('Half');
    expect((await readAll(harness.eventLog(FAST), record.streamId)).map((event) => event.event)).toEqual(['start', 'chunk', 'error']);
    expect(await conversations.beginTurn({ ...newRecord({ conversationId: record.conversationId }), userMessage: 'again' })).toHaveLength(2);
  });

  it('appends the terminal event, finishes the stream and ends the reply in one step', async () => {
    const producer = harness.eventLog(FAST);
    const record = newRecord();
    const conversations = await beginTurn(harness, record);
    const writer = await openWriter(producer, record);
    await writer.append('start', '{}');
    await writer.append('chunk', chunk('Stopped here', 0));
    await writer.append('end', JSON.stringify({ status: 'cancelled' }));
    // Before close: the terminal event alone finished the stream and ended the turn.
    expect(await readAll(harness.eventLog(FAST), record.streamId)).toHaveLength(3);
    expect(await replyOf(conversations, record)).toMatchObject({ content: 'Stopped here', status: 'cancelled' });
    await writer.close();
  });

  it('ends a stream closed without its terminal event with an error event', async () => {
    const producer = harness.eventLog(FAST);
    const record = newRecord();
    const writer = await openWriter(producer, record);
    await writer.append('start', '{}');
    await writer.close();
    const events = await readAll(harness.eventLog(FAST), record.streamId);
    expect(events.map((event) => event.event)).toEqual(['start', 'error']);
    expect(JSON.parse(events[1].data)).toMatchObject({ status: 'error', retryable: false, conversation_id: record.conversationId });
  });

  it('interrupts a stream whose producer died before its first event', async () => {
    const producerClient = harness.client();
    const producer = harness.eventLog(FAST, producerClient);
    const record = newRecord();
    await openWriter(producer, record);
    producerClient.disconnect();
    const events = await within(readAll(harness.eventLog(FAST), record.streamId), 15_000, 'the reader kept waiting');
    expect(events).toEqual([{ seq: 1, event: 'error', data: interrupted(record.conversationId) }]);
  });

  it('stops a producer that was only presumed dead, whose later appends then fail', async () => {
    // Slow beats, so the deleted heartbeat key below stays gone until readers have noticed.
    const producer = harness.eventLog({ heartbeatIntervalMs: 2_000, heartbeatTtlMs: 4_000 });
    const other = harness.eventLog(FAST);
    const record = newRecord();
    const writer = await openWriter(producer, record);
    await writer.append('start', '{}');
    // Its heartbeat key vanishes as if it had missed beats (a long pause, a partition).
    const raw = harness.client();
    await eventually(() => raw.ping());
    const reading = readAll(other, record.streamId);
    expect(await raw.del(streamKeysById(harness.prefix, record.streamId).alive)).toBe(1);
    const events = await within(reading, 15_000, 'the reader kept waiting');
    expect(events.map((event) => event.event)).toEqual(['start', 'error']);
    await within(
      new Promise<void>((resolve) => writer.onStop(resolve)),
      10_000,
      'the producer was not told to stop',
    );
    await expect(writer.append('chunk', '{}')).rejects.toBeInstanceOf(StreamEndedError);
    await writer.close();
    expect(await readAll(other, record.streamId)).toEqual(events);
  });

  it('wakes a reader on another instance with the append’s notice, long before its fallback look', () => expectReaderWokenByNotice(harness));

  it('delivers a stop through pub/sub, long before the heartbeat would check the flag', async () => {
    const producer = harness.eventLog({ heartbeatIntervalMs: 30_000, heartbeatTtlMs: 60_000 });
    const record = newRecord();
    const writer = await openWriter(producer, record);
    const stopped = new Promise<void>((resolve) => writer.onStop(resolve));
    await harness.eventLog().stop(record.streamId);
    await within(stopped, 10_000, 'the stop message did not reach the producer');
    await writer.close();
  });
});

describe.skipIf(!redisAvailability().available || !canStartRedisServer())('RedisEventLog when Redis goes away', () => {
  let redis: TestRedis;
  const harness = new RedisHarness(() => redis.url);
  beforeAll(async () => {
    redis = await startTestRedis({ own: true });
  });
  afterEach(() => harness.cleanup());
  afterAll(() => redis.close());

  it('fails fast with StoreUnavailableError, then works again once Redis is back', async () => {
    const log = harness.eventLog();
    const other = harness.eventLog();
    const record = newRecord();
    const writer = await openWriter(log, record);
    await writer.append('start', '{}');
    const reader = followStepwise(other, record.streamId, 0, new AbortController().signal);
    expect((await reader.next()).value).toHaveLength(1);
    const reading = reader.next();

    await redis.stop();
    const fails = (promise: Promise<unknown>, what: string) =>
      within(expect(promise).rejects.toBeInstanceOf(StoreUnavailableError), 5_000, `${what} hung instead of failing`);
    await fails(reading, 'a waiting read');
    await fails(log.get(record.streamId), 'get');
    await fails(log.open(newRecord()), 'open');
    await fails(Promise.resolve(writer.append('chunk', '{}')), 'append');
    await fails(other.stop(record.streamId), 'stop');

    await redis.restart();
    // The clients reconnect by themselves, each on its own backoff; the restarted server is empty.
    await eventually(async () => expect(await log.get(record.streamId)).toBeUndefined(), 15_000);
    await eventually(async () => expect(await other.get(record.streamId)).toBeUndefined(), 15_000);
    const fresh = newRecord();
    const freshWriter = await openWriter(log, fresh);
    await freshWriter.append('start', '{}');
    await freshWriter.append('end', '{}');
    await freshWriter.close();
    expect((await readAll(other, fresh.streamId)).map((event) => event.seq)).toEqual([1, 2]);
    expect(await other.get(randomUUID())).toBeUndefined();
  });
});

describe.skipIf(!redisAvailability().available || !canStartRedisServer())('RedisEventLog when Redis stalls', () => {
  let redis: TestRedis;
  const harness = new RedisHarness(() => redis.url);
  beforeAll(async () => {
    redis = await startTestRedis({ own: true });
  });
  afterEach(async () => {
    redis.thaw();
    await harness.cleanup();
  });
  afterAll(() => redis.close());

  /** An event log whose failures to reach Redis are reported through the returned list. */
  function reportingLog(options: Parameters<RedisHarness['eventLog']>[0]) {
    const reports: string[] = [];
    let reported: () => void = () => undefined;
    const log = harness.eventLog({
      ...options,
      onError: (_err, message) => {
        reports.push(message);
        reported();
      },
    });
    const report = (message: string) =>
      new Promise<void>((resolve) => {
        reported = () => reports.includes(message) && resolve();
        reported();
      });
    return { log, report };
  }

  it('fails a read waiting on a frozen Redis, so its reader can say so and resume later', async () => {
    const producer = harness.eventLog(FAST);
    const record = newRecord();
    const writer = await openWriter(producer, record);
    await writer.append('start', '{}');
    const reader = followStepwise(harness.eventLog(FAST), record.streamId, 0, new AbortController().signal);
    expect((await reader.next()).value).toHaveLength(1);
    const waiting = reader.next();
    redis.freeze();
    await within(expect(waiting).rejects.toBeInstanceOf(StoreUnavailableError), 10_000, 'the read kept waiting on the frozen Redis');
    redis.thaw();
    await writer.append('end', '{}');
    expect((await readAll(harness.eventLog(FAST), record.streamId)).map((event) => event.event)).toEqual(['start', 'end']);
  });

  it('retries an append Redis did not answer, and writes it once', async () => {
    const { log, report } = reportingLog(FAST);
    const record = newRecord();
    const writer = await openWriter(log, record);
    await writer.append('start', '{}');
    redis.freeze();
    const appending = Promise.resolve(writer.append('chunk', chunk('a', 0), new AbortController().signal));
    // The first attempt timed out (it is still queued in Redis's socket); a second is on its way.
    await within(report('a stream append failed; retrying until the stream times out'), 10_000, 'the append was not retried');
    redis.thaw();
    expect(await within(appending, 15_000, 'the retried append did not land')).toMatchObject({ seq: 2, event: 'chunk' });
    await writer.append('end', '{}');
    await writer.close();
    expect((await readAll(harness.eventLog(FAST), record.streamId)).map((event) => [event.seq, event.event])).toEqual([
      [1, 'start'],
      [2, 'chunk'],
      [3, 'end'],
    ]);
  });

  it('after a batch that failed, refuses every event but a terminal one, so none lands after the hole', async () => {
    const client = harness.client();
    const appends = countAppendCalls(client);
    const producer = harness.eventLog({ ...FAST, retryAppendsForMs: 0 }, client);
    const record = newRecord();
    const writer = await openWriter(producer, record);
    await writer.append('start', '{}');
    redis.freeze();
    const batch = ['a', 'b', 'c'].map((content, index) => Promise.resolve(writer.append('chunk', chunk(content, index))));
    for (const append of batch) await expect(append).rejects.toBeInstanceOf(StoreUnavailableError);
    const sent = appends.calls;
    await expect(Promise.resolve(writer.append('chunk', chunk('after the hole', 3)))).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(appends.calls).toBe(sent);
    redis.thaw();
    // The producer ends its stream, as the stream job does after a failed chunk.
    await Promise.resolve(writer.append('error', '{"status":"error"}')).catch(() => undefined);
    await writer.close().catch(() => undefined);
    const events = await within(readAll(harness.eventLog(FAST), record.streamId), 15_000, 'the reader kept waiting');
    expect(events.map((event) => event.data)).not.toContain(chunk('after the hole', 3));
    expect(events.at(-1)?.event).toMatch(/^(end|error)$/);
  });

  it('stops retrying an append once its retry signal aborts (the server shuts down)', async () => {
    const { log, report } = reportingLog(FAST);
    const writer = await openWriter(log, newRecord());
    await writer.append('start', '{}');
    redis.freeze();
    const retry = new AbortController();
    const appending = Promise.resolve(writer.append('chunk', chunk('a', 0), retry.signal));
    await within(report('a stream append failed; retrying until the stream times out'), 10_000, 'the append was not retried');
    retry.abort();
    await within(expect(appending).rejects.toBeInstanceOf(StoreUnavailableError), 10_000, 'the append kept retrying');
  });

  it('never leaves a stream finished without its terminal event when its appends fail for good', async () => {
    // No retries: the chunk, the error after it and the close all time out while Redis is frozen,
    // and all still run, late, once it thaws.
    const producer = harness.eventLog({ ...FAST, retryAppendsForMs: 0 });
    // Streams before it load every script, as on a busy server: a script Redis has not loaded yet
    // would fail (NOSCRIPT) instead of running late.
    for (const last of ['end', undefined] as const) {
      const earlier = await openWriter(producer, newRecord());
      await earlier.append('start', '{}');
      if (last) await earlier.append(last, '{}');
      await earlier.close();
    }
    const record = newRecord();
    const writer = await openWriter(producer, record);
    await writer.append('start', '{}');
    redis.freeze();
    await expect(Promise.resolve(writer.append('chunk', chunk('lost?', 0)))).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(Promise.resolve(writer.append('error', '{"status":"error"}'))).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(writer.close()).rejects.toBeInstanceOf(StoreUnavailableError);
    redis.thaw();
    const other = harness.eventLog(FAST);
    const events = await within(readAll(other, record.streamId), 15_000, 'the reader kept waiting');
    expect(events[0].event).toBe('start');
    expect(events.at(-1)?.event).toMatch(/^(end|error)$/);
    expect(await readAll(other, record.streamId)).toEqual(events);
  });
});
