import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ErrorData } from '../../../protocol/index.js';
import type { EventLog, EventSink, OpenResult, StreamRecord } from '../../../server/stores/event-log.js';
import { MemoryEventLog } from '../../../server/stores/memory/memory-event-log.js';
import { postChat, readAllEvents, replyText, type SseMessage } from '../../support/sse.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';
import { ScriptedAgent } from '../../support/test-agents.js';
import { openChatSocket } from '../../support/ws-client.js';

/** A memory log whose reads fail after handing a reader `failAfter` events; writes are untouched. */
class FailingReads implements EventLog {
  readonly inner = new MemoryEventLog({ retentionS: 60 });
  failAfter = Number.POSITIVE_INFINITY;

  open(record: StreamRecord): Promise<OpenResult> {
    return this.inner.open(record);
  }
  get(streamId: string) {
    return this.inner.get(streamId);
  }
  claimed(owner: string, requestId: string) {
    return this.inner.claimed(owner, requestId);
  }
  async follow(streamId: string, afterSeq: number, sink: EventSink, signal: AbortSignal): Promise<void> {
    let handed = 0;
    const failing = new AbortController();
    const both = AbortSignal.any([signal, failing.signal]);
    const limited: EventSink = (batch) => {
      const room = this.failAfter - handed;
      handed += Math.min(room, batch.length);
      if (room < batch.length) {
        failing.abort();
        return room > 0 ? sink(batch.slice(0, room)) : undefined;
      }
      return sink(batch);
    };
    await this.inner.follow(streamId, afterSeq, limited, both);
    if (failing.signal.aborted && !signal.aborted) throw new Error('the log failed mid-read');
  }
  stop(streamId: string) {
    return this.inner.stop(streamId);
  }
  close() {
    return this.inner.close();
  }
}

const pieces = { pieces: ['one ', 'two ', 'three ', 'four ', 'five'] };

describe('a reader whose log fails mid-stream', () => {
  let api: TestApi;
  let token: string;
  const log = new FailingReads();

  beforeAll(async () => {
    api = await startTestApi({}, { agent: new ScriptedAgent(), events: log });
    token = await api.login();
  });
  afterAll(() => api.close());

  /** Reads a whole reply once to learn its events, then again through a log failing after 3. */
  async function cutAfterThree(read: (body: Record<string, unknown>) => Promise<SseMessage[]>) {
    log.failAfter = 3;
    try {
      return await read({ message: 'count', metadata: pieces });
    } finally {
      log.failAfter = Number.POSITIVE_INFINITY;
    }
  }

  it.each([
    ['SSE', (body: Record<string, unknown>) => postChat(api.url, token, body).then(readAllEvents)],
    [
      'WebSocket',
      async (body: Record<string, unknown>) => {
        const socket = await openChatSocket(api.url, token);
        socket.send({ type: 'chat', ...body });
        const events = (await socket.events()).map((event) => ({ event: event.event, id: event.id, data: JSON.stringify(event.data) }));
        socket.close();
        return events;
      },
    ],
  ])('over %s ends with a retryable error repeating the last id, from which a resume completes the reply', async (_transport, read) => {
    const seen = await cutAfterThree(read);
    expect(seen.map((event) => event.event)).toEqual(['start', 'chunk', 'chunk', 'error']);
    const error = JSON.parse(seen[3].data) as ErrorData;
    expect(error).toMatchObject({ status: 'error', retryable: true });
    expect(seen[3].id).toBe(seen[2].id);
    const rest = await readAllEvents(await postChat(api.url, token, {}, { 'Last-Event-ID': seen[3].id! }));
    expect(rest.at(-1)?.event).toBe('end');
    expect(replyText([...seen.slice(0, 3), ...rest])).toBe('one two three four five');
  });

  it('marks a failure of the reply itself as not retryable', async () => {
    const events = await readAllEvents(await postChat(api.url, token, { message: 'x', metadata: { pieces: ['a'], fail: 'boom' } }));
    expect(events.at(-1)?.event).toBe('error');
    expect(JSON.parse(events.at(-1)!.data)).toMatchObject({ retryable: false });
  });
});
