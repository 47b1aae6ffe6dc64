// @ts-check
// The arena's replicated data as this page was built for it (crates/arena/src/replicated.rs):
// game "arena", version 1, kinds "player", "bot" and "projectile", each with a position `pos`, a
// facing `angle` and hit points `hp`. The Hello names this schema by its hash, so that a server
// running another game refuses the page with a clear reason (close 4014); the Welcome's schema is
// then checked for what the page reads by name (`arenaProblem`).

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

/** The arena's declaration, exactly as the server's. @type {SchemaDesc} */
export const ARENA_DESC = {
  game: 'arena',
  version: 1,
  kinds: ARENA_KINDS.map((name) => ({ name, fields: arenaFields(), position: 0 })),
};

/** The arena's schema, compiled: its `hash` is what the Hello names. @type {Schema} */
export const ARENA_SCHEMA = compileSchema(ARENA_DESC);

/** What the page reads of each kind, by name, with the wire type it expects. */
const NEEDED = /** @type {const} */ ([
  ['pos', 'Vec2'],
  ['angle', 'Angle'],
  ['hp', 'Int'],
]);

/**
 * Why the page cannot show a world of `schema` (a kind or field it reads is missing, or of
 * another type), or null when it can. Extra kinds and fields are fine: the page ignores them.
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
  return null;
}
