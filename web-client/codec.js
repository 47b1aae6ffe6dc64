// Reader and writer primitives for the one bincode 2 configuration tickwire uses ("standard"):
// little endian, unsigned integers as varints (< 251 one byte; 251, 252, 253 introduce a u16, u32,
// u64), signed integers zigzagged into the unsigned varint, u8/i8/bool as one raw byte, f32 as 4 raw
// bytes, strings and sequences as a u64 varint length then their contents.
//
// Decoding never throws anything but a DecodeError, and never allocates more than the input could
// fill: every length is checked against the bytes left before anything is built from it.

import { DecodeError } from './netcode/error.js';

/** Why bytes could not be decoded: the netcode package's, so that one catch takes both. */
export { DecodeError };

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
    /** @type {Uint8Array} */
    this.bytes = bytes;
    /** @type {DataView} */
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    /** Position of the next byte to read. */
    this.pos = 0;
  }

  /** @returns {number} bytes not yet read */
  remaining() {
    return this.bytes.length - this.pos;
  }

  /** @param {number} n @param {string} what */
  need(n, what) {
    if (n > this.remaining()) {
      throw new DecodeError(`unexpected end of input reading ${what} (need ${n}, have ${this.remaining()})`);
    }
  }

  /** @returns {number} one raw byte, 0..=255 */
  u8() {
    this.need(1, 'u8');
    return this.bytes[this.pos++];
  }

  /** @returns {number} one raw byte as two's complement, -128..=127 */
  i8() {
    this.need(1, 'i8');
    return (this.bytes[this.pos++] << 24) >> 24;
  }

  /** @returns {boolean} */
  bool() {
    this.need(1, 'bool');
    const b = this.bytes[this.pos++];
    if (b > 1) throw new DecodeError(`invalid bool byte ${b}`);
    return b === 1;
  }

  /** @returns {number} a varint of at most 16 bits */
  u16() {
    const b = this.u8();
    if (b < U16_BYTE) return b;
    if (b === U16_BYTE) {
      this.need(2, 'u16');
      const v = this.view.getUint16(this.pos, true);
      this.pos += 2;
      return v;
    }
    throw new DecodeError(`invalid varint discriminant ${b} for u16`);
  }

  /** @returns {number} a varint of at most 32 bits, 0..=2^32-1 */
  u32() {
    const b = this.u8();
    if (b < U16_BYTE) return b;
    if (b === U16_BYTE) {
      this.need(2, 'u32');
      const v = this.view.getUint16(this.pos, true);
      this.pos += 2;
      return v;
    }
    if (b === U32_BYTE) {
      this.need(4, 'u32');
      const v = this.view.getUint32(this.pos, true);
      this.pos += 4;
      return v;
    }
    throw new DecodeError(`invalid varint discriminant ${b} for u32`);
  }

  /**
   * A u64 varint. Values over 2^53 cannot be exact in a JS number; they are returned as
   * `Infinity`, which every caller (lengths) rejects against the bytes left.
   * @returns {number}
   */
  u64() {
    const b = this.u8();
    if (b < U64_BYTE) {
      this.pos--;
      return this.u32();
    }
    if (b !== U64_BYTE) throw new DecodeError(`invalid varint discriminant ${b} for u64`);
    this.need(8, 'u64');
    const lo = this.view.getUint32(this.pos, true);
    const hi = this.view.getUint32(this.pos + 4, true);
    this.pos += 8;
    if (hi >= 1 << 21) return Infinity;
    return hi * 4294967296 + lo;
  }

  /**
   * A u64 varint, exactly, as a bigint (a schema hash).
   * @returns {bigint}
   */
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

  /** @returns {number} a zigzag varint i32 */
  i32() {
    const n = this.u32();
    return (n >>> 1) ^ -(n & 1);
  }

  /** @returns {number} a raw little endian f32 */
  f32() {
    this.need(4, 'f32');
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /**
   * A length prefix (u64 varint) for a list whose items take at least `minItemBytes` each,
   * checked against the bytes left so that a forged length cannot make us allocate.
   * @param {number} minItemBytes
   * @param {number} [max] largest allowed count
   * @returns {number}
   */
  len(minItemBytes, max = Infinity) {
    const n = this.u64();
    if (n > max || n * minItemBytes > this.remaining()) {
      throw new DecodeError(`list length ${n} is over what the input can hold`);
    }
    return n;
  }

  /** @returns {Uint8Array} a length-prefixed byte string (a copy) */
  byteBuf() {
    const n = this.len(1);
    const out = this.bytes.slice(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** @returns {string} a length-prefixed UTF-8 string */
  string() {
    const n = this.len(1);
    const raw = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    try {
      return utf8.decode(raw);
    } catch {
      throw new DecodeError('string is not valid UTF-8');
    }
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

  /** Throws unless every byte was read. */
  end() {
    if (this.remaining() !== 0) throw new DecodeError(`${this.remaining()} trailing bytes`);
  }
}

/** Appends bincode values to a growing buffer. */
export class Writer {
  constructor() {
    /** @type {number[]} */
    this.out = [];
  }

  /** @param {number} v 0..=255 */
  u8(v) {
    this.out.push(v & 0xff);
  }

  /** @param {number} v -128..=127 */
  i8(v) {
    this.out.push(v & 0xff);
  }

  /** @param {boolean} v */
  bool(v) {
    this.out.push(v ? 1 : 0);
  }

  /** @param {number} v an unsigned integer below 2^53 */
  varint(v) {
    if (!Number.isInteger(v) || v < 0 || v > Number.MAX_SAFE_INTEGER) {
      throw new RangeError(`cannot encode ${v} as an unsigned varint`);
    }
    if (v < U16_BYTE) {
      this.out.push(v);
    } else if (v <= 0xffff) {
      this.out.push(U16_BYTE, v & 0xff, v >>> 8);
    } else if (v <= 0xffffffff) {
      this.out.push(U32_BYTE, v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
    } else {
      const lo = v % 4294967296;
      const hi = Math.floor(v / 4294967296);
      this.out.push(U64_BYTE);
      for (const w of [lo, hi]) this.out.push(w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, w >>> 24);
    }
  }

  /** @param {number} v */
  u16(v) {
    this.varint(v & 0xffff);
  }

  /** @param {number} v */
  u32(v) {
    this.varint(v >>> 0);
  }

  /** @param {number} v */
  u64(v) {
    this.varint(v);
  }

  /** @param {bigint} v a u64 (a schema hash), exactly */
  u64n(v) {
    if (typeof v !== 'bigint' || v < 0n || v > 0xffffffffffffffffn) throw new RangeError(`cannot encode ${v} as a u64`);
    if (v <= 0xffffffffn) {
      this.varint(Number(v));
      return;
    }
    this.out.push(U64_BYTE);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, v, true);
    this.out.push(...b);
  }

  /** @param {number} v an i32 (wrapped to 32 bits), zigzagged */
  i32(v) {
    const n = v | 0;
    this.varint(((n << 1) ^ (n >> 31)) >>> 0);
  }

  /** @param {number} v */
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

  /** @param {Uint8Array} b */
  byteBuf(b) {
    this.varint(b.length);
    for (const x of b) this.out.push(x);
  }

  /** @returns {Uint8Array} */
  finish() {
    return Uint8Array.from(this.out);
  }
}

/**
 * @param {string} hex
 * @returns {Uint8Array}
 */
export function hexToBytes(hex) {
  if (hex.length % 2 !== 0 || /[^0-9a-fA-F]/.test(hex)) throw new DecodeError('bad hex string');
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(i * 2, 2), 16);
  return out;
}

/**
 * @param {Uint8Array} bytes
 * @returns {string}
 */
export function bytesToHex(bytes) {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}
