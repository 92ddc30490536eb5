import { fileURLToPath } from 'node:url';

/** The demo's static pages and their assets (`demo/`). */
export const DEMO_PAGES_DIR = fileURLToPath(new URL('../', import.meta.url));

/** Where `npm run build:demo` writes the React example, served at `/react/`. */
export const REACT_DEMO_OUT_DIR = fileURLToPath(new URL('../../dist/demo/react/', import.meta.url));
