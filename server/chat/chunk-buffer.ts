/** How {@link coalesceChunks} merges an agent's pieces into chunk events. */
export interface ChunkBufferOptions {
  /**
   * The longest a piece waits for the pieces after it, in ms (`CHUNK_FLUSH_MS`), counted from the
   * first piece not yet sent; 0 sends every piece as it comes. Defaults to 25.
   */
  flushMs: number;
  /** Waiting text is sent as soon as it reaches this many bytes (`CHUNK_MAX_BYTES`). Defaults to 8192. */
  maxBytes: number;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const NON_ASCII = /[\u0080-\uffff]/;
const HIGH_SURROGATE_END = /[\ud800-\udbff]$/;

/**
 * Whether text arriving later may still join this grapheme cluster. CR joins a following LF;
 * every non-ASCII cluster can grow in practice — an emoji takes a skin tone, VS16 or ZWJ and the
 * next emoji, a regional indicator its pair, a letter a combining mark or an Indic vowel sign, a
 * Hangul jamo the next jamo — and models split all of these across tokens. A plain ASCII
 * character is sent at once: holding it would delay every word of an English reply.
 */
function mayGrow(cluster: string): boolean {
  return cluster === '\r' || NON_ASCII.test(cluster);
}

/**
 * Splits `text` into what can be sent now and a trailing grapheme cluster that later text may
 * extend. Only the last boundary can move as text is appended (the segmentation rules decide a
 * boundary from what precedes it and the one character after it), so everything before the last
 * cluster is final. A lone high surrogate at the end is half a code point: it is held together
 * with the cluster before it, which the whole code point may join.
 */
export function splitTrailingCluster(text: string): { ready: string; held: string } {
  const whole = HIGH_SURROGATE_END.test(text) ? text.length - 1 : text.length;
  const last = whole === 0 ? undefined : graphemes.segment(text.slice(0, whole)).containing(whole - 1);
  const from = last && mayGrow(last.segment) ? last.index : whole;
  return { ready: text.slice(0, from), held: text.slice(from) };
}

const DEADLINE = Symbol('deadline');

/** A one-shot timer as a promise, for racing against the next piece. */
function deadlineIn(ms: number): { reached: Promise<typeof DEADLINE>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const reached = new Promise<typeof DEADLINE>((resolve) => {
    timer = setTimeout(resolve, ms, DEADLINE);
  });
  return { reached, cancel: () => clearTimeout(timer) };
}

/** The text waiting to be sent, and when it arrived. */
class WaitingText {
  text = '';
  private bytes = 0;
  /** When the oldest waiting text arrived, and the newest. */
  private since = 0;
  private lastAt = 0;

  constructor(private readonly options: ChunkBufferOptions) {}

  add(piece: string, now: number): void {
    if (this.text === '') this.since = now;
    this.lastAt = now;
    this.text += piece;
    this.bytes += Buffer.byteLength(piece);
  }

  /** Whether the text must go out now: its first piece has waited the flush interval, or it is big enough. */
  due(now: number): boolean {
    return this.bytes >= this.options.maxBytes || now - this.since >= this.options.flushMs;
  }

  /** How long until the text is due; undefined when nothing waits or only a held cluster past its time does (it goes with the next piece, or at the end). */
  msUntilDue(now: number): number | undefined {
    const wait = this.since + this.options.flushMs - now;
    return this.text !== '' && wait > 0 ? wait : undefined;
  }

  /** Takes all the waiting text, a trailing cluster included: what follows is not text. */
  flush(): string {
    const text = this.text;
    this.text = '';
    this.bytes = 0;
    return text;
  }

  /** Takes what can be sent, keeping a trailing cluster that may still grow. */
  take(): string {
    let { ready, held } = splitTrailingCluster(this.text);
    // One cluster over the byte limit (thousands of combining marks) goes out whole rather than grow without bound.
    if (ready === '' && this.bytes >= this.options.maxBytes) [ready, held] = [this.text, ''];
    this.text = held;
    this.bytes = Buffer.byteLength(held);
    this.since = this.lastAt;
    return ready;
  }
}

/**
 * Merges pieces that arrive close together, so a model emitting a token a millisecond sends
 * about 1000 / `flushMs` chunk events a second instead of a thousand. Waiting text is sent when
 * `flushMs` has passed since its first piece arrived, when it reaches `maxBytes`, and when the
 * source ends or fails (what came before a failure is never lost). A UTF-16 surrogate pair or a
 * grapheme cluster is never split across two outputs, except an ASCII character later extended
 * by a combining mark (decomposed text, which models do not produce): a trailing cluster that may
 * still grow waits for the text after it, or the end. Pieces are merged, never cut. Anything
 * else the source yields (a step: a tool call, its result…) ends the text before it, which goes
 * out whole first, and passes through in its place.
 */
export function coalesceChunks(source: AsyncIterable<string>, options: ChunkBufferOptions): AsyncIterable<string>;
export function coalesceChunks<Step extends object>(source: AsyncIterable<string | Step>, options: ChunkBufferOptions): AsyncIterable<string | Step>;
export function coalesceChunks<Step extends object>(source: AsyncIterable<string | Step>, options: ChunkBufferOptions): AsyncIterable<string | Step> {
  return options.flushMs === 0 ? source : coalesced(source, options);
}

async function* coalesced<Step extends object>(source: AsyncIterable<string | Step>, options: ChunkBufferOptions): AsyncIterable<string | Step> {
  const pieces = source[Symbol.asyncIterator]();
  const waiting = new WaitingText(options);
  let deadline: ReturnType<typeof deadlineIn> | undefined;
  let next: Promise<IteratorResult<string | Step>> | undefined;
  try {
    for (;;) {
      next ??= pieces.next();
      const result = deadline ? await Promise.race([next, deadline.reached]) : await next;
      if (result === DEADLINE) {
        deadline = undefined;
      } else {
        next = undefined;
        if (result.done) break;
        if (result.value === '') continue;
        if (typeof result.value !== 'string') {
          deadline?.cancel();
          deadline = undefined;
          if (waiting.text) yield waiting.flush();
          yield result.value;
          continue;
        }
        waiting.add(result.value, performance.now());
      }
      if (result === DEADLINE || waiting.due(performance.now())) {
        deadline?.cancel();
        deadline = undefined;
        const ready = waiting.take();
        if (ready) yield ready;
      }
      const wait = deadline ? undefined : waiting.msUntilDue(performance.now());
      if (wait !== undefined) deadline = deadlineIn(wait);
    }
    if (waiting.text) yield waiting.text;
  } catch (err) {
    if (waiting.text) yield waiting.text;
    throw err;
  } finally {
    deadline?.cancel();
    if (next) {
      // The consumer left while the source was busy producing: let that finish, then close the
      // source. Its late failure, if any, has no one left to report to.
      next.then(() => pieces.return?.()).catch(() => undefined);
    } else {
      await pieces.return?.();
    }
  }
}
