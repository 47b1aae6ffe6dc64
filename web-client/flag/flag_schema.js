// @ts-check
// Capture the flag's schema as this page was built for it (examples/flag/src/views.rs, protocol
// v5): game "flag", version 2; kinds "runner" (pos, team, color, label, carrying), "flag" (pos,
// team, carrier, home), "team_score" (team, captures: no position, everyone sees it) and "base"
// (pos, team, radius: no position, only in the map's features, never in a snapshot); the input
// `move_x`, `move_y` (a stick's axes, in 1/128 steps); the events "capture", "tag",
// "flag_return" and "flag_carrier" (a pickup is sent to its carrier alone); the score columns
// "captures", "tags", "returns" and "tagged". The Hello names this schema by its hash, so that a
// server of another game refuses the page (close 4014). Everything else is read from the schema
// the Welcome carried, by name: a decoded world (a snapshot's, or the map's features) becomes
// plain objects here, the input is whatever fields the schema declares (`flagInput`), an event
// becomes a feed line (`eventLine`) or a line to the player alone (`personalLine`).

import { compileSchema, fields } from '../netcode/index.js';

/**
 * @typedef {import('../netcode/schema.js').SchemaDesc} SchemaDesc
 * @typedef {import('../netcode/schema.js').Schema} Schema
 * @typedef {import('../netcode/schema.js').FieldDesc} FieldDesc
 * @typedef {import('../netcode/world.js').World} World
 * @typedef {import('../netcode/world.js').FieldValue} FieldValue
 * @typedef {import('../netcode/messages.js').GameEvent} GameEvent
 * @typedef {import('../netcode/messages.js').MapInfo} MapInfo
 * @typedef {'red' | 'blue'} Team
 * @typedef {{id: number, x: number, y: number, team: Team, color: number, label: string, carrying: boolean}} Runner
 *   a player's runner, in world units; `color` is 0xRRGGBB
 * @typedef {{id: number, x: number, y: number, team: Team, carrier: number, home: boolean}} Flag
 *   a team's flag; `carrier` is the carrier's entity id, 0 for none
 * @typedef {{id: number, x: number, y: number, team: Team, radius: number}} Base
 *   a team's base: its centre and radius, in world units (a map feature)
 * @typedef {{id: number, team: Team, captures: number}} TeamScore
 *   a `team_score` entity: it has no position
 * @typedef {{runners: Runner[], flags: Flag[], bases: Base[], teams: TeamScore[], scores: {red: number, blue: number}}} FlagWorld
 *   `scores` sums `teams` by team; `bases` are found in the map's world, not in a snapshot's
 * @typedef {{name: string, width: number, height: number, bases: Base[]}} FlagMap
 *   the Welcome's map: its name, size and the bases of its features
 */

const TEAM = /** @type {const} */ ({ type: 'Enum', variants: ['red', 'blue'] });
/** An entity id in an event. */
const ENTITY_ID = /** @type {const} */ ({ type: 'Int', min: 0, max: 2147483647 });
/** A field neither predicted nor interpolated. @returns {FieldDesc} */
const plain = (/** @type {string} */ name, /** @type {any} */ ty) => ({ name, ty, predict: false, interpolate: false });

/** The game's declaration, exactly as the server's `#[derive(Replicate)]` types make it. @type {SchemaDesc} */
export const FLAG_DESC = {
  game: 'flag',
  version: 2,
  kinds: [
    {
      name: 'runner',
      fields: [
        { name: 'pos', ty: { type: 'Vec2', step: 0.0625 }, predict: true, interpolate: true },
        plain('team', TEAM),
        plain('color', { type: 'Color' }),
        plain('label', { type: 'Text', maxBytes: 24 }),
        plain('carrying', { type: 'Bool' }),
      ],
      position: 0,
    },
    {
      name: 'flag',
      fields: [
        { name: 'pos', ty: { type: 'Vec2', step: 0.0625 }, predict: true, interpolate: false },
        plain('team', TEAM),
        plain('carrier', ENTITY_ID),
        plain('home', { type: 'Bool' }),
      ],
      position: 0,
    },
    {
      name: 'team_score',
      fields: [plain('team', TEAM), plain('captures', { type: 'Int', min: 0, max: 65535 })],
      position: null,
    },
    {
      name: 'base',
      fields: [plain('pos', { type: 'Vec2', step: 1 }), plain('team', TEAM), plain('radius', { type: 'Int', min: 0, max: 1024 })],
      position: null,
    },
  ],
  input: {
    fields: [plain('move_x', { type: 'Fixed', step: 0.0078125 }), plain('move_y', { type: 'Fixed', step: 0.0078125 })],
    intent: [{ type: 'Always' }, { type: 'Always' }],
  },
  events: [
    { name: 'capture', fields: [plain('runner', ENTITY_ID), plain('team', TEAM)], position: null },
    { name: 'tag', fields: [plain('tagger', ENTITY_ID), plain('carrier', ENTITY_ID), plain('flag', TEAM)], position: null },
    { name: 'flag_return', fields: [plain('flag', TEAM), plain('by', ENTITY_ID)], position: null },
    { name: 'flag_carrier', fields: [plain('runner', ENTITY_ID), plain('flag', TEAM), plain('dropped', { type: 'Bool' })], position: null },
  ],
  scores: [
    { name: 'captures', weight: 5 },
    { name: 'tags', weight: 1 },
    { name: 'returns', weight: 1 },
    { name: 'tagged', weight: 0 },
  ],
};

/** The game's schema, compiled: its `hash` is what the Hello names. @type {Schema} */
export const FLAG_SCHEMA = compileSchema(FLAG_DESC);

/** What the page reads, by kind and field, with the wire type it expects. */
const NEEDED = /** @type {const} */ ([
  ['runner', 'pos', 'Vec2'],
  ['runner', 'team', 'Enum'],
  ['runner', 'color', 'Color'],
  ['runner', 'label', 'Text'],
  ['runner', 'carrying', 'Bool'],
  ['flag', 'pos', 'Vec2'],
  ['flag', 'team', 'Enum'],
  ['flag', 'carrier', 'Int'],
  ['flag', 'home', 'Bool'],
  ['team_score', 'team', 'Enum'],
  ['team_score', 'captures', 'Int'],
  ['base', 'pos', 'Vec2'],
  ['base', 'team', 'Enum'],
  ['base', 'radius', 'Int'],
]);

/**
 * Why the page cannot show a world of `schema`, or null when it can (extra kinds and fields are
 * ignored; events and score columns are read by name, whatever they are).
 * @param {Schema} schema
 * @returns {string | null}
 */
export function flagProblem(schema) {
  const { desc } = schema;
  for (const [kind, field, type] of NEEDED) {
    const f = desc.kinds.find((k) => k.name === kind)?.fields.find((d) => d.name === field);
    if (!f) return `the server's game "${desc.game}" has no field "${field}" on kind "${kind}", which the flag page reads`;
    if (f.ty.type !== type) return `the server's game "${desc.game}" sends "${kind}.${field}" as ${f.ty.type}, not ${type}`;
  }
  return null;
}

/** @param {unknown} v @returns {Team} */
const team = (v) => (v === 'blue' ? 'blue' : 'red');

/**
 * The runners, flags, bases and team scores of a decoded (or interpolated) world, by field name:
 * a snapshot's world holds the runners, flags and team scores, the map's features the bases.
 * @param {Schema} schema
 * @param {World} world
 * @returns {FlagWorld}
 */
export function flagWorld(schema, world) {
  /** @type {FlagWorld} */
  const out = { runners: [], flags: [], bases: [], teams: [], scores: { red: 0, blue: 0 } };
  for (let i = 0; i < world.entities.length; i++) {
    const kind = schema.desc.kinds[world.entities[i].kind]?.name;
    if (kind !== 'runner' && kind !== 'flag' && kind !== 'team_score' && kind !== 'base') continue;
    const f = fields(schema, world, i);
    const id = world.entities[i].id;
    if (kind === 'team_score') {
      const t = { id, team: team(f.team), captures: Number(f.captures) };
      out.teams.push(t);
      out.scores[t.team] += t.captures;
      continue;
    }
    const [x, y] = /** @type {[number, number]} */ (f.pos);
    if (kind === 'runner') {
      out.runners.push({ id, x, y, team: team(f.team), color: Number(f.color), label: String(f.label), carrying: f.carrying === true });
    } else if (kind === 'flag') {
      out.flags.push({ id, x, y, team: team(f.team), carrier: Number(f.carrier), home: f.home === true });
    } else {
      out.bases.push({ id, x, y, team: team(f.team), radius: Number(f.radius) });
    }
  }
  return out;
}

/**
 * The map of a Welcome: its name and size, and the bases its features decode to.
 * @param {{map: MapInfo, schema: Schema}} welcome
 * @returns {FlagMap}
 */
export function flagMap(welcome) {
  const { name, width, height, world } = welcome.map;
  return { name, width, height, bases: flagWorld(welcome.schema, world).bases };
}

/**
 * The input values the page sends, for whatever fields the schema declares: the movement keys
 * for `move_x` and `move_y` (-1, 0 or 1); every other field is left at zero.
 * @param {Schema} schema
 * @param {{move_x: number, move_y: number}} keys
 * @returns {Record<string, FieldValue>}
 */
export function flagInput(schema, keys) {
  /** @type {Record<string, FieldValue>} */
  const out = {};
  for (const f of schema.desc.input.fields) {
    if (f.name === 'move_x' || f.name === 'move_y') out[f.name] = keys[f.name];
  }
  return out;
}

/** @param {FieldValue | undefined} t */
const upper = (t) => team(t).toUpperCase();

/**
 * The feed line of one of the game's events, players named by `nameOf` (entity id to name):
 * "ada captured BLUE's flag for RED", "bob tagged ada (BLUE's flag dropped)", "bob returned
 * BLUE's flag" (or "BLUE's flag went home by itself"), "ada dropped BLUE's flag", "ada has BLUE's
 * flag"; another event reads as its kind and fields.
 * @param {GameEvent} event
 * @param {(id: number) => string} nameOf
 * @returns {string}
 */
export function eventLine(event, nameOf) {
  const f = event.fields;
  const who = (/** @type {FieldValue | undefined} */ id) => nameOf(Number(id));
  switch (event.kind) {
    case 'capture': {
      const enemy = team(f.team) === 'red' ? 'blue' : 'red';
      return `${who(f.runner)} captured ${upper(enemy)}'s flag for ${upper(f.team)}`;
    }
    case 'tag':
      return `${who(f.tagger)} tagged ${who(f.carrier)} (${upper(f.flag)}'s flag dropped)`;
    case 'flag_return':
      return Number(f.by) ? `${who(f.by)} returned ${upper(f.flag)}'s flag` : `${upper(f.flag)}'s flag went home by itself`;
    case 'flag_carrier':
      return f.dropped === true ? `${who(f.runner)} dropped ${upper(f.flag)}'s flag` : `${who(f.runner)} has ${upper(f.flag)}'s flag`;
    default: {
      const rest = Object.entries(f).map(([k, v]) => `${k} ${Array.isArray(v) ? v.join(', ') : v}`);
      return [event.kind, ...rest].join(' · ');
    }
  }
}

/**
 * The line to the player alone, for an event about it that only it hears: the server sends a
 * pickup (`flag_carrier`, not dropped) to its carrier only, which reads "You have BLUE's flag:
 * bring it home!". Null for any other event, or one about someone else.
 * @param {GameEvent} event
 * @param {number | null} ownId the own runner's entity id (null: a spectator)
 * @returns {string | null}
 */
export function personalLine(event, ownId) {
  const f = event.fields;
  if (event.kind !== 'flag_carrier' || f.dropped === true || ownId === null || Number(f.runner) !== ownId) return null;
  return `You have ${upper(f.flag)}'s flag: bring it home!`;
}

/** `0xRRGGBB` as a CSS colour. @param {number} rgb @returns {string} */
export function cssColor(rgb) {
  return `#${(rgb & 0xffffff).toString(16).padStart(6, '0')}`;
}

/**
 * The HUD line: the own team, whose flag the player carries (or who carries the own team's), and
 * the runner count.
 * @param {FlagWorld} world
 * @param {number | null} ownId
 * @returns {string}
 */
export function hudLine(world, ownId) {
  const me = world.runners.find((r) => r.id === ownId);
  const count = `${world.runners.length} runner${world.runners.length === 1 ? '' : 's'}`;
  if (!me) return `watching · ${count}`;
  const enemy = me.team === 'red' ? 'blue' : 'red';
  const own = world.flags.find((f) => f.team === me.team);
  let what;
  if (me.carrying) what = `you carry ${upper(enemy)}'s flag: bring it home!`;
  else if (own && own.carrier) {
    const thief = world.runners.find((r) => r.id === own.carrier);
    what = `${thief ? thief.label : 'someone'} has your flag: tag them in your half!`;
  } else if (own && !own.home) what = 'your flag is lying out: touch it to return it';
  else what = `take ${upper(enemy)}'s flag`;
  return `you are ${upper(me.team)} · ${what} · ${count}`;
}
