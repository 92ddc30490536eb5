import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EventLog, StoredEvent, StreamRecord, StreamWriter } from '../../../server/stores/event-log.js';
import { eventually, within } from './eventually.js';

/** Two handles on one event log: for Redis, two instances on their own connections (two API instances); in memory, one log twice. */
export interface EventLogPair {
  /** Where streams are opened and written. */
  producer: EventLog;
  /** Where they are read and stopped. */
  other: EventLog;
}

/** Makes a fresh pair; the test file closes what it made after each test. */
export type EventLogFactory = (options: { retentionS?: number }) => Promise<EventLogPair>;

/** A record for a new stream, owned by `alice` unless told otherwise. */
export function newRecord(overrides: Partial<StreamRecord> = {}): StreamRecord {
  return { streamId: randomUUID(), owner: 'alice', conversationId: randomUUID(), requestId: randomUUID(), createdAt: Date.now(), ...overrides };
}

/** Opens a stream that must be new. */
export async function openWriter(log: EventLog, record: StreamRecord): Promise<StreamWriter> {
  const opened = await log.open(record);
  if (opened.kind !== 'opened') throw new Error(`expected a new stream, got the existing ${opened.streamId}`);
  return opened.writer;
}

/** Reads to the end, keeping the batches. */
export async function readBatches(log: EventLog, streamId: string, afterSeq = 0, signal = new AbortController().signal): Promise<StoredEvent[][]> {
  const batches: StoredEvent[][] = [];
  await log.follow(streamId, afterSeq, (batch) => void batches.push(batch), signal);
  return batches;
}

/** One step of {@link followStepwise}: a batch, the end, or the failure of the read. */
type Step = { result: IteratorResult<StoredEvent[], undefined> } | { error: unknown };

/**
 * Follows a stream one batch at a time, as a pull iterator: the sink asks the log to wait until
 * the next call to `next`, so a test sees each batch the log hands on, and what it does while a
 * reader is slow.
 */
export function followStepwise(log: EventLog, streamId: string, afterSeq: number, signal: AbortSignal): { next(): Promise<IteratorResult<StoredEvent[], undefined>> } {
  const steps: Step[] = [];
  let take: ((step: Step) => void) | undefined;
  let resume: (() => void) | undefined;
  const put = (step: Step) => {
    if (take) take(step);
    else steps.push(step);
    take = undefined;
  };
  log.follow(streamId, afterSeq, (batch) => {
    put({ result: { done: false, value: batch } });
    return new Promise<void>((resolve) => (resume = resolve));
  }, signal).then(
    () => put({ result: { done: true, value: undefined } }),
    (error: unknown) => put({ error }),
  );
  return {
    async next() {
      resume?.();
      resume = undefined;
      const step = steps.shift() ?? (await new Promise<Step>((resolve) => (take = resolve)));
      if ('error' in step) throw step.error;
      return step.result;
    },
  };
}

/** Reads to the end, as one list. */
/** Opens a stream of a `start` and an `end` on `log` and closes it; returns its record. */
async function finishedStream(log: EventLog): Promise<StreamRecord> {
  const record = newRecord();
  const writer = await openWriter(log, record);
  await writer.append('start', '{}');
  await writer.append('end', '{}');
  await writer.close();
  return record;
}

export async function readAll(log: EventLog, streamId: string, afterSeq = 0): Promise<StoredEvent[]> {
  return (await readBatches(log, streamId, afterSeq)).flat();
}

const chunk = (content: string) => JSON.stringify({ type: 'content', content });

/** Defines the behaviour every {@link EventLog} must have, against the logs `create` makes. */
export function defineEventLogContract(create: EventLogFactory): void {
  describe('event log contract', () => {
    it('numbers appended events 1, 2, 3, … and replays them in order, ending after the terminal event', async () => {
      const { producer, other } = await create({});
      const record = newRecord();
      const writer = await openWriter(producer, record);
      const appended = [
        await writer.append('start', '{"status":"processing"}'),
        await writer.append('chunk', chunk('a')),
        await writer.append('chunk', chunk('b')),
        await writer.append('end', '{"status":"completed"}'),
      ];
      expect(appended.map((event) => event.seq)).toEqual([1, 2, 3, 4]);
      await writer.close();
      const batches = await readBatches(other, record.streamId);
      expect(batches.every((batch) => batch.length > 0)).toBe(true);
      expect(batches.flat()).toEqual(appended);
    });

    it('after a seq, replays only the rest, then follows live events to the terminal one', async () => {
      const { producer, other } = await create({});
      const record = newRecord();
      const writer = await openWriter(producer, record);
      await writer.append('start', '{}');
      await writer.append('chunk', chunk('a'));
      const reader = followStepwise(other, record.streamId, 1, new AbortController().signal);
      const replayed = await reader.next();
      expect(replayed.value).toEqual([{ seq: 2, event: 'chunk', data: chunk('a') }]);
      const live = reader.next();
      await writer.append('chunk', chunk('b'));
      expect((await within(live, 10_000, 'the reader never saw the live event')).value).toEqual([{ seq: 3, event: 'chunk', data: chunk('b') }]);
      await writer.append('end', '{}');
      const rest: StoredEvent[] = [];
      for (let next = await reader.next(); !next.done; next = await reader.next()) rest.push(...next.value);
      expect(rest.map((event) => event.seq)).toEqual([4]);
      await writer.close();
    });

    it('returns after the terminal event even while the writer is still open', async () => {
      const { producer, other } = await create({});
      const record = newRecord();
      const writer = await openWriter(producer, record);
      await writer.append('start', '{}');
      await writer.append('error', '{"status":"error"}');
      const events = await within(readAll(other, record.streamId), 10_000, 'the read did not end at the error event');
      expect(events.map((event) => event.event)).toEqual(['start', 'error']);
      await writer.close();
    });

    it('returns at once for the last seq of a finished stream, and for a stream that never existed', async () => {
      const { producer, other } = await create({});
      const record = await finishedStream(producer);
      expect(await readAll(other, record.streamId, 2)).toEqual([]);
      expect(await readAll(other, randomUUID())).toEqual([]);
    });

    it('returns when a stream is closed without a terminal event, after at most an error event', async () => {
      const { producer, other } = await create({});
      const record = newRecord();
      const writer = await openWriter(producer, record);
      await writer.append('start', '{}');
      const reading = readAll(other, record.streamId);
      await writer.close();
      const [first, ...rest] = await within(reading, 10_000, 'the read did not end when the stream closed');
      expect(first.seq).toBe(1);
      // The Redis log never finishes a stream without a terminal event (see redis-event-log.test.ts).
      expect(rest.map((event) => [event.seq, event.event])).toEqual(rest.length === 0 ? [] : [[2, 'error']]);
    });

    it('ends a waiting read when its signal aborts', async () => {
      const { producer, other } = await create({});
      const record = newRecord();
      const writer = await openWriter(producer, record);
      await writer.append('start', '{}');
      const abort = new AbortController();
      const reader = followStepwise(other, record.streamId, 0, abort.signal);
      expect((await reader.next()).value).toHaveLength(1);
      const waiting = reader.next();
      abort.abort();
      expect((await within(waiting, 5_000, 'the aborted read kept waiting')).done).toBe(true);
      await writer.close();
    });

    it('hands a reader whose sink asked it to wait what was appended meanwhile, in order, once', async () => {
      const { producer, other } = await create({});
      const record = newRecord();
      const writer = await openWriter(producer, record);
      await writer.append('start', '{}');
      const seen: number[] = [];
      let release: () => void = () => undefined;
      const paused = new Promise<void>((resolve) => (release = resolve));
      const reading = other.follow(record.streamId, 0, (batch) => {
        seen.push(...batch.map((event) => event.seq));
        if (seen.length === 1) return paused;
      }, new AbortController().signal);
      await eventually(async () => expect(seen).toEqual([1]));
      for (let index = 0; index < 5; index++) await writer.append('chunk', chunk(String(index)));
      expect(seen).toEqual([1]);
      release();
      await eventually(async () => expect(seen).toEqual([1, 2, 3, 4, 5, 6]));
      await writer.append('end', '{}');
      await within(reading, 10_000, 'the read did not end at the end event');
      expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
      await writer.close();
    });

    it('fails the read, not the producer, when a sink throws', async () => {
      const { producer, other } = await create({});
      const record = newRecord();
      const writer = await openWriter(producer, record);
      await writer.append('start', '{}');
      const broken = new Error('the socket is gone');
      const reading = other.follow(record.streamId, 0, (batch) => {
        if (batch.some((event) => event.event === 'chunk')) throw broken;
      }, new AbortController().signal);
      await writer.append('chunk', chunk('a'));
      await within(expect(reading).rejects.toBe(broken), 10_000, 'the read did not fail');
      await writer.append('end', '{}');
      await writer.close();
      expect((await readAll(other, record.streamId)).map((event) => event.seq)).toEqual([1, 2, 3]);
    });

    it('gives every concurrent reader the same events', async () => {
      const { producer, other } = await create({});
      const record = newRecord();
      const writer = await openWriter(producer, record);
      const readers = [readAll(other, record.streamId), readAll(producer, record.streamId), readAll(other, record.streamId)];
      await writer.append('start', '{}');
      for (let index = 0; index < 20; index++) await writer.append('chunk', chunk(String(index)));
      await writer.append('end', '{}');
      await writer.close();
      const results = await Promise.all(readers);
      expect(results[0].map((event) => event.seq)).toEqual(Array.from({ length: 22 }, (_, index) => index + 1));
      expect(results[1]).toEqual(results[0]);
      expect(results[2]).toEqual(results[0]);
    });

    it('knows the record of a stream everywhere, and nothing of unknown ones', async () => {
      const { producer, other } = await create({});
      const record = newRecord();
      const writer = await openWriter(producer, record);
      expect(await other.get(record.streamId)).toEqual(record);
      expect(await other.get(randomUUID())).toBeUndefined();
      await writer.close();
      expect(await other.get(record.streamId)).toEqual(record);
    });

    it('returns the existing stream for an owner reusing a request id, and opens a new one for another owner', async () => {
      const { producer, other } = await create({});
      const first = newRecord();
      const writer = await openWriter(producer, first);
      expect(await other.open(newRecord({ requestId: first.requestId }))).toEqual({ kind: 'existing', streamId: first.streamId });
      expect(await producer.open(newRecord({ requestId: first.requestId }))).toEqual({ kind: 'existing', streamId: first.streamId });
      const stranger = await openWriter(other, newRecord({ owner: 'bob', requestId: first.requestId }));
      await stranger.close();
      await writer.close();
    });

    it('tells, everywhere, which stream an owner\'s request id opened, and nothing for another owner or request', async () => {
      const { producer, other } = await create({});
      const record = await finishedStream(producer);
      expect(await other.claimed(record.owner, record.requestId)).toBe(record.streamId);
      expect(await producer.claimed(record.owner, record.requestId)).toBe(record.streamId);
      expect(await other.claimed('bob', record.requestId)).toBeUndefined();
      expect(await other.claimed(record.owner, randomUUID())).toBeUndefined();
    });

    it('fires the stop signal of the producer when the stream is stopped anywhere', async () => {
      const { producer, other } = await create({});
      const record = newRecord();
      const writer = await openWriter(producer, record);
      await writer.append('start', '{}');
      let calls = 0;
      const stopped = new Promise<void>((resolve) => writer.onStop(() => resolve(void (calls += 1))));
      expect(calls).toBe(0);
      await other.stop(record.streamId);
      await other.stop(record.streamId);
      await within(stopped, 5_000, 'the stop listener was not called');
      let late = 0;
      writer.onStop(() => (late += 1));
      expect([calls, late]).toEqual([1, 1]);
      await writer.append('end', '{"status":"cancelled"}');
      await writer.close();
      expect((await readAll(other, record.streamId)).map((event) => event.event)).toEqual(['start', 'end']);
    });

    it('changes nothing when a finished or unknown stream is stopped', async () => {
      const { producer, other } = await create({});
      const record = newRecord();
      const writer = await openWriter(producer, record);
      await writer.append('start', '{}');
      await writer.append('end', '{"status":"completed"}');
      await writer.close();
      const before = await readAll(other, record.streamId);
      await other.stop(record.streamId);
      await other.stop(randomUUID());
      expect(await readAll(other, record.streamId)).toEqual(before);
      expect(await other.get(record.streamId)).toEqual(record);
      let calls = 0;
      writer.onStop(() => (calls += 1));
      expect(calls).toBe(0);
    });

    it('drops a finished stream and its request id after the retention time', async () => {
      const { producer, other } = await create({ retentionS: 1 });
      const record = await finishedStream(producer);
      expect(await other.get(record.streamId)).toEqual(record);
      await eventually(async () => expect(await other.get(record.streamId)).toBeUndefined());
      expect(await readAll(other, record.streamId)).toEqual([]);
      expect(await other.claimed(record.owner, record.requestId)).toBeUndefined();
      const again = await producer.open(newRecord({ requestId: record.requestId }));
      expect(again.kind).toBe('opened');
      if (again.kind === 'opened') await again.writer.close();
    });
  });
}
