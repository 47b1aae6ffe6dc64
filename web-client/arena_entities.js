// @ts-check
// A decoded world of the arena's schema (netcode World) as the plain objects the rest of the page
// draws, interpolates, predicts and follows: `{id, kind, x, y, angle, hp}` with `kind` the schema's
// kind name ('player', 'bot', 'projectile'), x and y in world units, the angle in radians in
// (-pi, pi], hp an integer. Fields are found by name through the schema, once per schema.

import { dequantize } from './netcode/index.js';
import { POS_STEPS } from './arena_schema.js';

/**
 * @typedef {import('./netcode/schema.js').Schema} Schema
 * @typedef {import('./netcode/world.js').World} World
 * @typedef {import('./netcode/world.js').Entity} Entity
 * @typedef {import('./netcode/wire_type.js').WireType} WireType
 * @typedef {{id: number, kind: string, x: number, y: number, angle: number, hp: number}} ArenaEntity
 * @typedef {{name: string, pos: number, posTy: WireType, angle: number, angleTy: WireType | null,
 *   hp: number, hpTy: WireType | null}} KindReader
 *   where a kind's fields sit among its slots (-1: the kind lacks it)
 */

/** @type {WeakMap<Schema, KindReader[]>} */
const readers = new WeakMap();

/** @param {Schema} schema @returns {KindReader[]} */
function kindReaders(schema) {
  let out = readers.get(schema);
  if (out) return out;
  out = schema.desc.kinds.map((kind) => {
    /** @type {KindReader} */
    const r = { name: kind.name, pos: -1, posTy: { type: 'Vec2', step: 1 / POS_STEPS }, angle: -1, angleTy: null, hp: -1, hpTy: null };
    let slot = 0;
    for (const f of kind.fields) {
      if (f.name === 'pos' && f.ty.type === 'Vec2') [r.pos, r.posTy] = [slot, f.ty];
      else if (f.name === 'angle' && f.ty.type === 'Angle') [r.angle, r.angleTy] = [slot, f.ty];
      else if (f.name === 'hp' && f.ty.type === 'Int') [r.hp, r.hpTy] = [slot, f.ty];
      slot += f.ty.type === 'Vec2' ? 2 : 1;
    }
    return r;
  });
  readers.set(schema, out);
  return out;
}

/**
 * The arena's entities of a decoded world, in id order. Entities of kinds without a position are
 * left out; a kind without an angle faces 0, one without hit points has 0.
 * @param {Schema} schema
 * @param {World} world
 * @returns {ArenaEntity[]}
 */
export function arenaEntities(schema, world) {
  /** @type {ArenaEntity[]} */
  const out = [];
  for (const e of world.entities) {
    const a = arenaEntity(schema, e);
    if (a) out.push(a);
  }
  return out;
}

/**
 * One entity (its slots may be fractional: an interpolated one) as the page reads it, or null for
 * a kind without a position.
 * @param {Schema} schema
 * @param {Entity} e
 * @returns {ArenaEntity | null}
 */
export function arenaEntity(schema, e) {
  const k = kindReaders(schema)[e.kind];
  if (!k || k.pos < 0) return null;
  return {
    id: e.id,
    kind: k.name,
    x: dequantize(k.posTy, e.slots[k.pos]),
    y: dequantize(k.posTy, e.slots[k.pos + 1]),
    angle: k.angleTy ? dequantize(k.angleTy, e.slots[k.angle]) : 0,
    hp: k.hpTy ? dequantize(k.hpTy, e.slots[k.hp]) : 0,
  };
}

/**
 * An entity as `window.tickwire.world()` shows it: as the server quantized it (x, y in 1/16
 * units, the angle in 1/256 turns, 0 = +x, 64 = +y).
 * @param {ArenaEntity} e
 * @returns {ArenaEntity}
 */
export function quantized(e) {
  return {
    id: e.id,
    kind: e.kind,
    x: Math.round(e.x * POS_STEPS),
    y: Math.round(e.y * POS_STEPS),
    angle: Math.round((e.angle * 128) / Math.PI) & 255,
    hp: e.hp,
  };
}
