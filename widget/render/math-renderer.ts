import { authorizedJson } from '../api/authorized-json.js';
import { loadChunk } from '../api/chunk-loader.js';
import type { TokenSource } from '../api/token-source.js';

/** The MathML inserter chunk, served beside the widget by the API. */
export const MATH_CHUNK_PATH = '/widget/ngx-chat-math.js';

type InsertMathML = (target: HTMLElement, markup: string) => boolean;

interface Formula {
  target: HTMLElement;
  tex: string;
  display: boolean;
}

/** Most formulas in one request (the API's limit). */
const BATCH = 64;

/**
 * Renders a reply's formulas as MathML once they are complete: those of one moment go to the API
 * (`POST /math`) together, and the chunk inserts what comes back. Until then, or when the API
 * cannot, the TeX stays as it is — readable, just not typeset.
 */
export class MathRenderer {
  private pending: Formula[] = [];
  private scheduled = false;

  constructor(
    private readonly apiUrl: () => string,
    private readonly tokens: TokenSource,
  ) {}

  /** Asks for `target`'s TeX to be typeset, inline or as a block. */
  render(target: HTMLElement, display: boolean): void {
    const tex = target.textContent?.trim() ?? '';
    if (!tex || !this.apiUrl()) return;
    this.pending.push({ target, tex, display });
    if (this.scheduled) return;
    this.scheduled = true;
    // A restored conversation's formulas, all found in one task, go in one request.
    setTimeout(() => this.send());
  }

  private send(): void {
    this.scheduled = false;
    const apiUrl = this.apiUrl();
    for (let start = 0; start < this.pending.length; start += BATCH) {
      const batch = this.pending.slice(start, start + BATCH);
      const body = JSON.stringify({ formulas: batch.map(({ tex, display }) => ({ tex, display })) });
      const rendered = authorizedJson<{ mathml: (string | null)[] }>(apiUrl, '/math', { method: 'POST', body }, this.tokens, new AbortController().signal);
      void Promise.all([rendered, loadChunk<{ insertMathML: InsertMathML }>(apiUrl, MATH_CHUNK_PATH)]).then(
        ([{ mathml }, chunk]) => {
          for (const [index, formula] of batch.entries()) {
            const markup = mathml[index];
            if (markup) chunk?.insertMathML(formula.target, markup);
          }
        },
        () => undefined,
      );
    }
    this.pending = [];
  }
}
