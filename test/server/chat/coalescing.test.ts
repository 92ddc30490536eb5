import { describe, expect, it } from 'vitest';
import { demoReply, wordPieces } from '../../../server/agents/demo-agent.js';
import { MemoryEventLog } from '../../../server/stores/memory/memory-event-log.js';
import { behave, FakeOpenAI } from '../../support/fake-openai.js';
import { postChat, readAllEvents, replyText } from '../../support/sse.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';
import { RecordingEventLog } from './recording-event-log.js';
import { chunkContents } from '../agents/stream-helpers.js';

const TOKENS = 1000;
const token = (index: number) => `t${index} `;

/** Runs `body` against an API whose `openai` agent talks to a fresh fake, recording every append. */
async function withApi(env: Record<string, string>, body: (api: TestApi, fake: FakeOpenAI, log: RecordingEventLog) => Promise<void>): Promise<void> {
  const fake = await FakeOpenAI.start();
  const log = new RecordingEventLog(new MemoryEventLog());
  const api = await startTestApi(fake.env(env), { events: log });
  try {
    await body(api, fake, log);
  } finally {
    await api.close();
    await fake.close();
  }
}

/**
 * For each token the fake sent, the time from its write to the append of the chunk event that
 * completed it — both measured in this process.
 */
function waits(sent: { content: string; at: number }[], chunks: { content: string; at: number }[]): number[] {
  const result: number[] = [];
  let chunk = 0;
  let chunkEnd = chunks[0].content.length;
  let tokenEnd = 0;
  for (const piece of sent) {
    tokenEnd += piece.content.length;
    while (chunkEnd < tokenEnd) chunkEnd += chunks[++chunk].content.length;
    result.push(chunks[chunk].at - piece.at);
  }
  return result;
}

describe('the chunk buffer between the model and the event log', () => {
  it('turns a token a millisecond into about 40 chunk events a second, none held back to the end', async () => {
    await withApi({}, async (api, fake, log) => {
      fake.use(behave.paced(TOKENS, 1, token));
      const events = await readAllEvents(await postChat(api.url, await api.login(), { message: 'fast model' }));
      const contents = chunkContents(events);
      expect(contents.join('')).toBe(Array.from({ length: TOKENS }, (_, i) => token(i)).join(''));

      const { sent } = fake.last;
      const seconds = (sent.at(-1)!.at - sent[0].at) / 1000;
      // ~40 a second at CHUNK_FLUSH_MS=25; the bounds allow for timers firing late on a busy machine.
      expect(contents.length).toBeLessThanOrEqual(Math.ceil(seconds * 40) + 5);
      expect(contents.length).toBeGreaterThanOrEqual(Math.floor(seconds * 40 * 0.4));
      expect(contents.length).toBeLessThan(TOKENS / 10);

      const appended = log.appends
        .filter((append) => append.event === 'chunk')
        .map((append) => ({ content: JSON.parse(append.data).content as string, at: append.at }))
        .filter((chunk) => chunk.content !== '');
      expect(appended.map((chunk) => chunk.content)).toEqual(contents);
      // No token waits for the end of the reply: each is sent within a small share of the stream's
      // time (the flush interval, 25 ms, against about a second; held to the end, the first would
      // wait it all), however slow the machine runs.
      // The latency itself is the bench's to measure, not a clock bound here.
      expect(Math.max(...waits(sent, appended))).toBeLessThan((seconds * 1000) / 2);
    });
  });

  it('sends each piece at once with CHUNK_FLUSH_MS=0', async () => {
    await withApi({ CHUNK_FLUSH_MS: '0' }, async (api, fake) => {
      fake.use(behave.paced(200, 1, token));
      const contents = chunkContents(await readAllEvents(await postChat(api.url, await api.login(), { message: 'unbuffered' })));
      expect(contents).toEqual(Array.from({ length: 200 }, (_, i) => token(i)));
    });
  });

  it('sends a chunk once CHUNK_MAX_BYTES are waiting, before the flush interval', async () => {
    await withApi({ CHUNK_FLUSH_MS: '10000', CHUNK_MAX_BYTES: '64' }, async (api, fake) => {
      fake.use(behave.paced(200, 1, token));
      const contents = chunkContents(await readAllEvents(await postChat(api.url, await api.login(), { message: 'size-bound' })));
      expect(contents.length).toBeGreaterThan(10);
      for (const content of contents.slice(0, -1)) {
        expect(Buffer.byteLength(content)).toBeGreaterThanOrEqual(64);
        expect(Buffer.byteLength(content)).toBeLessThan(64 + 6);
      }
    });
  });

  it('leaves the demo agent’s words, 30 ms apart, one chunk event each', async () => {
    const api = await startTestApi({ DEMO_TOKEN_DELAY_MS: '30', CHUNK_FLUSH_MS: '25' });
    try {
      const events = await readAllEvents(await postChat(api.url, await api.login(), { message: 'hello there' }));
      expect(replyText(events)).toBe(demoReply('hello there'));
      expect(chunkContents(events)).toEqual(wordPieces(demoReply('hello there')));
    } finally {
      await api.close();
    }
  });
});
