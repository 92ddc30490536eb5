import { buildSync, type BuildOptions } from 'esbuild';

const ROOT = new URL('..', import.meta.url).pathname;

/**
 * How server code is bundled to run without a TypeScript loader: one ES module for Node 20,
 * dependencies left in node_modules. Bundles go straight into `dist/`, one level down like
 * `server/`, so paths the API resolves from its own module (the widget's `../dist/widget/`) hold.
 */
export const SERVER_BUNDLE: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  target: 'node20',
  logLevel: 'warning',
};

/** `npm run build:server`: bundles the API into `dist/server.mjs`, which production runs with `node dist/server.mjs`. */
export function buildServer(): string {
  const outfile = `${ROOT}dist/server.mjs`;
  buildSync({ ...SERVER_BUNDLE, entryPoints: [`${ROOT}server/main.ts`], outfile });
  return outfile;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(`built ${buildServer()}`);
