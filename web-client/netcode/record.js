// @ts-check
// Records (protocol v5 §1): the value of a flat list of fields (the same wire types as entity
// fields) with no id and no kind, packed in full. A game's input, each event and each map feature's
// neighbours travel as records.
//
// Byte format (bits least significant first, as bits.js writes them), slot by slot in field order
// (a Vec2 is two slots, x then y): a fixed-point number or vector component as
// `varbits(zigzag(v))`; an integer as `v - min` in `width(max - min)` bits (none when min == max);
// an angle, bool, enum or colour as its value in its bits; a text as `varbits(byte length)` then
// its bytes (cut at a character boundary to `max_bytes` first). Then zero bits to a whole byte.
// The reader refuses a value out of its slot's range, a text over its length or not UTF-8,
// running out of bits, a whole trailing byte and non-zero padding. An empty field list is an
// empty record: no bytes.
//
// Values are objects keyed by field name, in the game's units as `fields` reads an entity (a
// vector `[x, y]`, an angle in radians in (-pi, pi], an enum's variant name, ...).

import { BitReader, BitWriter, unzigzag, width, zigzag } from './bits.js';
import { DecodeError } from './error.js';
import { compileRecordLayout } from './schema.js';
import { getText, putText } from './text.js';
import { readValues, writeValues } from './world.js';

export { compileRecordLayout };

/** Most bytes a record may take in a message (protocol MAX_RECORD_BYTES). */
export const MAX_RECORD_BYTES = 1024;

/**
 * @typedef {import('./schema.js').RecordLayout} RecordLayout
 * @typedef {import('./world.js').FieldValue} FieldValue
 * @typedef {Record<string, FieldValue>} RecordValues a record's values by field name
 * @typedef {{slots: number[], texts: string[]}} RecordSlots
 *   a record's slot values in field order (a text slot holds its text's index among `texts`)
 */

/**
 * A record's bytes from its values in the game's units, quantized as the server quantizes them
 * (a field left out is zero; an integer is clamped to its range; a text over its length is cut).
 * @param {RecordLayout} layout @param {Record<string, FieldValue | undefined>} values
 * @returns {Uint8Array}
 */
export function writeRecord(layout, values) {
  const { slots, texts } = writeValues(layout.fields, values);
  return writeRecordSlots(layout, slots, texts);
}

/**
 * A record's bytes from its slot values. Throws a RangeError for a slot out of its range or a
 * record over {@link MAX_RECORD_BYTES}.
 * @param {RecordLayout} layout @param {ArrayLike<number>} slots @param {string[]} texts
 * @returns {Uint8Array}
 */
export function writeRecordSlots(layout, slots, texts) {
  const bw = new BitWriter();
  layout.slots.forEach((s, i) => {
    const v = slots[i];
    if (s.full === 'text') {
      putText(bw, texts[v] ?? '', s.maxBytes);
      return;
    }
    if (!Number.isInteger(v) || v < s.min || v > s.max) {
      throw new RangeError(`record slot ${i} (field ${JSON.stringify(layout.fields[s.field].name)}): ${v} is out of ${s.min}..=${s.max}`);
    }
    if (s.full === 'signed') bw.varbits(zigzag(v));
    else if (s.full === 'offset') bw.put(v - s.min, width((s.max - s.min) >>> 0));
    else bw.put(v, s.fullBits);
  });
  const out = bw.finish();
  if (out.length > MAX_RECORD_BYTES) throw new RangeError(`a record of ${out.length} bytes is over ${MAX_RECORD_BYTES}`);
  return out;
}

/**
 * Reads a record's slot values, refusing what the Rust reader refuses (a DecodeError).
 * @param {RecordLayout} layout @param {Uint8Array} bytes
 * @returns {RecordSlots}
 */
export function readRecordSlots(layout, bytes) {
  if (!(bytes instanceof Uint8Array)) throw new DecodeError('a record is not a Uint8Array');
  if (bytes.length > MAX_RECORD_BYTES) throw new DecodeError(`a record of ${bytes.length} bytes is over ${MAX_RECORD_BYTES}`);
  const br = new BitReader(bytes);
  /** @type {number[]} */
  const slots = [];
  /** @type {string[]} */
  const texts = [];
  for (const s of layout.slots) {
    if (s.full === 'text') {
      slots.push(texts.length);
      texts.push(getText(br, s.maxBytes));
    } else if (s.full === 'signed') {
      slots.push(unzigzag(br.varbits()));
    } else if (s.full === 'offset') {
      const d = br.get(width((s.max - s.min) >>> 0));
      if (d > s.max - s.min) throw new DecodeError(`a record value ${s.min + d} over its range ${s.min}..=${s.max}`);
      slots.push(s.min + d);
    } else {
      const v = br.get(s.fullBits);
      if (v > s.max) throw new DecodeError(`a record value ${v} over its range 0..=${s.max}`);
      slots.push(v);
    }
  }
  if (br.pos !== bytes.length) throw new DecodeError(`${bytes.length - br.pos} trailing bytes after a record`);
  if (br.acc !== 0) throw new DecodeError('non-zero padding after a record');
  return { slots, texts };
}

/**
 * Reads a record's values by field name, in the game's units.
 * @param {RecordLayout} layout @param {Uint8Array} bytes
 * @returns {RecordValues}
 */
export function readRecord(layout, bytes) {
  const { slots, texts } = readRecordSlots(layout, bytes);
  return readValues(layout.fields, slots, texts);
}

/**
 * `values` as the server reads them once written: quantized, clamped, cut (the values a client
 * should predict with, since the server applies these).
 * @param {RecordLayout} layout @param {Record<string, FieldValue | undefined>} values
 * @returns {RecordValues}
 */
export function recordValues(layout, values) {
  return readRecord(layout, writeRecord(layout, values));
}
