import { STREAM_EVENT, type StreamEventName } from '../../../protocol/index.js';

/** The event names, by the two-bit code a packed stream keeps for each event. */
const NAMES: readonly StreamEventName[] = Object.values(STREAM_EVENT);
/** Most characters of data a stream is packed with: the index keeps `end * 4 + code` as a small integer (31 bits). */
const MAX_PACKED_LENGTH = 2 ** 28 - 1;
/** The columns of every packed stream: empty, and never pushed to. */
const PACKED: never[] = [];

/**
 * One stream's events in the memory log: event i (from 0) has seq i + 1.
 *
 * While the stream is live they are two columns that `push` appends to. When it finishes,
 * `finish` packs them into one flat string and one index, because finished streams are what the
 * log retains — ten thousand of them by default, for resume — and every full garbage collection
 * walks them: as columns a ten-chunk reply is two arrays and a dozen strings, each built by
 * concatenation (ropes of several objects); packed it is a string and an array of small integers.
 * (Not a typed array: each brings an ArrayBuffer, which V8 keeps on a list of its own and sweeps
 * apart from the heap — the part a full collection still owes when it starts, on the main thread.)
 */
export class StreamEvents {
  private names: StreamEventName[] = [];
  private data: string[] = [];
  private packed = '';
  /** For each event, where its data ends in `packed` times four, plus its name's code. */
  private index: number[] | undefined;
  private done = false;

  get length(): number {
    return this.index ? this.index.length : this.data.length;
  }

  /** Whether the stream has finished: its events are all there. */
  get finished(): boolean {
    return this.done;
  }

  nameAt(i: number): StreamEventName {
    return this.index ? NAMES[this.index[i] & 3] : this.names[i];
  }

  dataAt(i: number): string {
    if (!this.index) return this.data[i];
    const start = i === 0 ? 0 : Math.floor(this.index[i - 1] / 4);
    return this.packed.slice(start, Math.floor(this.index[i] / 4));
  }

  /** Appends an event; returns its seq. */
  push(name: StreamEventName, data: string): number {
    if (this.done) throw new Error('The stream has finished.');
    this.names.push(name);
    return this.data.push(data);
  }

  /**
   * Packs the events; nothing more can be pushed. A stream with more data than the index can
   * address (far past MAX_REPLY_BYTES's default of 1 MiB) stays as columns.
   */
  finish(): void {
    const { names, data } = this;
    if (this.done) return;
    this.done = true;
    const index: number[] = [];
    let end = 0;
    for (let i = 0; i < data.length; i += 1) {
      end += data[i].length;
      index.push(end * 4 + NAMES.indexOf(names[i]));
    }
    if (end > MAX_PACKED_LENGTH) return;
    this.packed = data.join('');
    this.index = index;
    this.names = PACKED;
    this.data = PACKED;
  }
}
