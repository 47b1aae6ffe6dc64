// @ts-check
// Capture the flag's replicated data as this page was built for it (examples/flag/src/views.rs):
// game "flag", version 1, kinds "runner" (pos, team, color, label, carrying), "flag" (pos, team,
// carrier, home), "team_score" (team, captures: no position, everyone sees it) and "base" (pos,
// team, radius). The Hello names this schema by its hash, so that a server of another game
// refuses the page (close 4014); a decoded world becomes plain objects here, every field found by
// name through the schema the Welcome carried.

import { compileSchema, fields } from '../netcode/index.js';

/**
 * @typedef {import('../netcode/schema.js').SchemaDesc} SchemaDesc
 * @typedef {import('../netcode/schema.js').Schema} Schema
 * @typedef {import('../netcode/schema.js').FieldDesc} FieldDesc
 * @typedef {import('../netcode/world.js').World} World
 * @typedef {'red' | 'blue'} Team
 * @typedef {{id: number, x: number, y: number, team: Team, color: number, label: string, carrying: boolean}} Runner
 *   a player's runner, in world units; `color` is 0xRRGGBB
 * @typedef {{id: number, x: number, y: number, team: Team, carrier: number, home: boolean}} Flag
 *   a team's flag; `carrier` is the carrier's entity id, 0 for none
 * @typedef {{id: number, x: number, y: number, team: Team, radius: number}} Base
 * @typedef {{id: number, team: Team, captures: number}} TeamScore
 *   a `team_score` entity: it has no position
 * @typedef {{runners: Runner[], flags: Flag[], bases: Base[], teams: TeamScore[], scores: {red: number, blue: number}}} FlagWorld
 *   `scores` sums `teams` by team
 */

const TEAM = { type: 'Enum', variants: ['red', 'blue'] };
/** A field neither predicted nor interpolated. @returns {FieldDesc} */
const plain = (/** @type {string} */ name, /** @type {any} */ ty) => ({ name, ty, predict: false, interpolate: false });

/** The game's declaration, exactly as the server's `#[derive(Replicate)]` types make it. @type {SchemaDesc} */
export const FLAG_DESC = {
  game: 'flag',
  version: 1,
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
        plain('carrier', { type: 'Int', min: 0, max: 2147483647 }),
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
      fields: [
        plain('pos', { type: 'Vec2', step: 1 }),
        plain('team', TEAM),
        plain('radius', { type: 'Int', min: 0, max: 1024 }),
      ],
      position: 0,
    },
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
 * ignored).
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
 * The runners, flags, bases and team scores of a decoded (or interpolated) world, by field name.
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

/** `0xRRGGBB` as a CSS colour. @param {number} rgb @returns {string} */
export function cssColor(rgb) {
  return `#${(rgb & 0xffffff).toString(16).padStart(6, '0')}`;
}

/** @param {Team} t */
const upper = (t) => t.toUpperCase();

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
