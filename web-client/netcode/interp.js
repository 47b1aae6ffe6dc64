// @ts-check
// Interpolation of any schema's entities between two snapshots: every slot of a field the schema
// marks `interpolate` (numbers, vectors, angles) is blended, an angle the short way round (an
// exact half turn goes the negative way, as the wire's residuals do); every other slot (integers
// not marked, booleans, enums, colours, texts) shows the older state before halfway and the newer
// one from there. Blended slots are fractional: read them with `fields`, which dequantizes them
// into the game's units as it does whole ones.

/**
 * @typedef {import('./schema.js').Schema} Schema
 * @typedef {import('./world.js').World} World
 * @typedef {import('./world.js').Entity} Entity
 * @typedef {{lerp: boolean, wrap: number | null}} SlotBlend
 *   how one slot blends: linearly or not at all, and an angle's turn in slot units
 */

/** @type {WeakMap<Schema, SlotBlend[][]>} */
const plans = new WeakMap();

/**
 * How each slot of each kind blends, by kind index.
 * @param {Schema} schema
 * @returns {SlotBlend[][]}
 */
export function blendPlan(schema) {
  let plan = plans.get(schema);
  if (plan) return plan;
  plan = schema.layouts.map((layout, k) =>
    layout.slots.map((slot) => {
      const field = schema.desc.kinds[k].fields[slot.field];
      return { lerp: field.interpolate, wrap: slot.wrap === null ? null : 2 ** slot.wrap };
    }),
  );
  plans.set(schema, plan);
  return plan;
}

/**
 * One slot between `a` and `b` at `t` (0 gives `a`, 1 gives `b`, above 1 goes on past `b`).
 * @param {SlotBlend} how @param {number} a @param {number} b @param {number} t
 * @returns {number}
 */
export function blendSlot(how, a, b, t) {
  if (!how.lerp) return t < 0.5 ? a : b;
  if (how.wrap === null) return a + (b - a) * t;
  const turn = how.wrap;
  let d = (b - a) % turn;
  if (d >= turn / 2) d -= turn;
  else if (d < -turn / 2) d += turn;
  const v = (a + d * t) % turn;
  return v < 0 ? v + turn : v;
}

/**
 * Entity `b` as it was a fraction `t` of the way from its older state `a` (same id and kind;
 * without one, or of another kind, `b` as it is).
 * @param {Schema} schema @param {Entity | null | undefined} a @param {Entity} b @param {number} t
 * @returns {Entity}
 */
export function interpolateEntity(schema, a, b, t) {
  if (!a || a.kind !== b.kind) return b;
  const plan = blendPlan(schema)[b.kind];
  if (!plan) return b;
  const slots = b.slots.map((v, i) => (plan[i] ? blendSlot(plan[i], a.slots[i], v, t) : v));
  return { id: b.id, kind: b.kind, slots, texts: t < 0.5 ? a.texts : b.texts };
}

/**
 * The world a fraction `t` of the way from `older` to `newer`: `newer`'s entities, each blended
 * from its state in `older` where it had one (entities only in `older` are gone).
 * @param {Schema} schema @param {World} older @param {World} newer @param {number} t
 * @returns {World}
 */
export function interpolateWorld(schema, older, newer, t) {
  const prev = older.entities;
  let p = 0;
  const entities = newer.entities.map((e) => {
    while (p < prev.length && prev[p].id < e.id) p++;
    return interpolateEntity(schema, p < prev.length && prev[p].id === e.id ? prev[p] : null, e, t);
  });
  return { tick: newer.tick, entities };
}
