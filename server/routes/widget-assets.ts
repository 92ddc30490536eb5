import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { Router, type Request, type Response } from 'express';
import { createOriginMatcher } from '../http/cors.js';
import { HttpError } from '../http/errors.js';
import { WIDGET_DIST_DIR } from '../paths.js';

/** URL → file in the build folder. */
const ASSETS: Record<string, string> = {
  '/widget/ngx-chat.js': 'ngx-chat.js',
  '/widget/ngx-chat.iife.js': 'ngx-chat.iife.js',
  // Imported by either bundle once a reply has a code block with a language, or a formula.
  '/widget/ngx-chat-highlight.js': 'ngx-chat-highlight.js',
  '/widget/ngx-chat-math.js': 'ngx-chat-math.js',
};

/**
 * The URLs carry no version, so a day of freshness, then a cheap ETag revalidation; a week of
 * stale-while-revalidate keeps pages fast while a new build propagates.
 */
const CACHE_CONTROL = 'public, max-age=86400, stale-while-revalidate=604800';

/** Options for {@link widgetAssets}. */
export interface WidgetAssetsOptions {
  /** `ALLOWED_ORIGINS`, for `/widget/origin-check`. */
  allowedOrigins: string[];
  /** Folder of the widget build. Defaults to `dist/widget` at the project root. */
  distDir?: string;
}

interface Encoded {
  body: Buffer;
  etag: string;
}

interface Asset {
  mtimeMs: number;
  identity: Encoded;
  gzip: Encoded;
  br: Encoded;
}

/**
 * Public routes for embedding: the widget bundles at `/widget/ngx-chat.js` (ES module) and
 * `/widget/ngx-chat.iife.js` (classic script), readable from any origin, compressed once and
 * cached with an ETag; and `/widget/origin-check`, which tells the widget whether its page's
 * origin is allowed, since a refused CORS request only shows the page a network error.
 * Mount before the CORS allow-list: these routes are for every origin.
 */
export function widgetAssets(options: WidgetAssetsOptions): Router {
  const distDir = options.distDir ?? WIDGET_DIST_DIR;
  const isAllowed = createOriginMatcher(options.allowedOrigins);
  const cache = new Map<string, Asset>();
  const router = Router();

  router.get('/widget/origin-check', (req, res) => {
    const origin = req.headers.origin ?? null;
    res.set({ 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'no-store' }).json({ origin, allowed: origin !== null && isAllowed(origin) });
  });

  router.get(Object.keys(ASSETS), async (req, res, next) => {
    // Express matches paths case-insensitively and with a trailing slash; the files are exact names.
    if (!Object.hasOwn(ASSETS, req.path)) {
      next();
      return;
    }
    const asset = await loadAsset(cache, join(distDir, ASSETS[req.path]));
    const encoded = pickEncoding(req, res, asset);
    res.set({
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': CACHE_CONTROL,
      'Access-Control-Allow-Origin': '*',
      // Pages with Cross-Origin-Embedder-Policy may load it too.
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'X-Content-Type-Options': 'nosniff',
      ETag: encoded.etag,
    });
    res.vary('Accept-Encoding');
    if (req.fresh) {
      res.status(304).end();
      return;
    }
    res.send(encoded.body);
  });

  return router;
}

/** The file, compressed both ways, re-read when a rebuild changed it. */
async function loadAsset(cache: Map<string, Asset>, file: string): Promise<Asset> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(file);
  } catch {
    throw new HttpError(404, 'widget_not_built', 'The widget is not built on this server; run "npm run build:widget".');
  }
  const cached = cache.get(file);
  if (cached && cached.mtimeMs === info.mtimeMs) return cached;
  const body = await readFile(file);
  const hash = createHash('sha256').update(body).digest('base64url').slice(0, 27);
  const asset: Asset = {
    mtimeMs: info.mtimeMs,
    identity: { body, etag: `"${hash}"` },
    gzip: { body: gzipSync(body, { level: 9 }), etag: `"${hash}-gz"` },
    br: { body: brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }), etag: `"${hash}-br"` },
  };
  cache.set(file, asset);
  return asset;
}

function pickEncoding(req: Request, res: Response, asset: Asset): Encoded {
  const encoding = req.acceptsEncodings('br', 'gzip', 'identity');
  if (encoding === 'br' || encoding === 'gzip') {
    res.set('Content-Encoding', encoding);
    return asset[encoding];
  }
  return asset.identity;
}
