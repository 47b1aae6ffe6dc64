// @ts-check
// A game's schema (crates/protocol/src/replication/schema.rs, protocol v5): the declaration as it
// travels (SchemaDesc, in bincode: the entity kinds, the input a player sends each tick with each
// field's intent rule, the event kinds, the score columns), checked as `Schema::new` checks it and
// compiled into the slot tables the delta and record codecs walk, and named by its hash (FNV-1a 64
// over its bincode bytes).

import { Reader, Writer, fnv1a64, utf8Bytes } from './bincode.js';
import { DecodeError } from './error.js';
import { packing, readWireType, slotCount, slotRange, wireTypeProblem, writeWireType } from './wire_type.js';

/** Most entity kinds a schema may declare. */
export const MAX_KINDS = 256;
/** Most slots one kind may hold (a vector takes two). */
export const MAX_SLOTS = 64;
/** Longest name (of a game, kind, field, enum variant, event or score column), in bytes. */
export const MAX_SCHEMA_NAME = 64;
/** Most fields a game's input may declare. */
export const MAX_INPUT_FIELDS = 64;
/** Most event kinds a schema may declare. */
export const MAX_EVENT_KINDS = 256;
/** Most score columns a schema may declare. */
export const MAX_SCORE_COLUMNS = 16;

/**
 * @typedef {import('./wire_type.js').WireType} WireType
 * @typedef {import('./wire_type.js').Packing} Packing
 * @typedef {{name: string, ty: WireType, predict: boolean, interpolate: boolean}} FieldDesc
 * @typedef {{name: string, fields: FieldDesc[], position: number | null}} KindDesc
 * @typedef {{type: 'Always'} | {type: 'Never'} | {type: 'When', field: number}} Intent
 *   when an input field counts for the same-intent rule: always, never, or while the Bool input
 *   field `field` is true (the Rust enum `Intent { Always, Never, When(u8) }`)
 * @typedef {{fields: FieldDesc[], intent: Intent[]}} InputDesc
 *   what a player sends each tick: its fields, and one intent rule per field
 * @typedef {{name: string, weight: number}} ScoreColumn
 *   a scoreboard column; a score line's rating is the sum of each column times its weight
 * @typedef {{game: string, version: number, kinds: KindDesc[], input: InputDesc, events: KindDesc[],
 *   scores: ScoreColumn[]}} SchemaDesc
 * @typedef {Packing & {min: number, max: number, predict: boolean, field: number}} SlotInfo
 *   one slot of a kind, as the codec sees it; `field` indexes the kind's fields
 * @typedef {{slots: SlotInfo[], position: {slot: number, step: number} | null, hasText: boolean}} KindLayout
 *   a kind compiled for the codec: its slots in order, where its position is, whether it has text
 * @typedef {{fields: FieldDesc[], slots: SlotInfo[], hasText: boolean, firstSlot: number[]}} RecordLayout
 *   a record's fields compiled for the record codec: its slots in order and where each field's
 *   first slot is
 * @typedef {{desc: SchemaDesc, hash: bigint, layouts: KindLayout[], predicts: boolean,
 *   input: RecordLayout, events: RecordLayout[]}} Schema
 *   a checked schema: its declaration, its hash, its kinds' slot tables (by kind index), whether
 *   any slot is predicted, and the record layouts of its input and of each event kind
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
  // A field takes at least 4 bytes (an empty name, a wire type, two flags).
  const fieldList = () => r.vec(4, () => ({ name: name(), ty: readWireType(r, name), predict: r.bool(), interpolate: r.bool() }));
  // A kind takes at least 3 bytes (an empty name, no fields, no position).
  const kind = () => ({ name: name(), fields: fieldList(), position: r.option(() => r.u8()) });
  const kinds = r.vec(3, kind);
  const input = { fields: fieldList(), intent: r.vec(1, () => readIntent(r)) };
  const events = r.vec(3, kind);
  // A column takes at least 2 bytes (an empty name, a weight).
  const scores = r.vec(2, () => ({ name: name(), weight: r.i32() }));
  return { game, version, kinds, input, events, scores };
}

/** The variants of `Intent` in their bincode order. */
const INTENTS = /** @type {const} */ (['Always', 'Never', 'When']);

/**
 * An intent rule (an enum: its variant index, then `When`'s field index as a u8).
 * @param {Reader} r
 * @returns {Intent}
 */
function readIntent(r) {
  const v = r.variant();
  switch (INTENTS[v]) {
    case 'Always':
      return { type: 'Always' };
    case 'Never':
      return { type: 'Never' };
    case 'When':
      return { type: 'When', field: r.u8() };
    default:
      throw new DecodeError(`intent variant ${v} is unknown`);
  }
}

/**
 * The bincode bytes of a declaration, as the Rust side writes them (the hash is taken over these).
 * @param {SchemaDesc} desc
 * @returns {Uint8Array}
 */
export function encodeSchemaDesc(desc) {
  const w = new Writer();
  /** @param {FieldDesc[]} fields */
  const fieldList = (fields) => {
    w.varint(fields.length);
    for (const f of fields) {
      w.string(f.name);
      writeWireType(w, f.ty);
      w.bool(f.predict);
      w.bool(f.interpolate);
    }
  };
  /** @param {KindDesc[]} kinds */
  const kindList = (kinds) => {
    w.varint(kinds.length);
    for (const k of kinds) {
      w.string(k.name);
      fieldList(k.fields);
      if (k.position === null) w.u8(0);
      else {
        w.u8(1);
        w.u8(k.position);
      }
    }
  };
  w.string(desc.game);
  w.varint(desc.version);
  kindList(desc.kinds);
  fieldList(desc.input.fields);
  w.varint(desc.input.intent.length);
  for (const rule of desc.input.intent) {
    w.varint(INTENTS.indexOf(rule.type));
    if (rule.type === 'When') w.u8(rule.field);
  }
  kindList(desc.events);
  w.varint(desc.scores.length);
  for (const c of desc.scores) {
    w.string(c.name);
    w.i32(c.weight);
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
  const input = compileInput(desc.input);
  if (desc.events.length > MAX_EVENT_KINDS) throw new SchemaError('events', 'a schema declares at most 256 event kinds');
  const events = desc.events.map((kind, i) => {
    const where = `event ${JSON.stringify(kind.name)}`;
    const why = nameProblem(kind.name) ?? (desc.events.slice(0, i).some((k) => k.name === kind.name) ? 'two event kinds share a name' : null);
    if (why) throw new SchemaError(where, why);
    if (kind.position !== null) throw new SchemaError(where, 'an event kind has no position');
    return toRecordLayout(kind.fields, compileKind(kind, where));
  });
  if (desc.scores.length > MAX_SCORE_COLUMNS) throw new SchemaError('scores', 'a schema declares at most 16 score columns');
  desc.scores.forEach((c, i) => {
    const why = nameProblem(c.name) ?? (desc.scores.slice(0, i).some((d) => d.name === c.name) ? 'two score columns share a name' : null);
    if (why) throw new SchemaError(`score column ${JSON.stringify(c.name)}`, why);
    if (!Number.isInteger(c.weight) || c.weight !== (c.weight | 0)) throw new SchemaError(`score column ${JSON.stringify(c.name)}`, 'a weight is an i32');
  });
  return {
    desc,
    hash: fnv1a64(encodeSchemaDesc(desc)),
    layouts,
    predicts: layouts.some((l) => l.slots.some((s) => s.predict)),
    input,
    events,
  };
}

/**
 * Checks a game's input declaration and compiles its record layout: at most 64 fields, compiled
 * as a kind's fields are, one intent rule per field, a `When` naming a Bool field other than its
 * own.
 * @param {InputDesc} input
 * @returns {RecordLayout}
 */
function compileInput(input) {
  if (input.fields.length > MAX_INPUT_FIELDS) throw new SchemaError('input', 'an input declares at most 64 fields');
  const layout = toRecordLayout(input.fields, compileKind({ name: 'input', fields: input.fields, position: null }, 'input'));
  if (input.intent.length !== input.fields.length) {
    throw new SchemaError('input', `${input.intent.length} intent rules for ${input.fields.length} fields: one per field`);
  }
  input.intent.forEach((rule, i) => {
    if (rule.type !== 'When') return;
    const where = `input field ${JSON.stringify(input.fields[i].name)}`;
    const target = input.fields[rule.field];
    if (rule.field === i) throw new SchemaError(where, 'its intent rule names the field itself');
    if (!target || target.ty.type !== 'Bool') throw new SchemaError(where, `its intent rule names field ${rule.field}, which is no Bool input field`);
  });
  return layout;
}

/**
 * The layout of a record of `fields`, from their compiled kind layout.
 * @param {FieldDesc[]} fields @param {KindLayout} kind
 * @returns {RecordLayout}
 */
function toRecordLayout(fields, kind) {
  /** @type {number[]} */
  const firstSlot = [];
  kind.slots.forEach((s, i) => {
    if (firstSlot.length === s.field) firstSlot.push(i);
  });
  return { fields, slots: kind.slots, hasText: kind.hasText, firstSlot };
}

/**
 * Compiles a record's field list as the kind compiler compiles a kind's fields (names, wire
 * types, at most 64 slots); throws a SchemaError naming the field at fault.
 * @param {FieldDesc[]} fields
 * @returns {RecordLayout}
 */
export function compileRecordLayout(fields) {
  return toRecordLayout(fields, compileKind({ name: 'record', fields, position: null }, 'record'));
}

/** The index of the event kind called `name`, or -1. @param {Schema} schema @param {string} name */
export function eventIndex(schema, name) {
  return schema.desc.events.findIndex((k) => k.name === name);
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

/**
 * @param {KindDesc} kind @param {string} [where] how errors name the kind
 * @returns {KindLayout}
 */
function compileKind(kind, where = `kind ${JSON.stringify(kind.name)}`) {
  /** @param {string} field @param {string} why */
  const err = (field, why) => new SchemaError(`${where} field ${JSON.stringify(field)}`, why);
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
