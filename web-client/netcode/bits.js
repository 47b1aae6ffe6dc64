// @ts-check
// Bit packing as the Rust codec does it (crates/protocol/src/bits.rs, block.rs, subset.rs): a
// least-significant-bit-first writer and reader, `varbits`, adaptive-width blocks with escapes,
// index subsets (a bitmask or a gap list), zigzag.
//
// JS bitwise operators work on 32-bit signed integers, so writes go through chunks of at most 16
// bits and reads of at most 24, and values are kept unsigned with `>>> 0`. Reading never throws
// anything but a DecodeError, and checks every count against the bits left before allocating.

import { DecodeError } from './error.js';

/** Bits needed to write `v` (0 for 0). @param {number} v u32 @returns {number} */
export function width(v) {
  return 32 - Math.clz32(v);
}

/** Zigzag: small magnitudes of either sign become small unsigned values. @param {number} v i32 @returns {number} u32 */
export function zigzag(v) {
  return ((v << 1) ^ (v >> 31)) >>> 0;
}

/** The inverse of {@link zigzag}. @param {number} v u32 @returns {number} i32 */
export function unzigzag(v) {
  return (v >>> 1) ^ -(v & 1);
}

/** The all-ones code of width `w` (1 to 32), which escapes a value that does not fit. @param {number} w */
function escapeCode(w) {
  return 0xffffffff >>> (32 - w);
}

/** Appends bits to a byte array, least significant bit first. */
export class BitWriter {
  constructor() {
    /** @type {number[]} whole bytes written so far */
    this.out = [];
    this.acc = 0;
    this.n = 0;
    /** Bits written so far (padding excluded). */
    this.bitLength = 0;
  }

  /** @param {number} v @param {number} bits at most 16 */
  #putSmall(v, bits) {
    this.acc |= (v & ((1 << bits) - 1)) << this.n;
    this.n += bits;
    while (this.n >= 8) {
      this.out.push(this.acc & 255);
      this.acc >>>= 8;
      this.n -= 8;
    }
  }

  /** Writes the low `bits` bits (0 to 32) of the u32 `v`. @param {number} v @param {number} bits */
  put(v, bits) {
    if (!(bits >= 0 && bits <= 32)) throw new RangeError(`bit count ${bits}`);
    v >>>= 0;
    this.bitLength += bits;
    if (bits > 16) {
      this.#putSmall(v & 0xffff, 16);
      this.#putSmall(v >>> 16, bits - 16);
    } else if (bits > 0) {
      this.#putSmall(v, bits);
    }
  }

  /** @param {boolean} b */
  bit(b) {
    this.put(b ? 1 : 0, 1);
  }

  /** A value of any size: 6 bits of width, then that many bits. @param {number} v u32 */
  varbits(v) {
    const w = width(v >>> 0);
    this.put(w, 6);
    this.put(v, w);
  }

  /** The bytes written, the last one zero padded. @returns {Uint8Array} */
  finish() {
    const out = this.out.slice();
    if (this.n > 0) out.push(this.acc & 255);
    return Uint8Array.from(out);
  }
}

/** Reads bits written by {@link BitWriter}. */
export class BitReader {
  /** @param {Uint8Array} bytes */
  constructor(bytes) {
    if (!(bytes instanceof Uint8Array)) throw new DecodeError('input is not a Uint8Array');
    this.bytes = bytes;
    this.pos = 0;
    // Fewer than 8 bits are pending between reads, and at most 31 during one: `acc` stays a
    // non-negative 31-bit integer.
    this.acc = 0;
    this.n = 0;
  }

  /** @param {number} bits at most 24 */
  #getSmall(bits) {
    while (this.n < bits) {
      if (this.pos >= this.bytes.length) throw new DecodeError('delta body ends early');
      this.acc |= this.bytes[this.pos++] << this.n;
      this.n += 8;
    }
    const v = this.acc & ((1 << bits) - 1);
    this.acc >>>= bits;
    this.n -= bits;
    return v;
  }

  /** Reads `bits` bits (0 to 32) as an unsigned number. @param {number} bits @returns {number} */
  get(bits) {
    if (bits === 0) return 0;
    if (bits <= 24) return this.#getSmall(bits);
    const lo = this.#getSmall(16);
    return lo + this.#getSmall(bits - 16) * 65536;
  }

  /** @returns {boolean} */
  bit() {
    return this.get(1) === 1;
  }

  /** Reads a value written by {@link BitWriter.varbits}: minimal width only. @returns {number} */
  varbits() {
    const w = this.get(6);
    if (w > 32) throw new DecodeError(`bit width ${w} is over 32`);
    const v = this.get(w);
    if (w > 0 && v >>> (w - 1) !== 1) throw new DecodeError('non-minimal varbits width');
    return v;
  }

  /** Bits not yet read. @returns {number} */
  bitsLeft() {
    return (this.bytes.length - this.pos) * 8 + this.n;
  }

  /** Checks that only zero padding (less than a byte) is left. */
  finish() {
    if (this.pos !== this.bytes.length) {
      throw new DecodeError(`${this.bytes.length - this.pos} trailing bytes after the delta body`);
    }
    if (this.acc !== 0) throw new DecodeError('non-zero padding after the delta body');
  }
}

/**
 * The width a block of `values` is written at and the block's size in bits (header included):
 * the width that makes the block smallest, values that do not fit being escaped.
 * @param {ArrayLike<number>} values u32 each
 * @returns {[number, number]} [width, bits]
 */
export function bestWidth(values) {
  const counts = new Array(33).fill(0);
  const allOnes = new Array(33).fill(0);
  // Bits of the escapes of every value wider than the width under consideration.
  let widerBits = 0;
  let maxW = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] >>> 0;
    const w = width(v);
    counts[w]++;
    widerBits += w > 0 ? 6 + w : 0;
    if (w > maxW) maxW = w;
    // A value that is all ones at its own width collides with that width's escape code.
    if (w > 0 && v === escapeCode(w)) allOnes[w]++;
  }
  const n = values.length;
  if (maxW === 0) return [0, 6];
  /** @type {[number, number]} */
  let best = [32, 6 + n * 32];
  const top = Math.min(maxW + 1, 31);
  for (let w = 1; w <= top; w++) {
    widerBits -= counts[w] * (6 + w);
    const cost = 6 + n * w + widerBits + allOnes[w] * (6 + w);
    if (cost < best[1]) best = [w, cost];
  }
  return best;
}

/** Writes `values` as a block at the best width. @param {BitWriter} bw @param {ArrayLike<number>} values */
export function putBlock(bw, values) {
  putBlockAt(bw, values, bestWidth(values)[0]);
}

/**
 * Writes a block at width `w`: 6 bits of width, then each value in `w` bits, with escapes (the
 * all-ones code, then the value as varbits).
 * @param {BitWriter} bw @param {ArrayLike<number>} values @param {number} w
 */
export function putBlockAt(bw, values, w) {
  bw.put(w, 6);
  if (w === 0) return;
  const escape = escapeCode(w);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] >>> 0;
    if (w === 32 || (width(v) <= w && v !== escape)) bw.put(v, w);
    else {
      bw.put(escape, w);
      bw.varbits(v);
    }
  }
}

/**
 * Reads a block of `n` values.
 * @param {BitReader} br @param {number} n
 * @returns {number[]} u32 each
 */
export function getBlock(br, n) {
  const w = br.get(6);
  if (w > 32) throw new DecodeError(`block width ${w} is over 32`);
  // Every value costs at least `w` bits: refuse counts the input cannot hold before allocating.
  if (n * w > br.bitsLeft()) throw new DecodeError('block longer than the body');
  if (w === 0) return new Array(n).fill(0);
  const out = [];
  const escape = escapeCode(w);
  for (let i = 0; i < n; i++) {
    const v = br.get(w);
    if (w < 32 && v === escape) {
      const e = br.varbits();
      if (width(e) <= w && e !== escape) throw new DecodeError('needless escape in a block');
      out.push(e);
    } else out.push(v);
  }
  return out;
}

/**
 * How {@link putSubset} writes `indices` (strictly increasing, below `n`): as a bitmask when `n`
 * is no larger than the gap list, and the size in bits either way.
 * @param {number} n @param {ArrayLike<number>} indices
 * @returns {{bitmask: boolean, bits: number, gaps: number[]}}
 */
export function subsetPlan(n, indices) {
  /** @type {number[]} */
  const gaps = [];
  let next = 0;
  for (let k = 0; k < indices.length; k++) {
    gaps.push(indices[k] - next);
    next = indices[k] + 1;
  }
  const list = 6 + width(indices.length) + bestWidth(gaps)[1];
  return n <= list ? { bitmask: true, bits: 1 + n, gaps } : { bitmask: false, bits: 1 + list, gaps };
}

/**
 * Writes a subset of `0..n` as a bitmask or a gap list, whichever {@link subsetPlan} picks,
 * behind one bit that says which.
 * @param {BitWriter} bw @param {number} n @param {ArrayLike<number>} indices strictly increasing
 */
export function putSubset(bw, n, indices) {
  const plan = subsetPlan(n, indices);
  if (plan.bitmask) {
    bw.bit(false);
    let k = 0;
    for (let i = 0; i < n; i++) {
      const hit = k < indices.length && indices[k] === i;
      if (hit) k++;
      bw.bit(hit);
    }
  } else {
    bw.bit(true);
    bw.varbits(indices.length);
    putBlock(bw, plan.gaps);
  }
}

/**
 * Reads a subset of `0..n`: strictly increasing indices below `n`.
 * @param {BitReader} br @param {number} n
 * @returns {number[]}
 */
export function getSubset(br, n) {
  /** @type {number[]} */
  const out = [];
  if (!br.bit()) {
    if (br.bitsLeft() < n) throw new DecodeError('subset bitmask longer than the body');
    for (let i = 0; i < n; i++) if (br.bit()) out.push(i);
    return out;
  }
  const count = br.varbits();
  if (count > n) throw new DecodeError(`subset of ${count} is larger than its set of ${n}`);
  const gaps = getBlock(br, count);
  let next = 0;
  for (const gap of gaps) {
    const i = next + gap;
    if (i >= n) throw new DecodeError('subset index out of range');
    out.push(i);
    next = i + 1;
  }
  return out;
}
