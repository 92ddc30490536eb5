import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postChat, readAllEvents, replyText } from '../../../support/sse.js';
import { startTestApi, type TestApi } from '../../../support/test-api.js';
import { ScriptedAgent } from '../../../support/test-agents.js';

const TRICKY = [
  'line one\nline two',
  'carriage\rreturn',
  'windows\r\nline',
  '\n\n\n',
  '\r',
  'data: not a field\n\nevent: end\nid: 1\n\n',
  ': a comment?',
  'retry: 0',
  '😀👩‍👩‍👧‍👦🇪🇸',
  'é e\u0301 ñ 日本語 العربية',
  '\u0000nul',
  '\u2028\u2029',
  '\ufeffbom',
  '"quotes" and \\backslashes\\',
];

describe('reply content on the wire', () => {
  let api: TestApi;
  let token: string;

  beforeAll(async () => {
    api = await startTestApi({}, { agent: new ScriptedAgent() });
    token = await api.login();
  });
  afterAll(() => api.close());

  async function roundTrip(pieces: string[]): Promise<string[]> {
    const events = await readAllEvents(await postChat(api.url, token, { message: 'echo', metadata: { pieces } }));
    expect(events.at(-1)?.event).toBe('end');
    return events.filter((event) => event.event === 'chunk').map((event) => JSON.parse(event.data).content as string).slice(0, -1);
  }

  it('delivers newlines, CR, CRLF, emoji and SSE look-alikes byte-identical', async () => {
    expect(await roundTrip(TRICKY)).toEqual(TRICKY);
  });

  it('delivers any Unicode text byte-identical (property)', async () => {
    const piece = fc.oneof(fc.string({ unit: 'binary', minLength: 1 }), fc.string({ unit: 'grapheme', minLength: 1 }), fc.constantFrom(...TRICKY));
    await fc.assert(
      fc.asyncProperty(fc.array(piece, { minLength: 1, maxLength: 12 }), async (pieces) => {
        const received = await roundTrip(pieces);
        expect(received).toEqual(pieces);
        expect(Buffer.from(received.join(''))).toEqual(Buffer.from(pieces.join('')));
      }),
      { numRuns: 150 },
    );
  });

  it('gives back the same text through a whole-reply read', async () => {
    const events = await readAllEvents(await postChat(api.url, token, { message: 'x', metadata: { pieces: TRICKY } }));
    expect(replyText(events)).toBe(TRICKY.join(''));
  });
});
