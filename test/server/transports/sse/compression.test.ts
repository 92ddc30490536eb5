import { request, type IncomingMessage } from 'node:http';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../../support/test-api.js';
import { ScriptedAgent } from '../../../support/test-agents.js';

const BROWSER_ACCEPT_ENCODING = 'gzip, deflate, br, zstd';

interface WireRead {
  encoding: string | undefined;
  connection: string | undefined;
  events: EventSourceMessage[];
  wireBytes: number;
  textBytes: number;
  /** What the agent had produced when the first chunk event was parsed. */
  producedAtFirstChunk: number | undefined;
}

/** POSTs a chat message over raw HTTP, counting the bytes on the wire and decompressing them as they come. */
function streamOverWire(api: TestApi, token: string, acceptEncoding: string, body: object, agent?: ScriptedAgent): Promise<WireRead> {
  return new Promise((resolve, reject) => {
    const req = request(`${api.url}/stream/chat`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, 'Accept-Encoding': acceptEncoding },
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
    req.on('response', (res: IncomingMessage) => {
      const encoding = res.headers['content-encoding'];
      const result: WireRead = { encoding, connection: res.headers.connection, events: [], wireBytes: 0, textBytes: 0, producedAtFirstChunk: undefined };
      const parser = createParser({
        onEvent: (event) => {
          if (event.event === 'chunk' && result.producedAtFirstChunk === undefined) result.producedAtFirstChunk = agent?.produced;
          result.events.push(event);
        },
      });
      res.on('data', (data: Buffer) => (result.wireBytes += data.length));
      const decoder = encoding === 'gzip' ? createGunzip() : encoding === 'br' ? createBrotliDecompress() : encoding === 'deflate' ? createInflate() : undefined;
      const decoded: NodeJS.ReadableStream = decoder ? res.pipe(decoder) : res;
      decoded.on('data', (data: Buffer) => {
        result.textBytes += data.length;
        parser.feed(data.toString('utf8'));
      });
      decoded.on('end', () => resolve(result));
      decoded.on('error', reject);
    });
  });
}

describe('compressed streams', () => {
  let api: TestApi;
  let token: string;
  const agent = new ScriptedAgent();
  const paced = { message: 'paced', metadata: { pieces: Array.from({ length: 8 }, (_, i) => `piece ${i} `), delay_ms: 150 } };

  beforeAll(async () => {
    api = await startTestApi({}, { agent });
    token = await api.login();
  });
  afterAll(() => api.close());

  it.each([
    [BROWSER_ACCEPT_ENCODING, 'gzip'],
    ['br, gzip;q=0', 'br'],
    ['br;q=1, gzip;q=0.5', 'br'],
    ['deflate', 'deflate'],
    ['zstd', undefined],
    ['gzip;q=0, br;q=0', undefined],
  ])('Accept-Encoding "%s" gets %s: gzip is preferred at equal weight', async (acceptEncoding, expected) => {
    const read = await streamOverWire(api, token, acceptEncoding, { message: 'negotiate', metadata: { pieces: ['a', 'b'] } });
    expect(read.encoding).toBe(expected);
    expect(read.events.map((event) => event.event)).toEqual(['start', 'chunk', 'chunk', 'chunk', 'end']);
  });

  it.each([
    ['gzip', 'gzip'],
    ['br', 'br'],
  ])('with %s, the first chunk arrives while the agent is still writing', async (expected, acceptEncoding) => {
    const before = agent.produced;
    const read = await streamOverWire(api, token, acceptEncoding, paced, agent);
    expect(read.encoding).toBe(expected);
    expect(read.events.map((event) => event.event)).toEqual(['start', ...Array(9).fill('chunk'), 'end']);
    // Had the stream been buffered until the end, all 8 pieces would have been produced by then.
    expect(read.producedAtFirstChunk! - before).toBeLessThan(4);
  });

  it.each([
    ['gzip', 'gzip'],
    ['br', 'br'],
  ])('with %s, wire bytes per chunk are well under the uncompressed size', async (expected, acceptEncoding) => {
    const demo = await startTestApi();
    try {
      const demoToken = await demo.login();
      const plain = await streamOverWire(demo, demoToken, 'identity', { message: 'measure me' });
      const packed = await streamOverWire(demo, demoToken, acceptEncoding, { message: 'measure me' });
      expect(plain.encoding).toBeUndefined();
      expect(plain.connection).toBe('keep-alive');
      expect(packed.encoding).toBe(expected);
      expect(packed.textBytes).toBe(plain.textBytes - sizeDifferenceOfIds(plain, packed));
      const chunks = packed.events.filter((event) => event.event === 'chunk').length;
      const perChunkPlain = plain.wireBytes / chunks;
      const perChunkPacked = packed.wireBytes / chunks;
      // A full flush per event (res.flush()) barely reaches 0.8x; a sync flush keeps the dictionary.
      expect(perChunkPacked / perChunkPlain).toBeLessThan(0.35);
    } finally {
      await demo.close();
    }
  });
});

/** The two replies have ids of the same length, so this is 0; kept explicit to say why the sizes may match exactly. */
function sizeDifferenceOfIds(a: WireRead, b: WireRead): number {
  const idBytes = (read: WireRead) => read.events.reduce((sum, event) => sum + (event.id?.length ?? 0), 0);
  return idBytes(a) - idBytes(b);
}
