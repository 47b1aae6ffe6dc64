// @ts-check
// What a replicated field is on the wire (crates/protocol/src/replication/wire_type.rs): the
// wire types, their bincode form, the checks a schema makes of them, how their slots are packed,
// and how a game value becomes a slot value and back.

import { DecodeError } from './error.js';

/** Most bits an angle may take. */
export const MAX_ANGLE_BITS = 16;
/** Most variants an enum may name. */
export const MAX_ENUM_VARIANTS = 256;
/** Longest text a schema may declare, in UTF-8 bytes. */
export const MAX_TEXT_BYTES = 256;
/** The largest text index a slot can hold (a kind holds at most 64 slots). */
const MAX_SLOTS_TEXT = 63;

const I32_MIN = -2147483648;
const I32_MAX = 2147483647;
const TAU = 2 * Math.PI;

/**
 * A field's wire type, tagged by `type` (the Rust enum's variant name).
 * @typedef {{type: 'Fixed', step: number}
 *   | {type: 'Vec2', step: number}
 *   | {type: 'Angle', bits: number}
 *   | {type: 'Int', min: number, max: number}
 *   | {type: 'Bool'}
 *   | {type: 'Enum', variants: string[]}
 *   | {type: 'Color'}
 *   | {type: 'Text', maxBytes: number}} WireType
 */

/** The variants in their bincode order. */
const VARIANTS = /** @type {const} */ (['Fixed', 'Vec2', 'Angle', 'Int', 'Bool', 'Enum', 'Color', 'Text']);

/**
 * Reads a wire type (an enum: its variant index, then its fields).
 * @param {import('./bincode.js').Reader} r
 * @param {() => string} name reads a name
 * @returns {WireType}
 */
export function readWireType(r, name) {
  const v = r.variant();
  switch (VARIANTS[v]) {
    case 'Fixed':
      return { type: 'Fixed', step: r.f32() };
    case 'Vec2':
      return { type: 'Vec2', step: r.f32() };
    case 'Angle':
      return { type: 'Angle', bits: r.u8() };
    case 'Int': {
      const min = r.i32();
      return { type: 'Int', min, max: r.i32() };
    }
    case 'Bool':
      return { type: 'Bool' };
    case 'Enum':
      return { type: 'Enum', variants: r.vec(1, name) };
    case 'Color':
      return { type: 'Color' };
    case 'Text':
      return { type: 'Text', maxBytes: r.u16() };
    default:
      throw new DecodeError(`wire type variant ${v} is unknown`);
  }
}

/**
 * Writes a wire type as {@link readWireType} reads it.
 * @param {import('./bincode.js').Writer} w
 * @param {WireType} ty
 */
export function writeWireType(w, ty) {
  w.varint(VARIANTS.indexOf(ty.type));
  switch (ty.type) {
    case 'Fixed':
    case 'Vec2':
      w.f32(ty.step);
      break;
    case 'Angle':
      w.u8(ty.bits);
      break;
    case 'Int':
      w.i32(ty.min);
      w.i32(ty.max);
      break;
    case 'Enum':
      w.varint(ty.variants.length);
      for (const v of ty.variants) w.string(v);
      break;
    case 'Text':
      w.varint(ty.maxBytes);
      break;
    default:
  }
}

/**
 * Why the type cannot be used, if it cannot (`WireType::check`).
 * @param {WireType} ty
 * @returns {string | null}
 */
export function wireTypeProblem(ty) {
  switch (ty.type) {
    case 'Fixed':
    case 'Vec2':
      return Number.isFinite(ty.step) && ty.step > 0 ? null : 'a step must be finite and above zero';
    case 'Angle':
      return ty.bits >= 1 && ty.bits <= MAX_ANGLE_BITS ? null : 'an angle takes 1 to 16 bits';
    case 'Int':
      return ty.min <= ty.max ? null : "an integer's min is above its max";
    case 'Enum':
      return ty.variants.length >= 2 && ty.variants.length <= MAX_ENUM_VARIANTS ? null : 'an enum takes 2 to 256 variants';
    case 'Text':
      return ty.maxBytes >= 1 && ty.maxBytes <= MAX_TEXT_BYTES ? null : 'a text takes 1 to 256 bytes';
    default:
      return null;
  }
}

/** Bits needed to write every value up to `max`. @param {number} max */
function bitsFor(max) {
  return 32 - Math.clz32(max);
}

/**
 * How a slot is packed, flattened from the Rust `SlotCoding` and `FullCoding`:
 * `coding` is how its changes go ('residual': a signed residual, wrapping at `wrap` bits for an
 * angle; 'raw': the new value in `bits` bits, 0 for a bool that flips; 'text': length and bytes,
 * at most `maxBytes`), `full` how its value goes in a full entity ('signed': zigzag in a block;
 * 'offset': value - `min` in a block; 'raw': `fullBits` bits; 'text').
 * @typedef {{
 *   coding: 'residual' | 'raw' | 'text',
 *   wrap: number | null,
 *   bits: number,
 *   maxBytes: number,
 *   full: 'signed' | 'offset' | 'raw' | 'text',
 *   fullBits: number,
 * }} Packing
 */

/**
 * How the type's slots are packed.
 * @param {WireType} ty
 * @returns {Packing}
 */
export function packing(ty) {
  /** @type {Packing} */
  const p = { coding: 'residual', wrap: null, bits: 0, maxBytes: 0, full: 'signed', fullBits: 0 };
  switch (ty.type) {
    case 'Fixed':
    case 'Vec2':
      return p;
    case 'Int':
      return { ...p, full: 'offset' };
    case 'Angle':
      return { ...p, wrap: ty.bits, full: 'raw', fullBits: ty.bits };
    case 'Bool':
      return { ...p, coding: 'raw', bits: 0, full: 'raw', fullBits: 1 };
    case 'Enum': {
      const bits = bitsFor(ty.variants.length - 1);
      return { ...p, coding: 'raw', bits, full: 'raw', fullBits: bits };
    }
    case 'Color':
      return { ...p, coding: 'raw', bits: 24, full: 'raw', fullBits: 24 };
    case 'Text':
      return { ...p, coding: 'text', maxBytes: ty.maxBytes, full: 'text' };
  }
}

/**
 * The smallest and largest slot value the type holds (a text slot holds its text's index).
 * @param {WireType} ty
 * @returns {[number, number]}
 */
export function slotRange(ty) {
  switch (ty.type) {
    case 'Fixed':
    case 'Vec2':
      return [I32_MIN, I32_MAX];
    case 'Angle':
      return [0, 2 ** ty.bits - 1];
    case 'Int':
      return [ty.min, ty.max];
    case 'Bool':
      return [0, 1];
    case 'Enum':
      return [0, ty.variants.length - 1];
    case 'Color':
      return [0, 0xffffff];
    case 'Text':
      return [0, MAX_SLOTS_TEXT];
  }
}

/** Slots the type takes: 2 for a vector, 1 for everything else. @param {WireType} ty */
export function slotCount(ty) {
  return ty.type === 'Vec2' ? 2 : 1;
}

/** Rust's `f64::round`: halves away from zero. @param {number} x */
function round(x) {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** Rust's saturating `as` from f64 to an integer range. @param {number} x @param {number} lo @param {number} hi */
function clamp(x, lo, hi) {
  return Math.min(hi, Math.max(lo, x));
}

/**
 * Quantizes a game value to a slot value, as the server does: rounded to the step, wrapped to a
 * turn, clamped to a range; non-finite values become 0 (or the range's nearest value). A text
 * has no slot value of its own (see world.js).
 * @param {WireType} ty @param {number} v
 * @returns {number}
 */
export function quantize(ty, v) {
  const x = Number.isFinite(v) ? v : 0;
  switch (ty.type) {
    case 'Fixed':
    case 'Vec2':
      return clamp(round(x / ty.step), I32_MIN, I32_MAX);
    case 'Angle': {
      const steps = 2 ** ty.bits;
      const q = round((x / TAU) * steps);
      // Rust's `as i64` saturates before the remainder.
      if (q >= 2 ** 63) return steps - 1;
      if (q <= -(2 ** 63)) return 0;
      return ((q % steps) + steps) % steps;
    }
    case 'Int':
      return clamp(round(x), ty.min, ty.max);
    case 'Bool':
      return x !== 0 ? 1 : 0;
    case 'Enum':
      return clamp(round(x), 0, ty.variants.length - 1);
    case 'Color':
      return clamp(Math.trunc(x), 0, 0xffffff);
    case 'Text':
      return 0;
  }
}

/**
 * The game value a slot value stands for: a number (angles in radians in (-pi, pi]).
 * @param {WireType} ty @param {number} q
 * @returns {number}
 */
export function dequantize(ty, q) {
  switch (ty.type) {
    case 'Fixed':
    case 'Vec2':
      return q * ty.step;
    case 'Angle': {
      const a = (q * TAU) / 2 ** ty.bits;
      return a > Math.PI ? a - TAU : a;
    }
    default:
      return q;
  }
}

/**
 * The residual of a slot between two values (i32): wrapping for plain values, and for an angle
 * of `wrap` bits the turn taken the short way round.
 * @param {number | null} wrap @param {number} from @param {number} to
 * @returns {number}
 */
export function residual(wrap, from, to) {
  const d = (to - from) | 0;
  if (wrap === null) return d;
  const shift = 32 - wrap;
  return (d << shift) >> shift;
}

/**
 * `from` moved on by residual `r` (the inverse of {@link residual}).
 * @param {number | null} wrap @param {number} from @param {number} r
 * @returns {number}
 */
export function applyResidual(wrap, from, r) {
  const v = (from + r) | 0;
  return wrap === null ? v : v & ((1 << wrap) - 1);
}
