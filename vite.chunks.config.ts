import { defineConfig } from 'vite';
import { CHUNK_BUDGET_BYTES, WIDGET_OUT_DIR, reportGzipSize } from './vite.config.js';

/**
 * The chunks the widget loads on demand, ES modules of their own beside its bundles (built after
 * them, so the folder is not emptied), each imported from the API only once a reply needs it:
 * `ngx-chat-highlight.js`, the code highlighter, once a code block names its language, and
 * `ngx-chat-math.js`, the MathML inserter, once a reply has a formula. Each within 25 KiB gzip.
 */
export default defineConfig({
  publicDir: false,
  plugins: [reportGzipSize(CHUNK_BUDGET_BYTES)],
  build: {
    outDir: WIDGET_OUT_DIR,
    emptyOutDir: false,
    target: 'es2022',
    sourcemap: true,
    reportCompressedSize: false,
    rolldownOptions: { output: { minify: true, comments: { annotation: false } } },
    lib: {
      entry: { 'ngx-chat-highlight': 'widget/highlight/highlight-code.ts', 'ngx-chat-math': 'widget/math/insert-mathml.ts' },
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
    },
  },
});
