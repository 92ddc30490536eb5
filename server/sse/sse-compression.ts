import { constants } from 'node:zlib';
import compression from 'compression';
import type { RequestHandler } from 'express';

/**
 * Deflate window of 2^12 bytes and memLevel 5: about 16 KiB + 16 KiB of zlib state per open
 * stream instead of the default ~256 KiB. SSE frames are a few hundred bytes and repeat within
 * a few frames, so the small window loses little ratio.
 */
const GZIP_WINDOW_BITS = 12;
const GZIP_MEM_LEVEL = 5;
/** Brotli quality 4 with a 2^12-byte window: fast, and small state per stream. */
const BROTLI_QUALITY = 4;
const BROTLI_WINDOW_BITS = 12;

/**
 * Compression for event streams: gzip/deflate and br, each flushed after every write so an
 * event reaches the client at once. A sync flush (not `res.flush()`'s full flush) keeps the
 * dictionary between events, which is where the savings on repetitive SSE frames come from.
 * `compression` applies `flush` to gzip only; br needs its own `BROTLI_OPERATION_FLUSH`, or a
 * browser (which prefers br) would get the whole reply at the end.
 */
export function sseCompression(): RequestHandler {
  const compress = compression({
    threshold: 0,
    flush: constants.Z_SYNC_FLUSH,
    windowBits: GZIP_WINDOW_BITS,
    memLevel: GZIP_MEM_LEVEL,
    brotli: {
      flush: constants.BROTLI_OPERATION_FLUSH,
      params: {
        [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
        [constants.BROTLI_PARAM_LGWIN]: BROTLI_WINDOW_BITS,
      },
    },
  });
  // compression wraps every response it sees; a client that accepts no encoding we offer (most
  // servers, curl, load generators) skips that cost.
  return (req, res, next) => {
    if (ACCEPTS_COMPRESSION.test(req.headers['accept-encoding'] ?? '')) compress(req, res, next);
    else next();
  };
}

/** gzip, deflate or br named in Accept-Encoding (a q=0 among them still goes through negotiation). */
const ACCEPTS_COMPRESSION = /\b(?:gzip|deflate|br)\b/i;
