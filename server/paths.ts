import { fileURLToPath } from 'node:url';

/**
 * The widget's build, `dist/widget/` at the project root. Resolved from this module, which sits
 * one level below the root both as source (`server/paths.ts`) and bundled (`dist/server.mjs`):
 * keep it there.
 */
export const WIDGET_DIST_DIR = fileURLToPath(new URL('../dist/widget/', import.meta.url));
