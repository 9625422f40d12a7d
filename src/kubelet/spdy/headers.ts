// SPDY/3 header blocks: the name/value block format and its per-connection zlib context.
// Sending needs no real compression: stored deflate blocks are valid output of one continuous
// zlib stream and need no stateful deflater. Receiving must inflate what Go's compressor wrote,
// which only makes sense against everything the peer sent before, so the input is kept and
// inflated from the start each time (header blocks are few and small on these connections).
import { constants, inflateSync } from 'node:zlib';
import { spdyDictionary } from './dictionary.js';

/** Header names are lower case; several values of one name travel NUL-joined, as SPDY/3 says. */
export type SpdyHeaders = Record<string, string>;

export class SpdyProtocolError extends Error {
  constructor(message: string) {
    super(`spdy: ${message}`);
    this.name = 'SpdyProtocolError';
  }
}

export function encodeHeaderBlock(headers: SpdyHeaders): Buffer {
  const entries = Object.entries(headers);
  const parts: Buffer[] = [u32(entries.length)];
  for (const [name, value] of entries) {
    const n = Buffer.from(name.toLowerCase(), 'utf8');
    const v = Buffer.from(value, 'utf8');
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

export function decodeHeaderBlock(block: Buffer): SpdyHeaders {
  let off = 0;
  const take = (): Buffer => {
    if (off + 4 > block.length) throw new SpdyProtocolError('truncated header block');
    const len = block.readUInt32BE(off);
    off += 4;
    if (off + len > block.length) throw new SpdyProtocolError('truncated header block');
    const out = block.subarray(off, off + len);
    off += len;
    return out;
  };
  if (block.length < 4) throw new SpdyProtocolError('truncated header block');
  const count = block.readUInt32BE(0);
  off = 4;
  const headers: SpdyHeaders = {};
  for (let i = 0; i < count; i++) {
    const name = take().toString('utf8');
    const value = take().toString('utf8');
    if (name === '' || name !== name.toLowerCase()) throw new SpdyProtocolError(`invalid header name ${JSON.stringify(name)}`);
    if (name in headers) throw new SpdyProtocolError(`duplicate header ${JSON.stringify(name)}`);
    headers[name] = value;
  }
  if (off !== block.length) throw new SpdyProtocolError('trailing bytes after header block');
  return headers;
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function adler32(buf: Buffer): number {
  let a = 1;
  let b = 0;
  for (const byte of buf) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

const maxStored = 0xffff;

/** A non-final stored deflate block's header: BFINAL=0, BTYPE=00, then LEN and its complement. */
function storedHead(len: number): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt16LE(len, 1);
  head.writeUInt16LE(~len & 0xffff, 3);
  return head;
}

/** One direction's compression context: the first block opens the zlib stream with the dictionary's id. */
export class HeaderCompressor {
  private started = false;

  compress(headers: SpdyHeaders): Buffer {
    const raw = encodeHeaderBlock(headers);
    const parts: Buffer[] = [];
    if (!this.started) {
      this.started = true;
      // CMF 0x78 (deflate, 32K window); FLG 0xbb: FDICT set, level "best", check bits so CMF·256+FLG ≡ 0 (mod 31).
      parts.push(Buffer.from([0x78, 0xbb]), u32(adler32(spdyDictionary)));
    }
    for (let off = 0; off < raw.length; off += maxStored) {
      const chunk = raw.subarray(off, off + maxStored);
      parts.push(storedHead(chunk.length), chunk);
    }
    // An empty stored block ends each header block, as zlib's sync flush does. Go's inflater only
    // hands out a finished stored block's bytes once it has read the next block header; without
    // this marker it reads past the frame, fails, and every later header block on the connection
    // is lost (kubectl's spdystream then waits forever for its second SYN_REPLY).
    parts.push(storedHead(0));
    return Buffer.concat(parts);
  }
}

/** Total compressed header bytes one connection may send; beyond it the peer is misbehaving. */
const maxCompressedTotal = 1 << 20;

export class HeaderDecompressor {
  private input: Buffer[] = [];
  private inputLength = 0;
  private consumed = 0;

  decompress(block: Buffer): SpdyHeaders {
    this.inputLength += block.length;
    if (this.inputLength > maxCompressedTotal) throw new SpdyProtocolError('too many header bytes on one connection');
    this.input.push(block);
    let out: Buffer;
    try {
      out = inflateSync(Buffer.concat(this.input), { dictionary: spdyDictionary, finishFlush: constants.Z_SYNC_FLUSH });
    } catch (e) {
      throw new SpdyProtocolError(`header decompression failed: ${(e as Error).message}`);
    }
    const fresh = out.subarray(this.consumed);
    this.consumed = out.length;
    return decodeHeaderBlock(fresh);
  }
}
