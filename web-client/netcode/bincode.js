// @ts-check
// Bincode 2's "standard" configuration (crates/protocol/src/codec.rs: little endian,
// variable-length integers), as the schema and the messages use it: unsigned varints (below 251 one byte; 251, 252,
// 253 introduce a u16, u32, u64 little endian), signed integers zigzagged into them, u8, i8 and
// bool as one byte, f32 as 4 bytes, strings and sequences behind a u64 varint length, Option as a 0/1
// byte, an enum as its variant index (a u32 varint) then its fields.
//
// Like bincode, the reader takes a varint in a wider form than needed (251 then 0x0005); the
// writer always writes the shortest. Reading never throws anything but a DecodeError, and checks
// every length against the bytes left before building anything from it.

import { DecodeError } from './error.js';

const U16_BYTE = 251;
const U32_BYTE = 252;
const U64_BYTE = 253;

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

/** Reads bincode values from a byte array, front to back. */
export class Reader {
  /** @param {Uint8Array} bytes */
  constructor(bytes) {
    if (!(bytes instanceof Uint8Array)) throw new DecodeError('input is not a Uint8Array');
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    /** Position of the next byte to read. */
    this.pos = 0;
  }

  /** @returns {number} bytes not yet read */
  remaining() {
    return this.bytes.length - this.pos;
  }

  /** Throws unless `n` more bytes are left. @param {number} n @param {string} what */
  need(n, what) {
    if (n > this.remaining()) {
      throw new DecodeError(`unexpected end of input reading ${what} (need ${n}, have ${this.remaining()})`);
    }
  }

  /** @returns {number} one raw byte */
  u8() {
    this.need(1, 'u8');
    return this.bytes[this.pos++];
  }

  /** @returns {number} one raw byte as two's complement, -128 to 127 */
  i8() {
    return (this.u8() << 24) >> 24;
  }

  /** @returns {boolean} */
  bool() {
    const b = this.u8();
    if (b > 1) throw new DecodeError(`invalid bool byte ${b}`);
    return b === 1;
  }

  /**
   * An unsigned varint whose widest form is `widest` (2, 4 or 8 bytes).
   * @param {2 | 4 | 8} widest @param {string} what
   * @returns {number} exact below 2^53; larger u64 values come back as Infinity
   */
  #varint(widest, what) {
    const b = this.u8();
    if (b < U16_BYTE) return b;
    const bytes = b === U16_BYTE ? 2 : b === U32_BYTE ? 4 : b === U64_BYTE ? 8 : 16;
    if (bytes > widest) throw new DecodeError(`invalid varint discriminant ${b} for ${what}`);
    this.need(bytes, what);
    const at = this.pos;
    this.pos += bytes;
    if (bytes === 2) return this.view.getUint16(at, true);
    if (bytes === 4) return this.view.getUint32(at, true);
    const lo = this.view.getUint32(at, true);
    const hi = this.view.getUint32(at + 4, true);
    return hi >= 1 << 21 ? Infinity : hi * 4294967296 + lo;
  }

  /** @returns {number} */
  u16() {
    return this.#varint(2, 'u16');
  }

  /** @returns {number} */
  u32() {
    return this.#varint(4, 'u32');
  }

  /** @returns {number} a u64, exact below 2^53, else Infinity (which every length check refuses) */
  u64() {
    return this.#varint(8, 'u64');
  }

  /** @returns {bigint} a u64, exactly (a schema hash) */
  u64n() {
    const b = this.u8();
    if (b !== U64_BYTE) {
      this.pos--;
      return BigInt(this.u32());
    }
    this.need(8, 'u64');
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** @returns {number} a zigzagged i32 */
  i32() {
    const n = this.u32();
    return (n >>> 1) ^ -(n & 1);
  }

  /** @returns {number} a little endian f32, exactly */
  f32() {
    this.need(4, 'f32');
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /**
   * A sequence's length, checked against the bytes left for items of at least `minItemBytes`.
   * @param {number} minItemBytes
   * @param {number} [max] the most items allowed
   * @returns {number}
   */
  len(minItemBytes, max = Infinity) {
    const n = this.u64();
    if (n > max) throw new DecodeError(`length ${n} is over the limit of ${max}`);
    if (n * minItemBytes > this.remaining()) throw new DecodeError(`length ${n} is over what the input holds`);
    return n;
  }

  /**
   * A length-prefixed byte string (a copy), of at most `max` bytes: refused before allocating.
   * @param {number} [max]
   * @returns {Uint8Array}
   */
  byteBuf(max = Infinity) {
    const n = this.len(1, max);
    const out = this.bytes.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** @returns {string} a length-prefixed UTF-8 string */
  string() {
    const n = this.len(1);
    const raw = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return utf8Text(raw);
  }

  /**
   * A sequence of items that take at least `minItemBytes` each.
   * @template T
   * @param {number} minItemBytes @param {() => T} read
   * @returns {T[]}
   */
  vec(minItemBytes, read) {
    const n = this.len(minItemBytes);
    /** @type {T[]} */
    const out = [];
    for (let i = 0; i < n; i++) out.push(read());
    return out;
  }

  /**
   * An Option: a 0/1 byte then the value.
   * @template T
   * @param {() => T} read
   * @returns {T | null}
   */
  option(read) {
    const tag = this.u8();
    if (tag === 0) return null;
    if (tag === 1) return read();
    throw new DecodeError(`invalid option tag ${tag}`);
  }

  /** @returns {number} an enum's variant index */
  variant() {
    return this.u32();
  }

  /** Throws unless every byte was read. */
  end() {
    if (this.remaining() !== 0) throw new DecodeError(`${this.remaining()} trailing bytes`);
  }
}

/** Appends bincode values, each in its shortest form. */
export class Writer {
  constructor() {
    /** @type {number[]} */
    this.out = [];
  }

  /** @param {number} v 0 to 255 */
  u8(v) {
    this.out.push(v & 0xff);
  }

  /** @param {number} v -128 to 127 */
  i8(v) {
    this.out.push(v & 0xff);
  }

  /** @param {boolean} v */
  bool(v) {
    this.out.push(v ? 1 : 0);
  }

  /** @param {number} v a u16 (wrapped to 16 bits) */
  u16(v) {
    this.varint(v & 0xffff);
  }

  /** @param {number} v a u32 (wrapped to 32 bits) */
  u32(v) {
    this.varint(v >>> 0);
  }

  /** @param {number} v a u64 below 2^53 */
  u64(v) {
    this.varint(v);
  }

  /** @param {bigint} v a u64 (a schema hash), exactly */
  u64n(v) {
    if (typeof v !== 'bigint' || v < 0n || v > 0xffffffffffffffffn) throw new RangeError(`cannot write ${v} as a u64`);
    if (v <= 0xffffffffn) {
      this.varint(Number(v));
      return;
    }
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, v, true);
    this.out.push(U64_BYTE, ...b);
  }

  /** @param {number} v an unsigned integer below 2^53 */
  varint(v) {
    if (!Number.isSafeInteger(v) || v < 0) throw new RangeError(`cannot write ${v} as an unsigned varint`);
    if (v < U16_BYTE) this.out.push(v);
    else if (v <= 0xffff) this.out.push(U16_BYTE, v & 0xff, v >>> 8);
    else if (v <= 0xffffffff) this.out.push(U32_BYTE, v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
    else {
      this.out.push(U64_BYTE);
      for (const w of [v % 4294967296, Math.floor(v / 4294967296)]) {
        this.out.push(w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, w >>> 24);
      }
    }
  }

  /** @param {number} v an i32, zigzagged */
  i32(v) {
    const n = v | 0;
    this.varint(((n << 1) ^ (n >> 31)) >>> 0);
  }

  /** @param {number} v written as the f32 nearest to it */
  f32(v) {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v, true);
    this.out.push(...b);
  }

  /** @param {string} s */
  string(s) {
    const b = utf8Encoder.encode(s);
    this.varint(b.length);
    for (const x of b) this.out.push(x);
  }

  /** @param {Uint8Array} b a length-prefixed byte string */
  byteBuf(b) {
    this.varint(b.length);
    for (let i = 0; i < b.length; i++) this.out.push(b[i]);
  }

  /** @returns {Uint8Array} */
  finish() {
    return Uint8Array.from(this.out);
  }
}

/** Bytes in UTF-8. @param {string} s @returns {Uint8Array} */
export function utf8Bytes(s) {
  return utf8Encoder.encode(s);
}

/**
 * Decodes UTF-8 strictly (no replacement characters), as Rust's `String::from_utf8`.
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function utf8Text(bytes) {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new DecodeError('text is not valid UTF-8');
  }
}

/** @param {Uint8Array} bytes @returns {string} lower case hex */
export function toHex(bytes) {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

/** @param {string} hex @returns {Uint8Array} */
export function fromHex(hex) {
  if (hex.length % 2 !== 0 || /[^0-9a-fA-F]/.test(hex)) throw new DecodeError('bad hex string');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/**
 * FNV-1a, 64 bits, as the Rust side names a schema by it.
 * @param {Uint8Array} bytes
 * @returns {bigint}
 */
export function fnv1a64(bytes) {
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h;
}
