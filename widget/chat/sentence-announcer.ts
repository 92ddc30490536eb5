/** Where a sentence ends: terminal punctuation followed by white space, or a line break. */
const SENTENCE_END = /[.!?…。！？]+["')\]]*(?=\s)|\n/g;

/**
 * Turns a growing reply into sentence-sized announcements: each call to {@link update} speaks
 * the sentences completed since the last call, never a partial one, so a screen reader hears
 * phrases rather than a stutter of tokens.
 */
export class SentenceAnnouncer {
  private spoken = 0;

  /** @param speak Puts text into the polite live region. */
  constructor(private readonly speak: (text: string) => void) {}

  /** Skips the first `length` characters (text shown before a reload, already heard). */
  skip(length: number): void {
    this.spoken = length;
  }

  /** Announces the sentences of `text` completed since the last call. */
  update(text: string): void {
    const rest = text.slice(this.spoken);
    let end = 0;
    for (const match of rest.matchAll(SENTENCE_END)) end = match.index + match[0].length;
    if (end === 0) return;
    this.spoken += end;
    this.say(rest.slice(0, end));
  }

  /** Announces only `closing` (such as "Stopped."): what is left of an interrupted sentence would be a fragment. */
  close(text: string, closing: string): void {
    this.spoken = text.length;
    this.say(closing);
  }

  /** Announces whatever is left of `text`, followed by `closing` (such as "Reply complete."). */
  finish(text: string, closing: string): void {
    const rest = text.slice(this.spoken);
    this.spoken = text.length;
    this.say(`${rest} ${closing}`);
  }

  private say(text: string): void {
    const clean = text.replace(/\s+/g, ' ').trim();
    if (clean !== '') this.speak(clean);
  }
}
