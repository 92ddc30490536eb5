import fc from 'fast-check';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { coalesceChunks, splitTrailingCluster } from '../../../server/chat/chunk-buffer.js';
import { graphemeBoundaries } from '../agents/stream-helpers.js';

/** Clusters that models split across tokens, and some plain text around them. */
const CLUSTERS = ['a', ' ', 'x', '\r\n', 'é', 'e\u0301', '👩\u200d👩\u200d👧', '🇪🇸', '👍🏽', '❤️\u200d🔥', 'क्ष', 'नि', '한', '\u1100\u1161\u11a8', '日本', '1️⃣', 'ab\u0308'];
const text = fc.array(fc.oneof(fc.constantFrom(...CLUSTERS), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 })), { minLength: 1, maxLength: 12 }).map((parts) => parts.join(''));

/** Whether a boundary at `offset` may fall inside a cluster: only after a plain ASCII character (the documented exception). */
function allowedSplit(whole: string, offset: number): boolean {
  return graphemeBoundaries(whole).has(offset) || (whole.charCodeAt(offset - 1) < 0x80 && whole[offset - 1] !== '\r');
}

/** Cuts `whole` at `cuts` (any UTF-16 offsets, even inside a surrogate pair). */
function cutAt(whole: string, cuts: number[]): string[] {
  const offsets = [...new Set(cuts.map((cut) => cut % (whole.length + 1)))].sort((a, b) => a - b);
  return [0, ...offsets].map((start, index) => whole.slice(start, [...offsets, whole.length][index])).filter(Boolean);
}

async function* timed(pieces: { text: string; delayMs: number }[]): AsyncIterable<string> {
  for (const piece of pieces) {
    if (piece.delayMs > 0) await sleep(piece.delayMs);
    yield piece.text;
  }
}

async function collect(source: AsyncIterable<string>): Promise<{ text: string; at: number }[]> {
  const out: { text: string; at: number }[] = [];
  for await (const text of source) out.push({ text, at: performance.now() });
  return out;
}

describe('splitTrailingCluster', () => {
  it('holds back only what later text could still join, wherever the text is cut (property)', () => {
    fc.assert(
      fc.property(text, fc.nat(), (whole, cut) => {
        const before = whole.slice(0, cut % (whole.length + 1));
        const { ready, held } = splitTrailingCluster(before);
        expect(ready + held).toBe(before);
        if (held !== '' && !/[\ud800-\udbff]$/.test(held)) expect([...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(held)]).toHaveLength(1);
        // Whatever comes next, the text already released ends on a boundary.
        expect(allowedSplit(whole, ready.length)).toBe(true);
      }),
      { numRuns: 5000 },
    );
  });

  it('holds an emoji that a ZWJ, a skin tone or a second regional indicator could extend, and sends ASCII at once', () => {
    expect(splitTrailingCluster('Hi 👩')).toEqual({ ready: 'Hi ', held: '👩' });
    expect(splitTrailingCluster('Hi 👩\u200d')).toEqual({ ready: 'Hi ', held: '👩\u200d' });
    expect(splitTrailingCluster('flag 🇪')).toEqual({ ready: 'flag ', held: '🇪' });
    expect(splitTrailingCluster('line\r')).toEqual({ ready: 'line', held: '\r' });
    expect(splitTrailingCluster('Hi \ud83d')).toEqual({ ready: 'Hi ', held: '\ud83d' });
    expect(splitTrailingCluster('Hi 👩\u200d\ud83d')).toEqual({ ready: 'Hi ', held: '👩\u200d\ud83d' });
    expect(splitTrailingCluster('Hello world')).toEqual({ ready: 'Hello world', held: '' });
  });
});

describe('coalesceChunks', () => {
  it('never splits a grapheme cluster, however the pieces are cut and timed (property)', async () => {
    await fc.assert(
      fc.asyncProperty(text, fc.array(fc.nat(), { maxLength: 8 }), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 9, maxLength: 9 }), async (whole, cuts, delays) => {
        const pieces = cutAt(whole, cuts).map((piece, index) => ({ text: piece, delayMs: delays[index] }));
        const out = (await collect(coalesceChunks(timed(pieces), { flushMs: 1, maxBytes: 1 << 20 }))).map((chunk) => chunk.text);
        expect(out.join('')).toBe(whole);
        let offset = 0;
        for (const chunk of out.slice(0, -1)) {
          offset += chunk.length;
          expect(allowedSplit(whole, offset)).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('merges pieces that arrive together, and sends a lone piece when the flush interval has passed', async () => {
    const started = performance.now();
    const out = await collect(
      coalesceChunks(
        timed([
          { text: 'a', delayMs: 0 },
          { text: 'b', delayMs: 0 },
          { text: 'c', delayMs: 0 },
          { text: 'd', delayMs: 150 },
        ]),
        { flushMs: 20, maxBytes: 1000 },
      ),
    );
    expect(out.map((chunk) => chunk.text)).toEqual(['abc', 'd']);
    // Sent on the timer, long before the next piece (a generous bound: a late timer is not the point).
    expect(out[0].at - started).toBeLessThan(100);
  });

  it('sends waiting text as soon as it reaches maxBytes', async () => {
    const out = await collect(coalesceChunks(timed(Array.from({ length: 10 }, () => ({ text: 'abcd', delayMs: 0 }))), { flushMs: 10_000, maxBytes: 8 }));
    expect(out.map((chunk) => chunk.text)).toEqual(Array(5).fill('abcdabcd'));
  });

  it('sends what it holds before passing on the source’s failure', async () => {
    async function* failing(): AsyncIterable<string> {
      yield 'partial ';
      yield 'answer 👩';
      throw new Error('upstream gone');
    }
    const out: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of coalesceChunks(failing(), { flushMs: 10_000, maxBytes: 1000 })) out.push(chunk);
      })(),
    ).rejects.toThrow('upstream gone');
    expect(out).toEqual(['partial answer 👩']);
  });

  it('passes pieces through untouched with flushMs 0', async () => {
    const pieces = ['a', 'b', '👩', '\u200d', '👧'];
    const out = await collect(coalesceChunks(timed(pieces.map((piece) => ({ text: piece, delayMs: 0 }))), { flushMs: 0, maxBytes: 1 }));
    expect(out.map((chunk) => chunk.text)).toEqual(pieces);
  });

  it('closes its source when the consumer stops, even while the source is producing', async () => {
    let closed = false;
    async function* slow(): AsyncIterable<string> {
      try {
        yield 'first';
        await sleep(50);
        yield 'second';
      } finally {
        closed = true;
      }
    }
    for await (const chunk of coalesceChunks(slow(), { flushMs: 5, maxBytes: 1000 })) {
      expect(chunk).toBe('first');
      break; // the buffer sent 'first' on its timer: the source is mid-sleep
    }
    await sleep(100);
    expect(closed).toBe(true);
  });
});
