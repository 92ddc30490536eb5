import { setTimeout as delay } from 'node:timers/promises';
import { expect } from 'vitest';
import { followStepwise, newRecord, openWriter } from '../event-log.contract.js';
import { within } from '../eventually.js';
import type { RedisHarness } from '../redis-harness.js';

/**
 * A reader on another instance gets each live event because the append's notice woke it, not by
 * its fallback look once per heartbeat interval — set here far beyond the test's patience, so
 * without the notice the wait fails.
 */
export async function expectReaderWokenByNotice(harness: RedisHarness): Promise<void> {
  const slow = { heartbeatIntervalMs: 60_000, heartbeatTtlMs: 120_000 };
  const producer = harness.eventLog(slow);
  const record = newRecord();
  const writer = await openWriter(producer, record);
  await writer.append('start', '{}');
  const reader = followStepwise(harness.eventLog(slow), record.streamId, 0, new AbortController().signal);
  expect((await reader.next()).value?.map((event) => event.event)).toEqual(['start']);
  for (const content of ['a', 'b']) {
    const waiting = reader.next();
    // Time for the reader to read the stream, find nothing new and wait: appended sooner, its read
    // would find the event without any notice, and the test would prove nothing.
    await delay(300);
    await writer.append('chunk', JSON.stringify({ type: 'content', content }));
    const batch = await within(waiting, 10_000, 'the reader elsewhere was not woken by the append');
    expect(batch.value?.map((event) => event.event)).toEqual(['chunk']);
  }
  await writer.append('end', '{}');
  await writer.close();
}
