// @ts-check
// The arena's schema as this page was built for it (crates/arena, protocol v5): game "arena",
// version 1; kinds "player", "bot" and "projectile", each with a position `pos`, a facing `angle`
// and hit points `hp`, and the map's kind "wall" (`min`, `size`, no position, never in
// snapshots); the input `move_x`, `move_y` (-1, 0 or 1), `aim` (an angle, counting only while
// firing) and `fire`; the event "kill" (`killer`, `victim`: entity ids); the score columns
// "kills" (weight 1) and "deaths" (weight -1). The Hello names this schema by its hash, so that a
// server running another game refuses the page with a clear reason (close 4014); the Welcome's
// schema is then checked for what the page reads by name (`arenaProblem`).

import { compileSchema } from './netcode/index.js';

/**
 * @typedef {import('./netcode/schema.js').SchemaDesc} SchemaDesc
 * @typedef {import('./netcode/schema.js').FieldDesc} FieldDesc
 * @typedef {import('./netcode/schema.js').Schema} Schema
 */

/** The arena's kinds, in schema order. */
export const ARENA_KINDS = /** @type {const} */ (['player', 'bot', 'projectile']);

/** Fixed-point steps per world unit of a position on the wire. */
export const POS_STEPS = 16;

/** @returns {FieldDesc[]} the fields every arena kind has */
function arenaFields() {
  return [
    { name: 'pos', ty: { type: 'Vec2', step: 1 / POS_STEPS }, predict: true, interpolate: true },
    { name: 'angle', ty: { type: 'Angle', bits: 8 }, predict: false, interpolate: true },
    { name: 'hp', ty: { type: 'Int', min: 0, max: 255 }, predict: false, interpolate: false },
  ];
}

/** Bits of the input's aim angle (65536 steps a turn). */
export const AIM_BITS = 16;

/** @param {string} name @param {import('./netcode/wire_type.js').WireType} ty @returns {FieldDesc} */
function plain(name, ty) {
  return { name, ty, predict: false, interpolate: false };
}

/** An entity id in an event: any u32 the server hands out below 2^31. */
const ENTITY_ID = /** @type {const} */ ({ type: 'Int', min: 0, max: 2147483647 });

/** The arena's declaration, exactly as the server's. @type {SchemaDesc} */
export const ARENA_DESC = {
  game: 'arena',
  version: 1,
  kinds: [
    ...ARENA_KINDS.map((name) => ({ name, fields: arenaFields(), position: 0 })),
    { name: 'wall', fields: [plain('min', { type: 'Vec2', step: 0.5 }), plain('size', { type: 'Vec2', step: 0.5 })], position: null },
  ],
  input: {
    fields: [
      plain('move_x', { type: 'Int', min: -1, max: 1 }),
      plain('move_y', { type: 'Int', min: -1, max: 1 }),
      plain('aim', { type: 'Angle', bits: AIM_BITS }),
      plain('fire', { type: 'Bool' }),
    ],
    // The aim counts only for a shot (today's same-intent rule).
    intent: [{ type: 'Always' }, { type: 'Always' }, { type: 'When', field: 3 }, { type: 'Always' }],
  },
  events: [{ name: 'kill', fields: [plain('killer', ENTITY_ID), plain('victim', ENTITY_ID)], position: null }],
  scores: [
    { name: 'kills', weight: 1 },
    { name: 'deaths', weight: -1 },
  ],
};

/** The arena's schema, compiled: its `hash` is what the Hello names. @type {Schema} */
export const ARENA_SCHEMA = compileSchema(ARENA_DESC);

/** What the page reads of each kind, by name, with the wire type it expects. */
const NEEDED = /** @type {const} */ ([
  ['pos', 'Vec2'],
  ['angle', 'Angle'],
  ['hp', 'Int'],
]);

/** The input fields the page's prediction moves by: integer axes. */
const NEEDED_INPUT = /** @type {const} */ (['move_x', 'move_y']);

/**
 * Why the page cannot show a world of `schema` (a kind or field it reads is missing, or of
 * another type; the input lacks the axes it predicts by), or null when it can. Extra kinds,
 * fields, events and columns are fine: the page ignores them or shows them by name.
 * @param {Schema} schema
 * @returns {string | null}
 */
export function arenaProblem(schema) {
  const { desc } = schema;
  for (const kind of ARENA_KINDS) {
    const k = desc.kinds.find((d) => d.name === kind);
    if (!k) return `the server's game "${desc.game}" has no kind "${kind}", which this arena page draws`;
    for (const [field, type] of NEEDED) {
      const f = k.fields.find((d) => d.name === field);
      if (!f) return `the server's game "${desc.game}" has no field "${field}" on kind "${kind}", which this arena page reads`;
      if (f.ty.type !== type) {
        return `the server's game "${desc.game}" has field "${field}" of kind "${kind}" as ${f.ty.type}, where this arena page reads ${type}`;
      }
    }
  }
  for (const field of NEEDED_INPUT) {
    const f = desc.input.fields.find((d) => d.name === field);
    if (!f || f.ty.type !== 'Int') return `the server's game "${desc.game}" has no integer input field "${field}", which this arena page sends`;
  }
  return null;
}
