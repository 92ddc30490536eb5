import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { REACT_DEMO_OUT_DIR } from '../server/paths.js';

/**
 * The React example (`npm run build:demo`), served by the allowed demo site at `/react/`. It
 * bundles the widget from source, as an app that installs it from npm would; JSX goes through
 * Vite's built-in transform (automatic runtime), so no React plugin is needed for a build.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/react/',
  publicDir: false,
  logLevel: 'warn',
  build: {
    outDir: REACT_DEMO_OUT_DIR,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: true,
  },
});
