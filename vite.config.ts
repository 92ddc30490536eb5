import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';

/** Where the widget build goes; the API serves these files at /widget/. */
export const WIDGET_OUT_DIR = 'dist/widget';
/** The ES build's budget: widget, Lit, fetch-event-source, Markdown parser, gzip -9. */
export const WIDGET_BUDGET_BYTES = 35 * 1024;
/** Each chunk loaded on demand (the code highlighter, the MathML inserter): gzip -9. */
export const CHUNK_BUDGET_BYTES = 25 * 1024;

/** Prints each bundle's gzip -9 size against `budget` once the files are written, and fails the build over it. */
export function reportGzipSize(budget: number): Plugin {
  return {
    name: 'ngx-chat-gzip-size',
    apply: 'build',
    writeBundle(options, bundle) {
      for (const file of Object.keys(bundle).filter((name) => name.endsWith('.js'))) {
        const size = gzipSync(readFileSync(join(options.dir ?? WIDGET_OUT_DIR, file)), { level: 9 }).length;
        const within = size <= budget;
        console.log(`ngx-chat: ${file} is ${(size / 1024).toFixed(1)} KiB gzip -9 (${within ? 'within' : 'OVER'} the ${budget / 1024} KiB budget)`);
        if (!within) this.error(`${file} is over its ${budget / 1024} KiB gzip budget.`);
      }
    },
  };
}

/**
 * The widget's library build: `ngx-chat.js` (ES module) and `ngx-chat.iife.js` (classic
 * script), each self-contained but for the chunks (code highlighter, MathML inserter) both import from the API
 * when a reply needs them (vite.chunks.config.ts builds them). `vitest.config.ts` takes
 * precedence for the server tests.
 */
export default defineConfig({
  publicDir: false,
  plugins: [reportGzipSize(WIDGET_BUDGET_BYTES)],
  build: {
    outDir: WIDGET_OUT_DIR,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    reportCompressedSize: false,
    // Vite keeps whitespace and pure annotations in library ES builds for the consumer's tree
    // shaking; this bundle is served to browsers as is, with nothing left to shake.
    rolldownOptions: { output: { minify: true, comments: { annotation: false } } },
    lib: {
      entry: 'widget/index.ts',
      name: 'NgxChat',
      formats: ['es', 'iife'],
      fileName: (format) => (format === 'es' ? 'ngx-chat.js' : 'ngx-chat.iife.js'),
    },
  },
});
