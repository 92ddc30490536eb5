/**
 * Measures what the chunk buffer saves: the same model output streamed through the API with
 * CHUNK_FLUSH_MS=0 (off) and the default 25 ms, at several token rates. Prints a Markdown table
 * of chunk events, response body bytes on the wire (identity, and gzip as browsers get it) and
 * the longest wait of a token between the model's write and its chunk's append.
 *
 *   npx tsx test/server/agents/measure-chunk-savings.ts
 */
import { request } from 'node:http';
import { MemoryEventLog } from '../../../server/stores/memory/memory-event-log.js';
import { behave, FakeOpenAI } from '../../support/fake-openai.js';
import { startTestApi } from '../../support/test-api.js';
import { RecordingEventLog } from './recording-event-log.js';

/** Typical sub-word tokens of an English reply: 4.2 bytes on average. */
const WORDS = [' The', ' reply', ' stream', 's', ' token', ' by', ' token', ',', ' and', ' the', ' widget', ' render', 's', ' it', ' as', ' it', ' arrive', 's', '.'];
const RATES = [1, 5, 10, 20, 40];
const TOKENS = 1000;

interface Run {
  events: number;
  identityBytes: number;
  gzipBytes: number;
  maxWaitMs: number;
}

/** POSTs a chat message and counts the response body's bytes as they come off the socket. */
function bodyBytes(url: string, token: string, acceptEncoding: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = JSON.stringify({ message: 'measure' });
    const req = request(`${url}/stream/chat`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, 'Accept-Encoding': acceptEncoding },
    });
    req.on('response', (res) => {
      let bytes = 0;
      res.on('data', (data: Buffer) => (bytes += data.length));
      res.on('end', () => resolve(bytes));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function measure(flushMs: number, everyMs: number, tokens: number): Promise<Run> {
  const fake = await FakeOpenAI.start();
  const log = new RecordingEventLog(new MemoryEventLog());
  const api = await startTestApi(fake.env({ CHUNK_FLUSH_MS: String(flushMs) }), { events: log });
  try {
    fake.use(behave.paced(tokens, everyMs, (index) => WORDS[index % WORDS.length]));
    const token = await api.login();
    const gzipBytes = await bodyBytes(api.url, token, 'gzip');
    log.appends.length = 0;
    const identityBytes = await bodyBytes(api.url, token, 'identity');
    const chunks = log.appends.filter((append) => append.event === 'chunk').map((append) => ({ content: JSON.parse(append.data).content as string, at: append.at }));
    let maxWaitMs = 0;
    let offset = 0;
    let chunk = 0;
    let chunkEnd = chunks[0].content.length;
    for (const sent of fake.last.sent) {
      offset += sent.content.length;
      while (chunkEnd < offset) chunkEnd += chunks[++chunk].content.length;
      maxWaitMs = Math.max(maxWaitMs, chunks[chunk].at - sent.at);
    }
    return { events: chunks.length, identityBytes, gzipBytes, maxWaitMs };
  } finally {
    await api.close();
    await fake.close();
  }
}

const lines = [
  `${TOKENS} tokens (fewer when slower: 2 s of output) of ${(WORDS.join('').length / WORDS.length).toFixed(1)} bytes on average; buffer off → on:`,
  '',
  '| a token every | chunk events | identity bytes | saved | gzip bytes | saved | longest wait |',
  '| ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
];
const percent = (on: number, off: number) => `${((1 - on / off) * 100).toFixed(0)} %`;
for (const everyMs of RATES) {
  const tokens = Math.min(TOKENS, Math.ceil(2000 / everyMs));
  const off = await measure(0, everyMs, tokens);
  const on = await measure(25, everyMs, tokens);
  lines.push(
    `| ${everyMs} ms | ${off.events} → ${on.events} | ${off.identityBytes} → ${on.identityBytes} | ${percent(on.identityBytes, off.identityBytes)} | ` +
      `${off.gzipBytes} → ${on.gzipBytes} | ${percent(on.gzipBytes, off.gzipBytes)} | ${on.maxWaitMs.toFixed(0)} ms |`,
  );
}
console.log(lines.join('\n'));
