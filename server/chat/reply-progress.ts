import type { MessagePart, ReplyStep, TokenUsage } from '../../protocol/index.js';

/**
 * What a generation has appended so far: how many chunks, the text, and — once the agent took a
 * step — every part in order, for the conversation to keep. A reply without steps (most of them,
 * and every one of the demo and bench agents) only keeps its text pieces.
 */
export class ReplyProgress {
  /** Chunks appended: the next chunk's index. */
  chunks = 0;
  /** The model's tokens, once the agent reported them. */
  usage: TokenUsage | undefined;
  private readonly pieces: string[] = [];
  private ordered: MessagePart[] | undefined;

  add(piece: string | ReplyStep): void {
    this.chunks += 1;
    if (typeof piece === 'string') {
      this.pieces.push(piece);
      const last = this.ordered?.at(-1);
      if (last?.type === 'text') last.text += piece;
      else this.ordered?.push({ type: 'text', text: piece });
      return;
    }
    this.ordered ??= this.pieces.length > 0 ? [{ type: 'text', text: this.pieces.join('') }] : [];
    this.ordered.push(piece);
  }

  /**
   * The reply's text. Joined once rather than concatenated piece by piece: the stored reply is
   * one flat string for the garbage collector to walk, not a rope of an object per piece.
   */
  text(): string {
    return this.pieces.join('');
  }

  /** Every part in order, when the reply has steps; undefined for text alone. */
  parts(): MessagePart[] | undefined {
    return this.ordered;
  }
}
