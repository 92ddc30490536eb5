import { defineConfig } from 'vite';
import { CHUNK_BUDGET_BYTES, WIDGET_OUT_DIR, reportGzipSize } from './vite.config.js';

/**
 * The code highlighter, `ngx-chat-highlight.js`: an ES module of its own beside the widget's
 * bundles (built after them, so the folder is not emptied), which the widget imports from the
 * API only once a reply has a code block with a language. Within 25 KiB gzip.
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
      entry: 'widget/highlight/highlight-code.ts',
      formats: ['es'],
      fileName: () => 'ngx-chat-highlight.js',
    },
  },
});
