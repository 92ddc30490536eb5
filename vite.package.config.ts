import { defineConfig } from 'vite';

/** The element's npm package: `packages/ngx-chat/dist/`. */
export const ELEMENT_PACKAGE_DIST = 'packages/ngx-chat/dist';

/**
 * The element for bundlers (`npm install ngx-chat`): ES modules with source maps, unminified (the
 * app's bundler minifies), its dependencies left as imports so an app with Lit or React of its
 * own ships one copy. `ngx-chat.js` defines the element; `react.js` is the `@lit/react` wrapper.
 * The script tag's self-contained bundles are vite.config.ts's.
 */
export default defineConfig({
  publicDir: false,
  build: {
    outDir: ELEMENT_PACKAGE_DIST,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
    minify: false,
    reportCompressedSize: false,
    lib: {
      entry: { 'ngx-chat': 'widget/index.ts', react: 'widget/react.ts' },
      formats: ['es'],
      fileName: (_format, name) => `${name}.js`,
    },
    rolldownOptions: {
      output: { chunkFileNames: 'chunks/[name].js' },
      external: (id) => /^(lit|@lit\/|@lit-labs\/|react|@microsoft\/fetch-event-source|streaming-markdown)(\/|$)/.test(id),
    },
  },
});
