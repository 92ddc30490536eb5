import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import type { EventLog } from '../../../server/stores/event-log.js';
import { MemoryEventLog } from '../../../server/stores/memory-event-log.js';
import { redisAvailability, startTestRedis, type TestRedis } from '../../support/redis-server.js';
import { defineEventLogContract } from './event-log.contract.js';
import { RedisHarness } from './redis-harness.js';

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
});

describe.skipIf(!redisAvailability().available)('RedisEventLog', () => {
  let redis: TestRedis;
  const harness = new RedisHarness(() => redis.url);
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterEach(() => harness.cleanup());
  afterAll(() => redis.close());

  // Two instances on two connections: every contract case is also a cross-instance case.
  defineEventLogContract(async (options) => ({ producer: harness.eventLog(options), other: harness.eventLog(options) }));
});
