import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MarkdownInput } from '../../../widget/render/markdown-input.js';

/** What MarkdownInput passes on for `text` cut into `pieces`, outside code. */
function passedOn(pieces: string[]): string {
  let out = '';
  const input = new MarkdownInput((text) => (out += text), () => false);
  for (const piece of pieces) input.push(piece);
  input.flush();
  return out;
}

describe('MarkdownInput', () => {
  it.each([
    ['snake_case and a_b_c', 'snake\\_case and a\\_b\\_c'],
    ['_emphasis_ and __strong__ stay', '_emphasis_ and __strong__ stay'],
    ['mail <user@example.com>', 'mail [user@example.com](mailto:user@example.com)'],
    ['see <https://example.com/a_b>', 'see [https://example.com/a\\_b](https://example.com/a_b)'],
    ['<mailto:help@example.com>', '[mailto:help@example.com](mailto:help@example.com)'],
    ['1 < 2 and <b>html</b> and a<br>b', '1 < 2 and <b>html</b> and a<br>b'],
    ['ends with a_', 'ends with a_'],
    ['$$x^2$$ on its own line', '$$\nx^2$$ on its own line'],
    ['text\n$$\nx^2\n$$', 'text\n$$\nx^2\n$$'],
    ['It costs $5, not $$10 as $x$ says', 'It costs $5, not $$10 as $x$ says'],
    ['$5 at a line start', '$5 at a line start'],
    ['ends with $$', 'ends with $$'],
    ['$$', '$$'],
  ])('%s', (text, expected) => {
    expect(passedOn([text])).toBe(expected);
  });

  it('passes on the same text however the reply is cut into pieces (property)', () => {
    const alphabet = fc.constantFrom('a', 'b', '_', '<', '>', '@', '.', ' ', ':', '/', 'h', 't', 'p', 's', '\n', 'é', '1', '$');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 60 }).map((chars) => chars.join('')), fc.array(fc.nat(60), { maxLength: 8 }), (text, cuts) => {
        const points = [...new Set(cuts.filter((cut) => cut < text.length))].sort((a, b) => a - b);
        const pieces = [0, ...points].map((start, index) => text.slice(start, points[index] ?? text.length));
        expect(passedOn(pieces)).toBe(passedOn([text]));
      }),
    );
  });

  it('leaves code alone', () => {
    let out = '';
    const input = new MarkdownInput((text) => (out += text), () => true);
    input.push('my_var <user@example.com>');
    input.flush();
    expect(out).toBe('my_var <user@example.com>');
  });
});
