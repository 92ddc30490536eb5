import { describe, expect, it } from 'vitest';
import type { StreamRecord } from '../../../../server/stores/event-log.js';
import { callRedis } from '../../../../server/stores/redis/redis-client.js';
import { liveStreamsKey } from '../../../../server/stores/redis/redis-event-log-scripts.js';
import { canStartRedisCluster } from '../../../support/redis-cluster.js';
import { newRecord, openWriter, readAll } from '../event-log.contract.js';
import { eventually, within } from '../eventually.js';
import { clusterHarness } from '../redis-harness.js';
import { expectReaderWokenByNotice } from './woken-by-notice.js';

/** Short heartbeats, so a dead producer is noticed in well under a second. */
const FAST = { heartbeatIntervalMs: 100, heartbeatTtlMs: 500 };

// The contract itself runs on a cluster in event-log.test.ts; these are the steps a cluster does
// outside a stream's slot: the request claim, and the live set the sweep reads.
describe.skipIf(!canStartRedisCluster())('RedisEventLog on a Redis Cluster: the steps outside a stream’s slot', () => {
  const harness = clusterHarness();

  it('spreads streams over the masters, each stream’s keys in one slot', async () => {
    const admin = harness.client();
    const log = harness.eventLog();
    const slots = new Set<number>();
    for (let i = 0; i < 20; i++) {
      const record = newRecord();
      const writer = await openWriter(log, record);
      await writer.append('start', '{}');
      await writer.append('end', '{}');
      await writer.close();
      const [info, events] = [`${harness.prefix}stream:{${record.streamId}}`, `${harness.prefix}stream:{${record.streamId}}:events`];
      const slot = Number(await callRedis(admin, () => admin.cluster('KEYSLOT', info)));
      expect(Number(await admin.cluster('KEYSLOT', events))).toBe(slot);
      slots.add(slot);
    }
    expect(slots.size).toBeGreaterThan(1);
  });

  it('wakes a reader on another instance with the append’s notice, on the stream’s shard', () => expectReaderWokenByNotice(harness));

  it('ends a dead producer’s stream for a reader elsewhere, and the sweep forgets it', async () => {
    const producerClient = harness.client();
    const producer = harness.eventLog(FAST, producerClient);
    const abandoned: StreamRecord[] = [];
    const other = harness.eventLog({ ...FAST, onAbandoned: (record) => abandoned.push(record) });
    const record = newRecord();
    const writer = await openWriter(producer, record);
    await writer.append('start', '{}');
    await writer.append('chunk', '{"type":"content","content":"a"}');
    const reading = readAll(other, record.streamId);
    producerClient.disconnect();
    const events = await within(reading, 15_000, 'the reader of a dead producer kept waiting');
    expect(events.map((event) => event.event)).toEqual(['start', 'chunk', 'error']);
    await eventually(async () => expect(abandoned.map((found) => found.streamId)).toEqual([record.streamId]));
    const admin = harness.client();
    await eventually(async () => expect(await callRedis(admin, () => admin.zscore(liveStreamsKey(harness.prefix), record.streamId))).toBeNull());
  });

  it('with nobody reading, the sweep of another instance ends the stream once', async () => {
    const producerClient = harness.client();
    const producer = harness.eventLog(FAST, producerClient);
    const abandoned: StreamRecord[] = [];
    harness.eventLog({ ...FAST, onAbandoned: (record) => abandoned.push(record) });
    const record = newRecord();
    const writer = await openWriter(producer, record);
    await writer.append('start', '{}');
    producerClient.disconnect();
    await eventually(async () => expect(abandoned).toHaveLength(1), 15_000);
    expect((await readAll(harness.eventLog(FAST), record.streamId)).map((event) => event.event)).toEqual(['start', 'error']);
  });

  it('attaches a retry with the same request id, on another instance, to the stream it opened', async () => {
    const [a, b] = [harness.eventLog(), harness.eventLog()];
    const record = newRecord();
    await openWriter(a, record);
    const retry = await b.open({ ...record, streamId: newRecord().streamId });
    expect(retry).toEqual({ kind: 'existing', streamId: record.streamId });
  });
});
