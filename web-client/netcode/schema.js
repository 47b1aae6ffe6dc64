// @ts-check
// A game's schema (crates/protocol/src/replication/schema.rs): the declaration as it travels
// (SchemaDesc, in bincode), checked as `Schema::new` checks it and compiled into the slot tables
// the delta codec walks, and named by its hash (FNV-1a 64 over its bincode bytes).

import { Reader, Writer, fnv1a64, utf8Bytes } from './bincode.js';
import { DecodeError } from './error.js';
import { packing, readWireType, slotCount, slotRange, wireTypeProblem, writeWireType } from './wire_type.js';

/** Most entity kinds a schema may declare. */
export const MAX_KINDS = 256;
/** Most slots one kind may hold (a vector takes two). */
export const MAX_SLOTS = 64;
/** Longest name (of a game, kind, field or enum variant), in bytes. */
export const MAX_SCHEMA_NAME = 64;

/**
 * @typedef {import('./wire_type.js').WireType} WireType
 * @typedef {import('./wire_type.js').Packing} Packing
 * @typedef {{name: string, ty: WireType, predict: boolean, interpolate: boolean}} FieldDesc
 * @typedef {{name: string, fields: FieldDesc[], position: number | null}} KindDesc
 * @typedef {{game: string, version: number, kinds: KindDesc[]}} SchemaDesc
 * @typedef {Packing & {min: number, max: number, predict: boolean, field: number}} SlotInfo
 *   one slot of a kind, as the codec sees it; `field` indexes the kind's fields
 * @typedef {{slots: SlotInfo[], position: {slot: number, step: number} | null, hasText: boolean}} KindLayout
 *   a kind compiled for the codec: its slots in order, where its position is, whether it has text
 * @typedef {{desc: SchemaDesc, hash: bigint, layouts: KindLayout[], predicts: boolean}} Schema
 *   a checked schema: its declaration, its hash, its kinds' slot tables (by kind index), and
 *   whether any slot is predicted
 */

/** Why a declaration is not a usable schema. */
export class SchemaError extends DecodeError {
  /** @param {string} where which kind or field @param {string} why what is wrong with it */
  constructor(where, why) {
    super(`schema ${where}: ${why}`);
    this.name = 'SchemaError';
    this.where = where;
    this.why = why;
  }
}

/**
 * Reads a SchemaDesc from a bincode reader (as part of a larger message).
 * @param {Reader} r
 * @returns {SchemaDesc}
 */
export function readSchemaDesc(r) {
  const name = () => r.string();
  const game = name();
  const version = r.u32();
  // A kind takes at least 3 bytes (an empty name, no fields, no position); a field at least 4.
  const kinds = r.vec(3, () => ({
    name: name(),
    fields: r.vec(4, () => ({ name: name(), ty: readWireType(r, name), predict: r.bool(), interpolate: r.bool() })),
    position: r.option(() => r.u8()),
  }));
  return { game, version, kinds };
}

/**
 * The bincode bytes of a declaration, as the Rust side writes them (the hash is taken over these).
 * @param {SchemaDesc} desc
 * @returns {Uint8Array}
 */
export function encodeSchemaDesc(desc) {
  const w = new Writer();
  w.string(desc.game);
  w.varint(desc.version);
  w.varint(desc.kinds.length);
  for (const k of desc.kinds) {
    w.string(k.name);
    w.varint(k.fields.length);
    for (const f of k.fields) {
      w.string(f.name);
      writeWireType(w, f.ty);
      w.bool(f.predict);
      w.bool(f.interpolate);
    }
    if (k.position === null) w.u8(0);
    else {
      w.u8(1);
      w.u8(k.position);
    }
  }
  return w.finish();
}

/**
 * Decodes a schema sent on its own (every byte its), checked and compiled.
 * @param {Uint8Array} bytes
 * @returns {Schema}
 */
export function decodeSchema(bytes) {
  const r = new Reader(bytes);
  const desc = readSchemaDesc(r);
  r.end();
  return compileSchema(desc);
}

/**
 * Checks a declaration and compiles it, as `Schema::new`; throws a SchemaError naming the kind or
 * field at fault. The hash is taken over the declaration's shortest bincode form, as on the Rust
 * side (the same bytes the server sends).
 * @param {SchemaDesc} desc
 * @returns {Schema}
 */
export function compileSchema(desc) {
  const game = nameProblem(desc.game);
  if (game) throw new SchemaError('game name', game);
  if (desc.kinds.length === 0 || desc.kinds.length > MAX_KINDS) {
    throw new SchemaError('kinds', 'a schema declares 1 to 256 kinds');
  }
  const layouts = desc.kinds.map((kind, i) => {
    const why = nameProblem(kind.name) ?? (desc.kinds.slice(0, i).some((k) => k.name === kind.name) ? 'two kinds share a name' : null);
    if (why) throw new SchemaError(`kind ${JSON.stringify(kind.name)}`, why);
    return compileKind(kind);
  });
  return {
    desc,
    hash: fnv1a64(encodeSchemaDesc(desc)),
    layouts,
    predicts: layouts.some((l) => l.slots.some((s) => s.predict)),
  };
}

/** The hash as 16 lower case hex digits. @param {Schema} schema @returns {string} */
export function hashHex(schema) {
  return schema.hash.toString(16).padStart(16, '0');
}

/** The index of the kind called `name`, or -1. @param {Schema} schema @param {string} name */
export function kindIndex(schema, name) {
  return schema.desc.kinds.findIndex((k) => k.name === name);
}

/** @param {string} name @returns {string | null} */
function nameProblem(name) {
  const bytes = utf8Bytes(name).length;
  if (bytes === 0 || bytes > MAX_SCHEMA_NAME) return 'a name takes 1 to 64 bytes';
  if (/\p{Cc}/u.test(name)) return 'a name has no control characters';
  return null;
}

/** @param {KindDesc} kind @returns {KindLayout} */
function compileKind(kind) {
  /** @param {string} field @param {string} why */
  const err = (field, why) => new SchemaError(`kind ${JSON.stringify(kind.name)} field ${JSON.stringify(field)}`, why);
  /** @type {KindLayout} */
  const layout = { slots: [], position: null, hasText: false };
  kind.fields.forEach((f, i) => {
    const why = nameProblem(f.name) ?? wireTypeProblem(f.ty);
    if (why) throw err(f.name, why);
    if (kind.fields.slice(0, i).some((g) => g.name === f.name)) throw err(f.name, 'two fields share a name');
    if (f.ty.type === 'Enum') {
      for (const v of f.ty.variants) {
        const bad = nameProblem(v);
        if (bad) throw err(f.name, bad);
      }
    }
    const p = packing(f.ty);
    const predictable = f.ty.type === 'Fixed' || f.ty.type === 'Vec2' || f.ty.type === 'Int';
    if (f.predict && !predictable) throw err(f.name, 'only numbers and vectors can be predicted');
    if (f.interpolate && p.coding !== 'residual') throw err(f.name, 'only numbers, vectors and angles interpolate');
    if (kind.position === i) {
      if (f.ty.type !== 'Vec2') throw err(f.name, 'a position must be a vector');
      layout.position = { slot: layout.slots.length, step: f.ty.step };
    }
    layout.hasText ||= p.coding === 'text';
    const [min, max] = slotRange(f.ty);
    for (let s = 0; s < slotCount(f.ty); s++) layout.slots.push({ ...p, min, max, predict: f.predict, field: i });
    if (layout.slots.length > MAX_SLOTS) throw err(f.name, 'a kind holds at most 64 slots');
  });
  if (kind.position !== null && layout.position === null) throw err('(position)', 'the position names no field');
  return layout;
}
