// @ts-check
// Tag's replicated data as this page was built for it (examples/tag/src/lib.rs): game "tag",
// version 1, kind "runner" (a position `pos`, a facing `angle`, the flag `it`) and kind "base"
// (its centre `pos` and half side `half`). The Hello names this schema by its hash, so that a
// server of another game refuses the page (close 4014); a decoded world becomes plain objects
// here, every field found by name through the schema the Welcome carried.

import { compileSchema, fields } from '../netcode/index.js';

/**
 * @typedef {import('../netcode/schema.js').SchemaDesc} SchemaDesc
 * @typedef {import('../netcode/schema.js').Schema} Schema
 * @typedef {import('../netcode/world.js').World} World
 * @typedef {{id: number, x: number, y: number, angle: number, it: boolean}} Runner
 *   a runner in world units and radians
 * @typedef {{id: number, x: number, y: number, half: number}} Base
 *   the safe square: its centre and half side, in world units
 * @typedef {{runners: Runner[], base: Base | null}} TagWorld
 */

/** Tag's declaration, exactly as the server's `#[derive(Replicate)]` types make it. @type {SchemaDesc} */
export const TAG_DESC = {
  game: 'tag',
  version: 1,
  kinds: [
    {
      name: 'runner',
      fields: [
        { name: 'pos', ty: { type: 'Vec2', step: 0.0625 }, predict: true, interpolate: true },
        { name: 'angle', ty: { type: 'Angle', bits: 8 }, predict: false, interpolate: true },
        { name: 'it', ty: { type: 'Bool' }, predict: false, interpolate: false },
      ],
      position: 0,
    },
    {
      name: 'base',
      fields: [
        { name: 'pos', ty: { type: 'Vec2', step: 1 }, predict: false, interpolate: false },
        { name: 'half', ty: { type: 'Int', min: 0, max: 1024 }, predict: false, interpolate: false },
      ],
      position: 0,
    },
  ],
};

/** Tag's schema, compiled: its `hash` is what the Hello names. @type {Schema} */
export const TAG_SCHEMA = compileSchema(TAG_DESC);

/** What the page reads, by kind and field, with the wire type it expects. */
const NEEDED = /** @type {const} */ ([
  ['runner', 'pos', 'Vec2'],
  ['runner', 'it', 'Bool'],
  ['base', 'pos', 'Vec2'],
  ['base', 'half', 'Int'],
]);

/**
 * Why the page cannot show a world of `schema`, or null when it can (extra kinds and fields are
 * ignored).
 * @param {Schema} schema
 * @returns {string | null}
 */
export function tagProblem(schema) {
  const { desc } = schema;
  for (const [kind, field, type] of NEEDED) {
    const f = desc.kinds.find((k) => k.name === kind)?.fields.find((d) => d.name === field);
    if (!f) return `the server's game "${desc.game}" has no field "${field}" on kind "${kind}", which the tag page reads`;
    if (f.ty.type !== type) return `the server's game "${desc.game}" sends "${kind}.${field}" as ${f.ty.type}, not ${type}`;
  }
  return null;
}

/**
 * The runners and the base of a decoded (or interpolated) world, fields read by name.
 * @param {Schema} schema
 * @param {World} world
 * @returns {TagWorld}
 */
export function tagWorld(schema, world) {
  /** @type {TagWorld} */
  const out = { runners: [], base: null };
  for (let i = 0; i < world.entities.length; i++) {
    const kind = schema.desc.kinds[world.entities[i].kind]?.name;
    if (kind !== 'runner' && kind !== 'base') continue;
    const f = fields(schema, world, i);
    const [x, y] = /** @type {[number, number]} */ (f.pos);
    const id = world.entities[i].id;
    if (kind === 'runner') out.runners.push({ id, x, y, angle: Number(f.angle ?? 0), it: f.it === true });
    else out.base = { id, x, y, half: Number(f.half) };
  }
  return out;
}

/**
 * The HUD line: who is it, and the own tags.
 * @param {TagWorld} world
 * @param {(id: number) => string} nameOf
 * @param {number | null} ownId
 * @param {{kills: number, deaths: number} | undefined} ownScore
 * @returns {string}
 */
export function hudLine(world, nameOf, ownId, ownScore) {
  const it = world.runners.find((r) => r.it);
  const who = !it ? 'nobody is it' : it.id === ownId ? 'YOU are it: tag someone!' : `${nameOf(it.id)} is it: run!`;
  const score = ownScore ? ` · you tagged ${ownScore.kills}, were tagged ${ownScore.deaths}` : '';
  return `${who}${score} · ${world.runners.length} runner${world.runners.length === 1 ? '' : 's'}`;
}
