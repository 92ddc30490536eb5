import type { IncomingMessage } from 'node:http';
import { constants } from 'node:zlib';
import compression from 'compression';
import type { RequestHandler } from 'express';
import Negotiator from 'negotiator';

/**
 * A 2 KiB deflate window and memLevel 3: about 12 KiB of zlib state per open stream instead of
 * the default ~256 KiB (held gzip streams took 133 KiB of RSS each in all, against 172 KiB with a
 * 4 KiB window and memLevel 5). SSE frames are a hundred-odd bytes and repeat within a few
 * frames, so the demo's chunks still compress to 0.16x of identity, against 0.158x.
 */
const GZIP_WINDOW_BITS = 11;
const GZIP_MEM_LEVEL = 3;
/**
 * Brotli quality 3 with a 2^12-byte window. Qualities 0 and 1 compress each flushed event on its
 * own (about 1.0x identity); from 2 up the encoder keeps a hash table per stream: 326 KiB of RSS
 * per encoder at quality 3, 507 KiB at 4, 337 KiB at 5 (2,000 encoders fed SSE frames), with the
 * same ratio on these frames at 3 as at 4.
 */
const BROTLI_QUALITY = 3;
const BROTLI_WINDOW_BITS = 12;

/**
 * Encodings in the order this server prefers them for event streams: gzip first, even for a
 * browser that also accepts br. Flushed after every event, both shrink the demo's chunks to the
 * same ~0.15× of identity, but a brotli encoder that keeps its dictionary across flushes (quality
 * 2 or more; 0 and 1 start afresh at every flush and save nothing) touches a hash table of at
 * least 256 KiB per open stream, against ~20 KiB for gzip with the window below, and costs more
 * CPU per flush (BENCHMARKS.md has the figures). br goes only to a client that accepts no other
 * encoding or gives br a higher q-value.
 */
const PREFERRED_ENCODINGS = ['gzip', 'deflate', 'br'];

/** Negotiator 0.6's `encoding(available, preferred)`; its types omit `preferred`, which breaks ties between equal q-values. */
type PreferringNegotiator = { encoding(available: string[], preferred: string[]): string | undefined };

/** The encoding for this request: the client's q-values first, then {@link PREFERRED_ENCODINGS}. */
function negotiateEncoding(req: IncomingMessage): string | undefined {
  return (new Negotiator(req) as unknown as PreferringNegotiator).encoding([...PREFERRED_ENCODINGS, 'identity'], PREFERRED_ENCODINGS);
}

/**
 * Compression for event streams: gzip/deflate and br, each flushed after every write so an
 * event reaches the client at once. A sync flush (not `res.flush()`'s full flush) keeps the
 * dictionary between events, which is where the savings on repetitive SSE frames come from.
 * `compression` applies `flush` to gzip only; br needs its own `BROTLI_OPERATION_FLUSH`, or a
 * br-only client would get the whole reply at the end.
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
  // servers, curl, load generators) skips that cost. `compression` would pick br first, so it is
  // handed the one encoding chosen here.
  return (req, res, next) => {
    const encoding = req.headers['accept-encoding'] ? negotiateEncoding(req) : undefined;
    if (encoding === undefined || encoding === 'identity') {
      next();
      return;
    }
    req.headers['accept-encoding'] = encoding;
    compress(req, res, next);
  };
}
