import temml from 'temml';

/** Longest formula rendered, in characters: a reply's formulas are short; a longer one stays TeX. */
export const MAX_TEX_LENGTH = 2000;

/** Most rendered formulas remembered: a conversation reloaded, or many readers of one answer, render once. */
const CACHE_SIZE = 1000;

/**
 * TeX to MathML with temml, on the server: temml is 50 KiB gzip, twice an on-demand chunk's
 * budget, so the widget sends a reply's formulas here and inserts the MathML it gets back. The
 * TeX is model output: temml runs untrusted (`\href`, `\url` and the like stay text), with its
 * expansion and size limits, and a formula it cannot read gives `null` (the widget keeps the TeX).
 */
export class TexRenderer {
  private readonly cache = new Map<string, string | null>();

  render(tex: string, display: boolean): string | null {
    const key = `${display ? 'D' : 'I'}${tex}`;
    const cached = this.cache.get(key);
    if (cached !== undefined) {
      // Most recently used last: the first key is the next to go.
      this.cache.delete(key);
      this.cache.set(key, cached);
      return cached;
    }
    const mathml = tex.length > MAX_TEX_LENGTH ? null : renderSafely(tex, display);
    this.cache.set(key, mathml);
    if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string);
    return mathml;
  }
}

function renderSafely(tex: string, display: boolean): string | null {
  try {
    const markup = temml.renderToString(tex, { displayMode: display, trust: false, throwOnError: true, maxSize: [40, 40], maxExpand: 500 });
    // Inline styles and classes would only meet a page's CSP (style-src) and the widget's allow-list; colours go with them.
    return markup.startsWith('<math') ? markup.replace(/ (?:style|class)="[^"]*"/g, '') : null;
  } catch {
    return null;
  }
}
