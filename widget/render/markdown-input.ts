/**
 * What the Markdown parser (`streaming-markdown`) reads differently from CommonMark, fixed in the
 * text before it reaches the parser, character by character so a chunk boundary changes nothing:
 *
 * - an underscore between two letters or digits (`snake_case`, `a_b_c`) is text, not emphasis;
 * - `<https://…>`, `<mailto:…>` and `<user@example.com>` are links (autolinks);
 * - `$$…$$` on one line is a formula block (the parser opens one only when `$$` ends its line).
 *
 * `inCode()` says whether the parser is inside code, where both are left alone.
 */
export class MarkdownInput {
  /** The last character passed on, for the intraword test. */
  private previous = '';
  /** An underscore after a word character, waiting for the next character to decide. */
  private heldUnderscore = false;
  /** An autolink being read, from its `<`; undefined when none. */
  private autolink: string | undefined;
  /** Dollar signs at the start of a line, waiting to see whether they open a formula block. */
  private heldDollars = 0;

  constructor(
    private readonly write: (text: string) => void,
    private readonly inCode: () => boolean,
  ) {}

  /** Passes on `text`, fixed. */
  push(text: string): void {
    for (const char of text) this.pushChar(char);
  }

  /** Passes on whatever is held back (the reply ended). */
  flush(): void {
    if (this.heldUnderscore) this.emit('_');
    this.heldUnderscore = false;
    if (this.autolink !== undefined) this.emit(this.autolink);
    this.autolink = undefined;
    if (this.heldDollars > 0) this.emit('$'.repeat(this.heldDollars));
    this.heldDollars = 0;
  }

  private pushChar(char: string): void {
    if (this.autolink !== undefined) {
      this.readAutolink(char);
      return;
    }
    if (this.heldUnderscore) {
      this.heldUnderscore = false;
      // Escaped, the parser shows it as it is (`\_`).
      this.emit(WORD.test(char) ? '\\_' : '_');
    }
    if (this.heldDollars > 0) {
      if (char === '$' && this.heldDollars === 1) {
        this.heldDollars = 2;
        return;
      }
      const opensBlock = this.heldDollars === 2 && char !== '\n';
      this.emit(opensBlock ? '$$\n' : '$'.repeat(this.heldDollars));
      this.heldDollars = 0;
    }
    if (this.inCode()) {
      this.emit(char);
      return;
    }
    if (char === '$' && (this.previous === '' || this.previous === '\n')) {
      this.heldDollars = 1;
      return;
    }
    if (char === '_' && WORD.test(this.previous)) {
      this.heldUnderscore = true;
      return;
    }
    if (char === '<') {
      this.autolink = '<';
      return;
    }
    this.emit(char);
  }

  private readAutolink(char: string): void {
    const text = this.autolink + char;
    if (char === '>') {
      this.autolink = undefined;
      this.emit(asLink(text.slice(1, -1)) ?? text);
      return;
    }
    if (/\s/.test(char) || text.length > MAX_AUTOLINK) {
      this.autolink = undefined;
      this.emit(text);
      return;
    }
    this.autolink = text;
  }

  private emit(text: string): void {
    this.write(text);
    this.previous = text[text.length - 1];
  }
}

/** Letters and digits of any script. */
const WORD = /[\p{L}\p{N}]/u;
/** Longer than any autolink worth making: the `<` was something else. */
const MAX_AUTOLINK = 256;
const EMAIL = /^[^\s@<>()[\]\\:]+@[^\s@<>()[\]\\:]+\.[^\s@<>()[\]\\:]+$/;
const URL_LIKE = /^(?:https?:\/\/|mailto:)[^\s<>()[\]\\]+$/i;

/** `[text](url)` for an autolink's inside, with the text's Markdown characters escaped; undefined when it is none. */
function asLink(inside: string): string | undefined {
  const url = URL_LIKE.test(inside) ? inside : EMAIL.test(inside) ? `mailto:${inside}` : undefined;
  if (!url) return undefined;
  return `[${inside.replace(/[\\`*_[\]<>~|$]/g, '\\$&')}](${url})`;
}
