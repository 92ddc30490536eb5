import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { listen } from './listen.js';
import { DEMO_PAGES_DIR, REACT_DEMO_OUT_DIR } from './paths.js';

/** The two "third-party sites": one in the API's `ALLOWED_ORIGINS`, one deliberately left out. */
export const DEMO_SITE = { allowed: 'allowed', refused: 'refused' } as const;
/** One of the {@link DEMO_SITE} values. */
export type DemoSite = (typeof DEMO_SITE)[keyof typeof DEMO_SITE];

/** The URLs a page is served with: `{{API_URL}}`, `{{ALLOWED_SITE_URL}}` and `{{REFUSED_SITE_URL}}` in its HTML. */
export interface DemoUrls {
  apiUrl: string;
  allowedSiteUrl: string;
  refusedSiteUrl: string;
}

/** Options for {@link startDemoSites}. */
export interface DemoSitesOptions {
  /** Port of the allowed site; 0 picks a free one. */
  allowedPort: number;
  /** Port of the refused site; 0 picks a free one. */
  refusedPort: number;
  /** The API's base URL, read at every request (a test learns it after the sites listen). */
  apiUrl: () => string;
  /** Host name in the sites' URLs, and so in the origins the API sees. Defaults to `localhost`. */
  hostname?: string;
  /** Interface to bind. Defaults to every interface, IPv6 and IPv4, so `localhost` reaches it either way. */
  host?: string;
  /** Folder of the pages. Defaults to `demo/`. */
  pagesDir?: string;
  /** Folder of the React example's build. Defaults to `dist/demo/react/`. */
  reactDir?: string;
}

/** Both demo sites, listening. */
export interface DemoSites {
  /** Such as `http://localhost:5173`: its origin is the one to allow. */
  allowedUrl: string;
  /** Such as `http://localhost:5174`. */
  refusedUrl: string;
  close(): Promise<void>;
}

/** URL path → page file, per site. Nothing else of `demo/` is served (not the server's own code). */
const PAGES: Record<DemoSite, Record<string, string>> = {
  allowed: {
    '/': 'index.html',
    '/index.html': 'index.html',
    '/theming.html': 'theming.html',
    '/csp.html': 'csp.html',
    '/stream_client.html': 'stream_client.html',
  },
  refused: { '/': 'refused.html', '/index.html': 'refused.html' },
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json',
};

/**
 * The policy of the strict-CSP page: nothing inline, scripts only from the page and the API
 * (the widget's script tag), fetches only to the API, and styles only from the page — the
 * widget's own styles are adopted style sheets, which `style-src` does not govern.
 */
export function strictCsp(apiUrl: string): string {
  const api = new URL(apiUrl).origin;
  return `default-src 'self'; script-src 'self' ${api}; style-src 'self'; connect-src ${api}`;
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function fillIn(html: string, urls: DemoUrls): string {
  return html
    .replaceAll('{{API_URL}}', escapeHtml(urls.apiUrl))
    .replaceAll('{{ALLOWED_SITE_URL}}', escapeHtml(urls.allowedSiteUrl))
    .replaceAll('{{REFUSED_SITE_URL}}', escapeHtml(urls.refusedSiteUrl));
}

/** `dir` joined with the request's path, or undefined when the path would leave `dir`. */
function inside(dir: string, path: string): string | undefined {
  const file = resolve(dir, `.${decodeURIComponent(path)}`);
  return file.startsWith(resolve(dir) + sep) ? file : undefined;
}

/** The file a request asks for on `site`, or undefined for a 404. */
function fileFor(site: DemoSite, path: string, pagesDir: string, reactDir: string): string | undefined {
  const page = PAGES[site][path];
  if (page) return join(pagesDir, page);
  if (path.startsWith('/assets/')) return inside(join(pagesDir, 'assets'), path.slice('/assets'.length));
  if (site === DEMO_SITE.allowed && path.startsWith('/react/')) {
    return path === '/react/' ? join(reactDir, 'index.html') : inside(reactDir, path.slice('/react'.length));
  }
  return undefined;
}

function send(res: ServerResponse, req: IncomingMessage, status: number, headers: Record<string, string>, body: string | Buffer): void {
  res.writeHead(status, { 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff', ...headers });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** The request handler of one demo site: its pages with the URLs filled in, its assets, and (allowed site) the React build. */
function handleDemoRequest(site: DemoSite, urls: () => DemoUrls, pagesDir: string, reactDir: string) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const text = { 'Content-Type': 'text/plain; charset=utf-8' };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, req, 405, { ...text, Allow: 'GET, HEAD' }, 'Method not allowed.\n');
    const path = new URL(req.url ?? '/', 'http://demo').pathname;
    if (site === DEMO_SITE.allowed && path === '/react') return send(res, req, 308, { ...text, Location: '/react/' }, 'See /react/.\n');
    let file: string | undefined;
    try {
      file = fileFor(site, path, pagesDir, reactDir);
    } catch {
      // decodeURIComponent refused a malformed escape: no such file.
    }
    const type = file && CONTENT_TYPES[extname(file)];
    let body: Buffer | undefined;
    if (file && type) body = await readFile(file).catch(() => undefined);
    if (!file || !type || !body) {
      const hint = path.startsWith('/react/') ? ' The React example is built by `npm start` (or `npm run build:demo`).' : '';
      return send(res, req, 404, text, `Not found.${hint}\n`);
    }
    const headers: Record<string, string> = { 'Content-Type': type };
    if (path === '/csp.html') headers['Content-Security-Policy'] = strictCsp(urls().apiUrl);
    send(res, req, 200, headers, type.startsWith('text/html') ? fillIn(body.toString('utf8'), urls()) : body);
  };
}

/** One demo site's HTTP server, not yet listening. */
export function createDemoSite(site: DemoSite, urls: () => DemoUrls, options: Pick<DemoSitesOptions, 'pagesDir' | 'reactDir'> = {}): Server {
  const handle = handleDemoRequest(site, urls, options.pagesDir ?? DEMO_PAGES_DIR, options.reactDir ?? REACT_DEMO_OUT_DIR);
  return createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      console.error('demo site: request failed', err);
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Internal error.\n');
    });
  });
}

/**
 * Starts the allowed and the refused demo site.
 * @throws PortInUseError when a port is taken (nothing is left listening).
 */
export async function startDemoSites(options: DemoSitesOptions): Promise<DemoSites> {
  const hostname = options.hostname ?? 'localhost';
  const ports = { allowed: options.allowedPort, refused: options.refusedPort };
  const urls = (): DemoUrls => ({
    apiUrl: options.apiUrl(),
    allowedSiteUrl: `http://${hostname}:${ports.allowed}`,
    refusedSiteUrl: `http://${hostname}:${ports.refused}`,
  });
  const allowed = createDemoSite(DEMO_SITE.allowed, urls, options);
  const refused = createDemoSite(DEMO_SITE.refused, urls, options);
  const closeAll = async () => {
    for (const server of [allowed, refused]) {
      server.closeAllConnections();
      if (server.listening) await new Promise<void>((done) => server.close(() => done()));
    }
  };
  try {
    ports.allowed = await listen(allowed, ports.allowed, 'the allowed demo site', options.host);
    ports.refused = await listen(refused, ports.refused, 'the refused demo site', options.host);
  } catch (err) {
    await closeAll();
    throw err;
  }
  return { allowedUrl: `http://${hostname}:${ports.allowed}`, refusedUrl: `http://${hostname}:${ports.refused}`, close: closeAll };
}
