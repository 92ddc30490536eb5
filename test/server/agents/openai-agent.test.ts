import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useFakeModelApi } from '../../support/fake-model-api.js';
import { behave, completionEvent, FAKE_API_KEY, FakeOpenAI } from '../../support/fake-openai.js';
import { postChat, readAllEvents, replyText } from '../../support/sse.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';
import { chunkContents, splitClusters } from './stream-helpers.js';

describe('the openai agent against an OpenAI-compatible server', () => {
  let fake: FakeOpenAI;
  let api: TestApi;
  let token: string;

  beforeAll(async () => {
    fake = await FakeOpenAI.start();
    api = await startTestApi(fake.env({ OPENAI_SYSTEM_PROMPT: 'Be brief.\\nAnswer in English.', OPENAI_HEADERS: '{"X-Tenant":"shop-1"}' }));
    token = await api.login();
  });
  afterAll(async () => {
    await api.close();
    await fake.close();
  });

  it('streams the deltas as the reply, and ends it', async () => {
    fake.use(behave.reply(['Hello', ',', ' world', '!'], { delayMs: 5 }));
    const events = await readAllEvents(await postChat(api.url, token, { message: 'Hi' }));
    expect(events[0].event).toBe('start');
    expect(events.at(-1)!.event).toBe('end');
    expect(JSON.parse(events.at(-1)!.data)).toMatchObject({ status: 'completed', message_count: 1 });
    expect(replyText(events)).toBe('Hello, world!');
  });

  it('sends the model, the system prompt and the whole conversation, with the key as a bearer token', async () => {
    fake.use(behave.reply(['Server-Sent Events.']));
    const first = await readAllEvents(await postChat(api.url, token, { message: 'What is SSE?' }));
    const conversationId = JSON.parse(first[0].data).conversation_id;
    fake.use(behave.reply(['With Last-Event-ID.']));
    const second = await readAllEvents(await postChat(api.url, token, { message: 'And resuming?', conversation_id: conversationId }));
    expect(replyText(second)).toBe('With Last-Event-ID.');

    const { body, headers } = fake.last;
    expect(body).toEqual({
      model: 'test-model',
      stream: true,
      // The usage of each reply counts against the token quotas.
      stream_options: { include_usage: true },
      messages: [
        { role: 'system', content: 'Be brief.\nAnswer in English.' },
        { role: 'user', content: 'What is SSE?' },
        { role: 'assistant', content: 'Server-Sent Events.' },
        { role: 'user', content: 'And resuming?' },
      ],
    });
    expect(headers.authorization).toBe(`Bearer ${FAKE_API_KEY}`);
    expect(headers['content-type']).toBe('application/json');
    expect(headers.accept).toBe('text/event-stream');
    expect(headers['x-tenant']).toBe('shop-1');
  });

  it('keeps a UTF-8 character whole when its bytes arrive in separate TCP writes', async () => {
    const text = 'Grüße 😀 aus Köln';
    const wire = Buffer.from(`${completionEvent(text)}${completionEvent(null, 'stop')}data: [DONE]\n\n`);
    const emoji = wire.indexOf(Buffer.from('😀'));
    const umlaut = wire.indexOf(Buffer.from('ü'));
    // Cut inside the 4-byte emoji and inside the 2-byte ü: each write ends mid-character.
    fake.use(behave.raw([wire.subarray(0, umlaut + 1), wire.subarray(umlaut + 1, emoji + 2), wire.subarray(emoji + 2)], { delayMs: 30 }));
    const events = await readAllEvents(await postChat(api.url, token, { message: 'Unicode, please' }));
    expect(events.at(-1)!.event).toBe('end');
    expect(replyText(events)).toBe(text);
  });

  it('never splits a grapheme cluster across chunk events when the deltas split it', async () => {
    // Woman-woman-girl family (ZWJ sequence), the Spanish flag (two regional indicators), a
    // Devanagari conjunct and a thumbs-up with a skin tone, each split across deltas that arrive
    // further apart than CHUNK_FLUSH_MS.
    const deltas = ['Family 👩', '\u200d', '👩\u200d', '👧', ' flag 🇪', '🇸', ' Hindi क', '्', 'ष', ' ok 👍', '🏽', ' done'];
    fake.use(behave.reply(deltas, { delayMs: 40 }));
    const events = await readAllEvents(await postChat(api.url, token, { message: 'emoji' }));
    const contents = chunkContents(events);
    expect(contents.join('')).toBe(deltas.join(''));
    expect(contents.length).toBeGreaterThan(3);
    expect(splitClusters(contents)).toEqual([]);
  });
});

describe('the same deltas with the chunk buffer off (CHUNK_FLUSH_MS=0)', () => {
  it('arrive as they were sent, splitting clusters: the buffer is what keeps them whole', async () => {
    const fake = await FakeOpenAI.start();
    const api = await startTestApi(fake.env({ CHUNK_FLUSH_MS: '0' }));
    try {
      const deltas = ['Family 👩', '\u200d', '👩\u200d', '👧', ' flag 🇪', '🇸'];
      fake.use(behave.reply(deltas, { delayMs: 10 }));
      const contents = chunkContents(await readAllEvents(await postChat(api.url, await api.login(), { message: 'emoji' })));
      expect(contents).toEqual(deltas);
      expect(splitClusters(contents).length).toBeGreaterThan(0);
    } finally {
      await api.close();
      await fake.close();
    }
  });
});

describe('an agent with reasoning on (AGENTS_CONFIG "reasoning": true)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ngx-reasoning-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const setup = useFakeModelApi((fake) => {
    const path = join(dir, 'agents.json');
    writeFileSync(path, JSON.stringify({ agents: { thinker: { provider: 'openai', model: 'r1', base_url: fake.url, reasoning: true } } }));
    return { AGENT: 'thinker', AGENTS_CONFIG: path, CHUNK_FLUSH_MS: '0' };
  });

  const thinking = (text: string) => `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta: { reasoning_content: text }, finish_reason: null }] })}\n\n`;

  it('sends the reasoning as one reasoning chunk before the text, and the conversation keeps it', async () => {
    const { fake, api, token } = setup;
    fake.use(behave.raw([thinking('The user greets; '), thinking('greet back.'), completionEvent('Hello!'), completionEvent(null, 'stop'), 'data: [DONE]\n\n']));
    const events = await readAllEvents(await postChat(api.url, token, { message: 'hi' }));
    const chunks = events.filter((event) => event.event === 'chunk').map((event) => JSON.parse(event.data));
    expect(chunks[0]).toMatchObject({ type: 'reasoning', content: 'The user greets; greet back.', seconds: 0, chunk_index: 0 });
    expect(replyText(events)).toBe('Hello!');
    const view = await (await fetch(`${api.url}/conversations/${JSON.parse(events[0].data).conversation_id}`, { headers: { Authorization: `Bearer ${token}` } })).json();
    expect(view.messages.at(-1).parts.map((part: { type: string }) => part.type)).toEqual(['reasoning', 'text']);
  });
});
