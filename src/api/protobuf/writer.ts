// A protobuf writer into one growing buffer. A nested message reserves one length byte and
// shifts its body in the rare case the length needs more, so a whole list encodes with no
// per-field allocation (protobufjs's Writer allocates an operation per value, which made list
// responses many times slower than JSON).

export class ProtoWriter {
  private buf: Buffer;
  private pos = 0;
  /** Where each open nested message's body starts (its length byte is just before). */
  private readonly open: number[] = [];
  /** How many bytes each open nested message reserved for its length. */
  private readonly reserved: number[] = [];

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafe(initialSize);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** A varint of a non-negative integer up to 2^53. */
  private varint(v: number): this {
    this.ensure(10);
    const b = this.buf;
    while (v > 0x7fffffff) {
      b[this.pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    while (v > 127) {
      b[this.pos++] = (v & 127) | 0x80;
      v >>>= 7;
    }
    b[this.pos++] = v;
    return this;
  }

  /** A varint of a 64-bit two's complement value. */
  private varint64(v: bigint): this {
    let u = BigInt.asUintN(64, v);
    this.ensure(10);
    while (u > 127n) {
      this.buf[this.pos++] = Number(u & 127n) | 0x80;
      u >>= 7n;
    }
    this.buf[this.pos++] = Number(u);
    return this;
  }

  /** One byte: a field tag below 16 is one. */
  byte(v: number): this {
    this.ensure(1);
    this.buf[this.pos++] = v;
    return this;
  }

  uint32(v: number): this {
    return this.varint(v >>> 0);
  }

  int32(v: number): this {
    // Negative int32 values are sign-extended to ten bytes, as in every protobuf implementation.
    return v >= 0 ? this.varint(v) : this.varint64(BigInt(v | 0));
  }

  int64(v: number | string): this {
    if (typeof v === 'string') return this.varint64(BigInt(v));
    return v >= 0 ? this.varint(v) : this.varint64(BigInt(v));
  }

  uint64(v: number): this {
    return this.varint(v);
  }

  sint32(v: number): this {
    return this.varint(((v << 1) ^ (v >> 31)) >>> 0);
  }

  sint64(v: number): this {
    const b = BigInt(v);
    return this.varint64(b < 0n ? (-b << 1n) - 1n : b << 1n);
  }

  bool(v: boolean): this {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
    return this;
  }

  fixed32(v: number): this {
    this.ensure(4);
    this.pos = this.buf.writeUInt32LE(v >>> 0, this.pos);
    return this;
  }

  sfixed32(v: number): this {
    this.ensure(4);
    this.pos = this.buf.writeInt32LE(v | 0, this.pos);
    return this;
  }

  fixed64(v: number): this {
    this.ensure(8);
    this.pos = this.buf.writeBigUInt64LE(BigInt.asUintN(64, BigInt(v)), this.pos);
    return this;
  }

  sfixed64(v: number): this {
    this.ensure(8);
    this.pos = this.buf.writeBigInt64LE(BigInt(v), this.pos);
    return this;
  }

  double(v: number): this {
    this.ensure(8);
    this.pos = this.buf.writeDoubleLE(v, this.pos);
    return this;
  }

  float(v: number): this {
    this.ensure(4);
    this.pos = this.buf.writeFloatLE(v, this.pos);
    return this;
  }

  /**
   * Copies short ASCII `s` to `at` and returns the position after it, or -1 at the first
   * non-ASCII unit: a call into Buffer#write costs more than this loop for what objects mostly hold.
   * The caller has ensured room for the UTF-8 worst case, so a partial copy is simply overwritten.
   */
  private copyAscii(s: string, at: number): number {
    const b = this.buf;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) return -1;
      b[at++] = c;
    }
    return at;
  }

  /** A string field whose tag is one byte: tag and short ASCII value in one bounds check. */
  stringField(tag: number, s: string): this {
    const n = s.length;
    if (n < 128) {
      this.ensure(2 + n * 3);
      const end = this.copyAscii(s, this.pos + 2);
      if (end >= 0) {
        this.buf[this.pos] = tag;
        this.buf[this.pos + 1] = n;
        this.pos = end;
        return this;
      }
    }
    return this.byte(tag).string(s);
  }

  string(s: string): this {
    const n = s.length;
    if (n < 128) {
      this.ensure(1 + n * 3);
      const end = this.copyAscii(s, this.pos + 1);
      if (end >= 0) {
        this.buf[this.pos] = n;
        this.pos = end;
        return this;
      }
    }
    // A UTF-16 unit is at most 3 UTF-8 bytes: short strings take one length byte, known up front.
    if (n * 3 < 128) {
      const written = this.buf.write(s, this.pos + 1, 'utf8');
      this.buf[this.pos] = written;
      this.pos += 1 + written;
      return this;
    }
    const bytes = Buffer.byteLength(s, 'utf8');
    this.varint(bytes);
    this.ensure(bytes);
    this.pos += this.buf.write(s, this.pos, 'utf8');
    return this;
  }

  bytes(b: Uint8Array): this {
    this.varint(b.length);
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  /**
   * Starts a length-delimited value; close it with ldelim(). `reserve` bytes are kept for the
   * length: a caller that saw this field's last length (ldelim's answer) passes it back, so a big
   * body is not shifted to make room for a longer length.
   */
  fork(reserve = 1): this {
    this.ensure(reserve);
    this.pos += reserve;
    this.open.push(this.pos);
    this.reserved.push(reserve);
    return this;
  }

  ldelim(): this {
    this.close();
    return this;
  }

  /** Closes the innermost fork, writing its length; returns the bytes the length took. */
  close(): number {
    const start = this.open.pop();
    const reserved = this.reserved.pop();
    if (start === undefined || reserved === undefined) throw new Error('ProtoWriter: ldelim without fork');
    const len = this.pos - start;
    if (len < 128 && reserved === 1) {
      this.buf[start - 1] = len;
      return 1;
    }
    const size = len < 0x80 ? 1 : len < 0x4000 ? 2 : len < 0x200000 ? 3 : len < 0x10000000 ? 4 : 5;
    const head = start - reserved;
    const bodyStart = head + size;
    if (bodyStart !== start) {
      if (bodyStart > start) this.ensure(bodyStart - start);
      this.buf.copyWithin(bodyStart, start, this.pos);
      this.pos += bodyStart - start;
    }
    // The room is there: no ensure(), which would copy only up to the write position.
    let at = head;
    let v = len;
    while (v > 127) {
      this.buf[at++] = (v & 127) | 0x80;
      v >>>= 7;
    }
    this.buf[at] = v;
    return size;
  }

  /** How many bytes have been written since the last cut. */
  get length(): number {
    return this.pos;
  }

  /**
   * Hands over the bytes written so far (no fork may be open) and starts a fresh buffer, so a
   * long list goes out in pieces without one big buffer copied as it grows.
   */
  cut(): Buffer {
    if (this.open.length > 0) throw new Error('ProtoWriter: cut with an open fork');
    const piece = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(this.buf.length);
    this.pos = 0;
    return piece;
  }

  /** The bytes written, in a buffer of their own. */
  finish(): Buffer {
    if (this.open.length > 0) throw new Error('ProtoWriter: finish with an open fork');
    return Buffer.from(this.buf.subarray(0, this.pos));
  }
}
