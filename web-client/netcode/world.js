// @ts-check
// A quantized world of any schema (crates/protocol/src/replication/world.rs): entities sorted by
// id, each with its kind, its slot values (as the kind's layout orders them) and its texts. A text
// slot holds the index of its text among its entity's texts.
//
// `fields` reads an entity the way a game wants it: by field name, in the game's units.

import { dequantize, quantize, slotCount } from './wire_type.js';

/**
 * @typedef {{id: number, kind: number, slots: number[], texts: string[]}} Entity
 *   one entity: its id (u32), its kind's index, its slots (i32 each), its texts
 * @typedef {{tick: number, entities: Entity[]}} World
 *   a world at a tick (u32), its entities in strictly increasing id order
 * @typedef {import('./schema.js').Schema} Schema
 * @typedef {import('./schema.js').FieldDesc} FieldDesc
 * @typedef {number | boolean | string | [number, number]} FieldValue
 *   a field's value in the game's units
 */

/** An empty world at `tick`. @param {number} tick @returns {World} */
export function emptyWorld(tick) {
  return { tick, entities: [] };
}

/**
 * The index of the entity with this id, by binary search, or -1.
 * @param {World} world @param {number} id
 * @returns {number}
 */
export function findEntity(world, id) {
  let lo = 0;
  let hi = world.entities.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const at = world.entities[mid].id;
    if (at === id) return mid;
    if (at < id) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}

/**
 * Text number `k` of an entity (the value of one of its text slots); empty when there is none.
 * @param {Entity} e @param {number} k
 * @returns {string}
 */
export function textOf(e, k) {
  return Number.isInteger(k) && k >= 0 && k < e.texts.length ? e.texts[k] : '';
}

/**
 * A copy of an entity (its slots and texts too).
 * @param {Entity} e
 * @returns {Entity}
 */
export function copyEntity(e) {
  return { id: e.id, kind: e.kind, slots: e.slots.slice(), texts: e.texts.slice() };
}

/**
 * Reads entity `i` of `world` by field name, in the game's units: a fixed-point number times its
 * step, a vector as `[x, y]`, an angle in radians in (-pi, pi], an integer, a boolean, an enum's
 * variant name, a colour as 0xRRGGBB, a text as a string.
 * @param {Schema} schema @param {World} world @param {number} i
 * @returns {Record<string, FieldValue>}
 */
export function fields(schema, world, i) {
  const e = world.entities[i];
  const kind = e && schema.desc.kinds[e.kind];
  if (!kind) throw new RangeError(`no entity ${i} of a kind the schema declares`);
  return readValues(kind.fields, e.slots, e.texts);
}

/**
 * Field values by name, in the game's units (as {@link fields} gives them), from slot values in
 * the fields' order (a text slot holding its text's index among `texts`).
 * @param {FieldDesc[]} fieldDescs @param {ArrayLike<number>} slots @param {string[]} texts
 * @returns {Record<string, FieldValue>}
 */
export function readValues(fieldDescs, slots, texts) {
  /** @type {Record<string, FieldValue>} */
  const out = {};
  let slot = 0;
  for (const f of fieldDescs) {
    const q = slots[slot] ?? 0;
    const ty = f.ty;
    if (ty.type === 'Vec2') out[f.name] = [dequantize(ty, q), dequantize(ty, slots[slot + 1] ?? 0)];
    else if (ty.type === 'Bool') out[f.name] = q !== 0;
    else if (ty.type === 'Enum') out[f.name] = ty.variants[q] ?? '';
    else if (ty.type === 'Text') out[f.name] = Number.isInteger(q) && q >= 0 && q < texts.length ? texts[q] : '';
    else out[f.name] = dequantize(ty, q);
    slot += slotCount(ty);
  }
  return out;
}

/**
 * Slot values (and texts) from field values in the game's units, quantized as the server
 * quantizes them. A field left out is zero (an empty text, an enum's first variant, an integer's
 * nearest value to 0).
 * @param {FieldDesc[]} fieldDescs @param {Record<string, FieldValue | undefined>} values
 * @returns {{slots: number[], texts: string[]}}
 */
export function writeValues(fieldDescs, values) {
  /** @type {number[]} */
  const slots = [];
  /** @type {string[]} */
  const texts = [];
  for (const f of fieldDescs) {
    const v = values[f.name];
    const ty = f.ty;
    if (ty.type === 'Vec2') {
      const [x, y] = Array.isArray(v) ? v : [0, 0];
      slots.push(quantize(ty, x), quantize(ty, y));
    } else if (ty.type === 'Text') {
      slots.push(texts.length);
      texts.push(typeof v === 'string' ? v : '');
    } else if (ty.type === 'Enum') {
      slots.push(typeof v === 'string' ? Math.max(0, ty.variants.indexOf(v)) : quantize(ty, Number(v ?? 0)));
    } else {
      slots.push(quantize(ty, Number(v ?? 0)));
    }
  }
  return { slots, texts };
}

/**
 * Builds an entity of the kind called `kind` from field values in the game's units (as
 * {@link fields} gives them), quantized as the server quantizes them. A field left out is zero
 * (an empty text, an enum's first variant).
 * @param {Schema} schema @param {number} id @param {string} kind
 * @param {Record<string, FieldValue>} values
 * @returns {Entity}
 */
export function makeEntity(schema, id, kind, values) {
  const k = schema.desc.kinds.findIndex((d) => d.name === kind);
  if (k < 0) throw new RangeError(`the schema has no kind ${JSON.stringify(kind)}`);
  return { id, kind: k, ...writeValues(schema.desc.kinds[k].fields, values) };
}
