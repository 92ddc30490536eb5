import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { buildSync } from 'esbuild';
import { build } from 'vite';
import { SERVER_BUNDLE } from './build-server.js';

const ROOT = new URL('..', import.meta.url).pathname;
const ELEMENT = `${ROOT}packages/ngx-chat`;
const SERVER = `${ROOT}packages/server`;

/** The package's dependencies and peers, by name. */
function declaredDependencies(dir: string): Set<string> {
  const manifest = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
  return new Set([...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.peerDependencies ?? {})]);
}

/** The package a bare import names: `@scope/name` or `name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Fails the build when the bundle imports a package its package.json does not declare. */
function checkImports(dir: string, imports: Iterable<string>): void {
  const declared = declaredDependencies(dir);
  const missing = [...new Set([...imports].filter((id) => !id.startsWith('node:')).map(packageOf))].filter((name) => !declared.has(name));
  if (missing.length > 0) throw new Error(`${dir}/package.json does not declare ${missing.join(', ')}, which its bundle imports.`);
}

/** Copies the declarations `tsc -b` emitted for `projects` into `dir/dist/types/`. */
function copyTypes(dir: string, projects: string[]): void {
  for (const project of projects) {
    const from = `${ROOT}dist/types/${project}`;
    if (!existsSync(from)) throw new Error(`${from} is missing: run tsc -b first (npm run typecheck).`);
    cpSync(from, `${dir}/dist/types/${project}`, { recursive: true, filter: (path) => !path.endsWith('.tsbuildinfo') });
  }
}

/**
 * `npm run build:packages`, after the widget's build and `tsc -b`: the contents of the two npm
 * packages, each packed from its folder (`npm pack ./packages/ngx-chat`).
 * - `ngx-chat`: the element for bundlers (vite.package.config.ts), its declarations and the
 *   custom-elements manifest.
 * - `@ngx-chat/server`: `createChatApi` bundled as one ES module (dependencies left as imports),
 *   its declarations, and the widget's build, which the router serves at `/widget/`.
 */
export async function buildPackages(): Promise<void> {
  if (!existsSync(`${ROOT}dist/widget/custom-elements.json`)) throw new Error('dist/widget/ is missing: run npm run build:widget first.');

  const element = await build({ configFile: `${ROOT}vite.package.config.ts`, logLevel: 'warn' });
  const outputs = (Array.isArray(element) ? element : [element]).flatMap((result) => ('output' in result ? result.output : []));
  checkImports(ELEMENT, outputs.flatMap((chunk) => ('imports' in chunk ? chunk.imports.filter((id) => !id.endsWith('.js') || !id.includes('chunks/')) : [])));
  copyTypes(ELEMENT, ['widget', 'protocol']);
  cpSync(`${ROOT}dist/widget/custom-elements.json`, `${ELEMENT}/custom-elements.json`);

  rmSync(`${SERVER}/dist`, { recursive: true, force: true });
  mkdirSync(`${SERVER}/dist`, { recursive: true });
  const server = buildSync({ ...SERVER_BUNDLE, entryPoints: [`${ROOT}server/chat-api.ts`], outfile: `${SERVER}/dist/index.js`, sourcemap: true, metafile: true });
  checkImports(SERVER, Object.values(server.metafile?.outputs ?? {}).flatMap((output) => output.imports.filter((item) => item.external).map((item) => item.path)));
  copyTypes(SERVER, ['server', 'protocol']);
  // Where server/paths.ts looks for the widget, relative to the bundle: dist/index.js → dist/widget/.
  cpSync(`${ROOT}dist/widget`, `${SERVER}/dist/widget`, { recursive: true, filter: (path) => !path.endsWith('custom-elements.json') });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await buildPackages();
  console.log('built packages/ngx-chat and packages/server');
}
