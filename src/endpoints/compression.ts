// Response compression as upstream's deferredResponseWriter (apiserver/pkg/endpoints/handlers/
// responsewriters/writers.go, feature gate APIResponseCompression, on by default): a non-streaming
// response body of more than 128 KiB goes out gzipped, at level 1 (BestSpeed), with
// Content-Encoding: gzip and Vary: Accept-Encoding added, when the request's Accept-Encoding lists
// the token "gzip". Upstream decides on the size of the first write, which is the whole encoded
// object for every serializer it has in 1.32; watches stream through another writer and are never
// compressed. Compression runs on libuv's thread pool, off the event loop.
import type { Response } from 'express';
import { gzip } from 'node:zlib';

export const gzipThresholdBytes = 128 * 1024;

/** The Express app setting that turns compression off (--feature-gates=APIResponseCompression=false). */
export const responseCompressionSetting = 'api response compression';

/** negotiateContentEncoding: "gzip" as one comma-separated token (trimmed, case and parameters kept). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(',').some(token => token.trim() === 'gzip');
}

function compressionWanted(res: Response): boolean {
  // An app that never set it (a unit test's) compresses, as the gate's default.
  if (res.app?.get(responseCompressionSetting) === false) return false;
  const header = res.req?.headers['accept-encoding'];
  return acceptsGzip(Array.isArray(header) ? header[0] : header);
}

const CHUNK = 64 * 1024;

/** Writes pieces joined into writes of about CHUNK bytes: fewer writes than one per piece. */
function writeJoined(res: Response, pieces: Buffer[]): void {
  let start = 0;
  let size = 0;
  for (let i = 0; i < pieces.length; i++) {
    size += pieces[i]!.length;
    if (size >= CHUNK) {
      res.write(Buffer.concat(pieces.slice(start, i + 1), size));
      start = i + 1;
      size = 0;
    }
  }
  res.end(Buffer.concat(pieces.slice(start), size));
}

/**
 * Ends the response with `body` (already given its status and Content-Type), gzipped when
 * upstream would. `size` is the body's length in bytes, known to the caller without joining it.
 */
export function endBody(res: Response, body: Buffer[] | Buffer | string, size: number): void {
  if (size <= gzipThresholdBytes || !compressionWanted(res)) {
    if (Array.isArray(body)) writeJoined(res, body);
    else res.end(body);
    return;
  }
  const whole = Array.isArray(body) ? Buffer.concat(body, size) : body;
  gzip(whole, { level: 1 }, (err, compressed) => {
    if (err) {
      res.destroy(err);
      return;
    }
    res.setHeader('Content-Encoding', 'gzip');
    res.appendHeader('Vary', 'Accept-Encoding');
    res.end(compressed);
  });
}
