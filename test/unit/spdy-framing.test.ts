import assert from 'node:assert/strict';
import { test } from 'node:test';
import { constants, createDeflate } from 'node:zlib';
import { spdyDictionary } from '../../src/kubelet/spdy/dictionary.js';
import {
  FLAG_FIN, FrameParser, controlFrame, dataFrame, goAwayFrame, pingFrame, rstStreamFrame, synReplyFrame, synStreamFrame,
} from '../../src/kubelet/spdy/frames.js';
import { HeaderCompressor, HeaderDecompressor, SpdyProtocolError, decodeHeaderBlock, encodeHeaderBlock } from '../../src/kubelet/spdy/headers.js';

test('the SPDY/3 dictionary has the spec length, boundaries and zlib id', () => {
  assert.equal(spdyDictionary.length, 1423);
  assert.deepEqual([...spdyDictionary.subarray(0, 11)], [0, 0, 0, 7, 0x6f, 0x70, 0x74, 0x69, 0x6f, 0x6e, 0x73]);
  assert.equal(spdyDictionary.subarray(-7).toString('latin1'), ',enq=0.');
  assert.ok(spdyDictionary.includes(Buffer.from('origin100101201', 'latin1')));
});

test('header blocks round-trip and reject malformed input', () => {
  const block = encodeHeaderBlock({ streamtype: 'data', port: '8080', requestid: '0' });
  assert.deepEqual(decodeHeaderBlock(block), { streamtype: 'data', port: '8080', requestid: '0' });
  assert.throws(() => decodeHeaderBlock(block.subarray(0, block.length - 1)), SpdyProtocolError);
  assert.throws(() => decodeHeaderBlock(Buffer.concat([block, Buffer.from([0])])), /trailing bytes/);
  const upper = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 0x41, 0, 0, 0, 0]);
  assert.throws(() => decodeHeaderBlock(upper), /invalid header name/);
  const dup = Buffer.concat([Buffer.from([0, 0, 0, 2]), encodeHeaderBlock({ a: 'x' }).subarray(4), encodeHeaderBlock({ a: 'y' }).subarray(4)]);
  assert.throws(() => decodeHeaderBlock(dup), /duplicate header/);
});

test('our stored-block compressor is a valid continuous zlib stream with the dictionary', () => {
  const c = new HeaderCompressor();
  const d = new HeaderDecompressor();
  assert.deepEqual(d.decompress(c.compress({ streamtype: 'error' })), { streamtype: 'error' });
  assert.deepEqual(d.decompress(c.compress({})), {});
  const big = 'x'.repeat(70_000);
  assert.deepEqual(d.decompress(c.compress({ big })), { big });
  assert.deepEqual(d.decompress(c.compress({ streamtype: 'stdout' })), { streamtype: 'stdout' });
});

test('every compressed header block ends with the sync-flush marker Go\'s inflater needs', () => {
  // Without the empty stored block Go's flate reads past the frame and the next SYN_REPLY is lost.
  const c = new HeaderCompressor();
  for (const h of [{ streamtype: 'error' }, {}, { streamtype: 'stdout', port: '80' }] as Record<string, string>[]) {
    assert.deepEqual([...c.compress(h).subarray(-5)], [0, 0, 0, 0xff, 0xff]);
  }
});

test('the decompressor follows a real deflater across sync flushes (as Go writes header blocks)', async () => {
  const deflater = createDeflate({ dictionary: spdyDictionary, level: 9 });
  const out: Buffer[] = [];
  deflater.on('data', (b: Buffer) => out.push(b));
  const flushBlock = (h: Record<string, string>) => new Promise<Buffer>(resolve => {
    deflater.write(encodeHeaderBlock(h));
    deflater.flush(constants.Z_SYNC_FLUSH, () => resolve(Buffer.concat(out.splice(0))));
  });
  const d = new HeaderDecompressor();
  for (let i = 0; i < 20; i++) {
    const h = { streamtype: i % 2 ? 'data' : 'error', port: String(8000 + i), requestid: String(i) };
    assert.deepEqual(d.decompress(await flushBlock(h)), h);
  }
  assert.throws(() => new HeaderDecompressor().decompress(Buffer.from('garbage')), /header decompression failed/);
});

test('frames survive any chunking of the byte stream', () => {
  const c = new HeaderCompressor();
  const wire = Buffer.concat([
    synStreamFrame(1, c.compress({ streamtype: 'stdin' })),
    synReplyFrame(2, c.compress({})),
    dataFrame(1, Buffer.from('hello'), false),
    dataFrame(1, Buffer.alloc(0), true),
    rstStreamFrame(3, 5),
    pingFrame(7),
    goAwayFrame(9),
  ]);
  for (const step of [1, 3, 8, 1000]) {
    const p = new FrameParser();
    const frames = [];
    for (let off = 0; off < wire.length; off += step) frames.push(...p.push(wire.subarray(off, off + step)));
    assert.equal(frames.length, 7, `chunk size ${step}`);
    const data = frames[2]!;
    assert.ok(data.kind === 'data' && data.streamId === 1 && data.data.toString() === 'hello' && data.flags === 0);
    const fin = frames[3]!;
    assert.ok(fin.kind === 'data' && fin.flags === FLAG_FIN && fin.data.length === 0);
    const ping = frames[5]!;
    assert.ok(ping.kind === 'control' && ping.type === 6 && ping.payload.readUInt32BE(0) === 7);
  }
});

test('garbage is refused rather than waited on', () => {
  assert.throws(() => new FrameParser().push(Buffer.from('HTTP/1.1 200 OK\r\n\r\n')), /frame too large/);
  assert.throws(() => new FrameParser().push(Buffer.from([0x80, 0x03, 0, 6, 0, 0x7f, 0, 0])), /frame too large/);
  const v2 = controlFrame(6, 0, Buffer.alloc(4));
  v2.writeUInt16BE(0x8002, 0);
  assert.throws(() => new FrameParser().push(v2), /unsupported version 2/);
});
