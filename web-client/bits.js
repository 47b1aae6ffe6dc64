// Bit packing for delta bodies (crates/protocol/src/bits.rs): least-significant-bit-first bit
// writer and reader, `varbits`, adaptive-width blocks with escapes, and index subsets.
//
// The writing side and the pure helpers are the netcode package's (netcode/bits.js), re-exported
// here. The reading side stays here: it throws this app's DecodeError (codec.js), which the
// arena's decoders and net.js expect, where the package throws its own.
//
// JS bitwise operators work on 32-bit signed integers, so reads go through chunks of at most 24
// bits, and values are kept unsigned with `>>> 0`. Reading never throws anything but a
// DecodeError, and checks every count against the bits left before allocating.

import { DecodeError } from './codec.js';
import { width } from './netcode/bits.js';

export { BitWriter, bestWidth, putBlock, putBlockAt, putSubset, unzigzag, width, zigzag } from './netcode/bits.js';

/** The all-ones code of width `w` (1..=32), which escapes a value that does not fit. @param {number} w */
function escapeCode(w) {
  return 0xffffffff >>> (32 - w);
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

  /** Reads `bits` bits (at most 32) as an unsigned number. @param {number} bits */
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

  /** Reads a value written by {@link BitWriter.varbits}: canonical (minimal width) only. */
  varbits() {
    const w = this.get(6);
    if (w > 32) throw new DecodeError(`bit width ${w} is over 32`);
    const v = this.get(w);
    if (w > 0 && v >>> (w - 1) !== 1) throw new DecodeError('non-minimal varbits width');
    return v;
  }

  /** Bits not yet read. */
  bitsLeft() {
    return (this.bytes.length - this.pos) * 8 + this.n;
  }

  /** Checks that only zero padding (less than a byte) is left. */
  finish() {
    if (this.pos !== this.bytes.length || this.n >= 8) {
      throw new DecodeError(`${this.bytes.length - this.pos} trailing bytes after the delta body`);
    }
    if (this.acc !== 0) throw new DecodeError('non-zero padding after the delta body');
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
 * Reads a subset of `0..n`: strictly increasing indices below `n`.
 * @param {BitReader} br @param {number} n
 * @returns {number[]}
 */
export function getSubset(br, n) {
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
