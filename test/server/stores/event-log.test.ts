import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EventLog } from '../../../server/stores/event-log.js';
import { MemoryEventLog, type MemoryEventLogOptions } from '../../../server/stores/memory/memory-event-log.js';
import { StoreFullError } from '../../../server/stores/store-full-error.js';
import { redisAvailability, startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { defineEventLogContract, newRecord, openWriter, readAll } from './event-log.contract.js';
import { canStartRedisCluster } from '../../support/redis-cluster.js';
import { clusterHarness, RedisHarness } from './redis-harness.js';

describe('MemoryEventLog', () => {
  const logs: EventLog[] = [];
  afterEach(async () => {
    await Promise.all(logs.splice(0).map((log) => log.close()));
  });
  defineEventLogContract(async (options) => {
    const log = new MemoryEventLog(options);
    logs.push(log);
    return { producer: log, other: log };
  });

  const memoryLog = (options: MemoryEventLogOptions) => {
    const log = new MemoryEventLog(options);
    logs.push(log);
    return log;
  };
  /** Opens a stream of `owner` and finishes it. */
  const finished = async (log: MemoryEventLog, owner = 'alice') => {
    const record = newRecord({ owner });
    const writer = await openWriter(log, record);
    await writer.append('end', '{}');
    await writer.close();
    return record;
  };

  it("keeps maxFinishedPerUser finished streams per owner, dropping that owner's oldest and freeing its request id", async () => {
    const log = memoryLog({ maxFinishedPerUser: 2 });
    const live = newRecord();
    const writer = await openWriter(log, live);
    const [a1, b1, a2, a3] = [await finished(log), await finished(log, 'bob'), await finished(log), await finished(log)];
    expect(await log.get(a1.streamId)).toBeUndefined();
    for (const record of [live, b1, a2, a3]) expect(await log.get(record.streamId)).toEqual(record);
    expect((await log.open(newRecord({ requestId: a1.requestId }))).kind).toBe('opened');
    await writer.close();
    expect(await log.get(a2.streamId)).toBeUndefined();
  });

  it('at maxStreams drops the oldest finished stream, never a live one, and refuses a new stream when all are live', async () => {
    const log = memoryLog({ maxStreams: 2 });
    const live = newRecord();
    const writer = await openWriter(log, live);
    await writer.append('start', '{}');
    const old = await finished(log, 'bob');
    const second = await openWriter(log, newRecord({ owner: 'bob' }));
    expect(await log.get(old.streamId)).toBeUndefined();
    const refused = await log.open(newRecord({ owner: 'carol' })).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(StoreFullError);
    expect(refused).toMatchObject({ bound: 'store' });
    expect(await log.get(live.streamId)).toEqual(live);
    await writer.append('end', '{}');
    expect((await readAll(log, live.streamId)).map((event) => event.event)).toEqual(['start', 'end']);
    await writer.close();
    await openWriter(log, newRecord({ owner: 'carol' }));
    expect(await log.get(live.streamId)).toBeUndefined();
    await second.close();
  });

  it('refuses a stream its admit check refuses, keeping nothing of it, after a retry has found its own', async () => {
    const refusal = new StoreFullError('store', 'full', 1);
    const log = memoryLog({ admit: (record) => {
      if (record.owner === 'carol') throw refusal;
    } });
    const mine = newRecord({ owner: 'carol' });
    await expect(log.open(mine)).rejects.toBe(refusal);
    expect(await log.get(mine.streamId)).toBeUndefined();
    const alices = newRecord();
    const writer = await openWriter(log, alices);
    expect(await log.open(newRecord({ requestId: alices.requestId }))).toEqual({ kind: 'existing', streamId: alices.streamId });
    await writer.close();
  });

  it('expires only what is past its retention after dropping streams past their owner\'s bound', async () => {
    const log = memoryLog({ retentionS: 1, maxFinishedPerUser: 1 });
    const first = await finished(log);
    const second = await finished(log);
    await sleep(1100);
    // Finished after the others expired, with nothing read in between to drop them.
    const fresh = await finished(log, 'bob');
    expect(await log.get(first.streamId)).toBeUndefined();
    expect(await log.get(second.streamId)).toBeUndefined();
    expect(await log.get(fresh.streamId)).toEqual(fresh);
  });
});

describe.skipIf(!redisAvailability().available)('RedisEventLog', () => {
  let redis: TestRedis;
  const harness = new RedisHarness(() => redis.url);
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterEach(() => harness.cleanup());
  afterAll(() => redis.close());

  describe('read on another instance (woken through sharded pub/sub)', () => {
    // Two instances on two connections: every contract case is also a cross-instance case.
    defineEventLogContract(async (options) => ({ producer: harness.eventLog(options), other: harness.eventLog(options) }));
  });

  describe('read on the producing instance (served from memory)', () => {
    defineEventLogContract(async (options) => {
      const log = harness.eventLog(options);
      return { producer: log, other: log };
    });
  });
});

describe.skipIf(!canStartRedisCluster())('RedisEventLog on a Redis Cluster of three masters', () => {
  const harness = clusterHarness();

  defineEventLogContract(async (options) => ({ producer: harness.eventLog(options), other: harness.eventLog(options) }));
});
