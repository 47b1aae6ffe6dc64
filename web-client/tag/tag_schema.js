// @ts-check
// Tag's schema as this page was built for it (examples/tag/src/lib.rs, protocol v5): game "tag",
// version 1, kind "runner" (a position `pos`, a facing `angle`, the flag `it`) and kind "base"
// (its centre `pos` and half side `half`), the input `move_x`, `move_y` (a stick's
// axes, in 1/64 steps), the event "it" (`runner`, the new "it", and `by`, who tagged it: 0 at
// the start), the score columns "tagged" and "seconds_it". The Hello names this schema by its
// hash, so that a server of another game refuses the page (close 4014). Everything else is read
// from the schema the Welcome carried, by name: a decoded world becomes plain objects here, the
// input is whatever fields the schema declares (`tagInput`), an event becomes a feed line
// (`eventLine`), the scoreboard shows the schema's columns.

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
 * @typedef {import('../netcode/messages.js').GameEvent} GameEvent
 * @typedef {import('../netcode/world.js').FieldValue} FieldValue
 */

/** @param {string} name @param {import('../netcode/wire_type.js').WireType} ty */
function plain(name, ty) {
  return { name, ty, predict: false, interpolate: false };
}

/** An entity id in an event. */
const ENTITY_ID = /** @type {const} */ ({ type: 'Int', min: 0, max: 2147483647 });

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
  input: {
    fields: [plain('move_x', { type: 'Fixed', step: 0.015625 }), plain('move_y', { type: 'Fixed', step: 0.015625 })],
    intent: [{ type: 'Always' }, { type: 'Always' }],
  },
  events: [{ name: 'it', fields: [plain('runner', ENTITY_ID), plain('by', ENTITY_ID)], position: null }],
  scores: [
    { name: 'tagged', weight: -10 },
    { name: 'seconds_it', weight: -1 },
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
 * The input values the page sends, for whatever fields the schema declares: the movement keys
 * for `move_x` and `move_y` (-1, 0 or 1), the fire key for a Bool `fire`; every other field is
 * left at zero.
 * @param {Schema} schema
 * @param {{move_x: number, move_y: number, fire: boolean}} keys
 * @returns {Record<string, FieldValue>}
 */
export function tagInput(schema, keys) {
  /** @type {Record<string, FieldValue>} */
  const out = {};
  for (const f of schema.desc.input.fields) {
    if (f.name === 'move_x' || f.name === 'move_y') out[f.name] = keys[f.name];
    else if (f.name === 'fire' && f.ty.type === 'Bool') out.fire = keys.fire;
  }
  return out;
}

/**
 * The feed line of an event: tag's "it" event (the new "it", who tagged it) reads "ada tagged
 * bob" ("bob is it" when nobody tagged); another event whose first two fields are integers
 * (entity ids) reads "first kind second"; otherwise its kind and fields.
 * @param {GameEvent} event
 * @param {(id: number) => string} nameOf
 * @returns {string}
 */
export function eventLine(event, nameOf) {
  if (event.kind === 'it' && Number.isInteger(event.fields.runner)) {
    const by = Number(event.fields.by);
    const runner = nameOf(Number(event.fields.runner));
    return by ? `${nameOf(by)} tagged ${runner}` : `${runner} is it`;
  }
  const values = Object.values(event.fields);
  if (values.length >= 2 && Number.isInteger(values[0]) && Number.isInteger(values[1])) {
    const verb = event.kind === 'kill' ? 'tagged' : event.kind;
    return `${nameOf(Number(values[0]))} ${verb} ${nameOf(Number(values[1]))}`;
  }
  const rest = Object.entries(event.fields).map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(', ') : v}`);
  return [event.kind, ...rest].join(' · ');
}

/**
 * The HUD line: who is it, and the own score, column by column.
 * @param {TagWorld} world
 * @param {(id: number) => string} nameOf
 * @param {number | null} ownId
 * @param {Record<string, number> | undefined} ownScore the own line's columns by name
 * @returns {string}
 */
export function hudLine(world, nameOf, ownId, ownScore) {
  const it = world.runners.find((r) => r.it);
  const who = !it ? 'nobody is it' : it.id === ownId ? 'YOU are it: tag someone!' : `${nameOf(it.id)} is it: run!`;
  const columns = ownScore ? Object.entries(ownScore).map(([k, v]) => `${k} ${v}`) : [];
  const score = columns.length ? ` · you: ${columns.join(', ')}` : '';
  return `${who}${score} · ${world.runners.length} runner${world.runners.length === 1 ? '' : 's'}`;
}
