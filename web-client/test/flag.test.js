// The capture the flag page's own logic: its schema is the Rust game's (same declaration, same
// hash, read from the server's Welcome vector, whose map features hold the two bases), a decoded
// or interpolated world becomes runners, flags and team scores by field name, the keys become the
// schema's input record, the game's events become feed lines (and a pickup a line to its carrier
// alone), the score columns are the schema's; a Welcome of another game is named, the HUD says
// whose flag the player carries; the page imports only the netcode package and the app's input
// module, and type-checks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { FLAG_DESC, FLAG_SCHEMA, cssColor, eventLine, flagInput, flagMap, flagProblem, flagWorld, hudLine, personalLine } from '../flag/flag_schema.js';
import { TAG_SCHEMA } from '../tag/tag_schema.js';
import {
  applyDelta,
  byColumn,
  compileSchema,
  decodeClientMsg,
  decodeSchema,
  decodeServerMsg,
  encodeClientMsg,
  encodeSchemaDesc,
  fromHex as hexToBytes,
  hashHex,
  inputMsg,
  interpolateWorld,
  makeEntity,
  readRecord,
  scoreRating,
  writeDelta,
  writeRecord,
} from '../netcode/index.js';
import { loadVectors } from './vectors.js';
import { specifiers } from './imports.js';
import { assertTypeChecks } from './tsc.js';

const PAGE = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'flag');

/**
 * A world of the game's schema, as the server captures it: scores 1-2, flags 3-4, runners from
 * 16 (the bases are the map's, not the snapshots').
 * @param {number} tick
 * @param {{red?: number, blue?: number, carrier?: number, runners?: [number, number, number, string, boolean][]}} o
 *   runners as `[id, x, y, team, carrying]`; `carrier` holds blue's flag
 */
function worldOf(tick, o) {
  const entities = [
    makeEntity(FLAG_SCHEMA, 1, 'team_score', { team: 'red', captures: o.red ?? 0 }),
    makeEntity(FLAG_SCHEMA, 2, 'team_score', { team: 'blue', captures: o.blue ?? 0 }),
    makeEntity(FLAG_SCHEMA, 3, 'flag', { pos: [200, 400], team: 'red', carrier: 0, home: true }),
    makeEntity(FLAG_SCHEMA, 4, 'flag', { pos: [1400, 400], team: 'blue', carrier: o.carrier ?? 0, home: !o.carrier }),
  ];
  for (const [id, x, y, team, carrying] of o.runners ?? []) {
    entities.push(makeEntity(FLAG_SCHEMA, id, 'runner', { pos: [x, y], team, color: team === 'red' ? 0xe0402a : 0x3080f0, label: `p${id}`, carrying }));
  }
  return { tick, entities };
}

/** The server's flag Welcome, from the vector tests/vectors.rs writes. */
function flagWelcome() {
  const v = loadVectors().find((x) => x.name === 'server_welcome_flag');
  assert.ok(v, 'no server_welcome_flag vector (tests/vectors.rs writes it from examples/flag)');
  const welcome = decodeServerMsg(hexToBytes(v.hex));
  assert.equal(welcome.type, 'Welcome');
  if (welcome.type !== 'Welcome') throw new Error('not a Welcome');
  return welcome;
}

test("the page's schema is the server's: declaration and hash of the Rust Welcome", () => {
  const welcome = flagWelcome();
  assert.deepEqual(welcome.schema.desc, FLAG_DESC);
  assert.equal(hashHex(welcome.schema), hashHex(FLAG_SCHEMA));
  assert.equal(decodeSchema(encodeSchemaDesc(FLAG_DESC)).hash, FLAG_SCHEMA.hash);
  assert.notEqual(FLAG_SCHEMA.hash, TAG_SCHEMA.hash);
  assert.equal(FLAG_DESC.version, 2);
  // The scoreboard kind has no position: the server sends it to everyone wherever they are; nor
  // has the base, which is the map's.
  assert.equal(welcome.schema.desc.kinds.find((k) => k.name === 'team_score')?.position, null);
  assert.equal(welcome.schema.desc.kinds.find((k) => k.name === 'base')?.position, null);
});

test("the Welcome's map features are the two bases", () => {
  const map = flagMap(flagWelcome());
  assert.deepEqual(map, {
    name: 'flag-field',
    width: 1600,
    height: 800,
    bases: [
      { id: 1, x: 200, y: 400, team: 'red', radius: 80 },
      { id: 2, x: 1400, y: 400, team: 'blue', radius: 80 },
    ],
  });
});

test('a decoded world becomes runners, flags, bases and team scores, fields by name', () => {
  const w = worldOf(10, { red: 2, blue: 1, carrier: 16, runners: [[16, 1390.5, 401, 'red', true], [17, 900, 100.0625, 'blue', false]] });
  const got = flagWorld(FLAG_SCHEMA, applyDelta(FLAG_SCHEMA, writeDelta(FLAG_SCHEMA, {}, w), {}));
  assert.deepEqual(got.scores, { red: 2, blue: 1 });
  assert.deepEqual(got.teams, [{ id: 1, team: 'red', captures: 2 }, { id: 2, team: 'blue', captures: 1 }]);
  assert.deepEqual(got.flags, [
    { id: 3, x: 200, y: 400, team: 'red', carrier: 0, home: true },
    { id: 4, x: 1400, y: 400, team: 'blue', carrier: 16, home: false },
  ]);
  assert.deepEqual(got.bases, []);
  assert.deepEqual(got.runners, [
    { id: 16, x: 1390.5, y: 401, team: 'red', color: 0xe0402a, label: 'p16', carrying: true },
    { id: 17, x: 900, y: 100.0625, team: 'blue', color: 0x3080f0, label: 'p17', carrying: false },
  ]);
  assert.equal(cssColor(0xe0402a), '#e0402a');
  assert.equal(cssColor(0x0000ff), '#0000ff');
});

test('interpolated runners blend their position; carrying, carrier and scores switch, never blend', () => {
  const a = worldOf(10, { runners: [[16, 1300, 400, 'red', false]] });
  const b = worldOf(12, { red: 1, carrier: 16, runners: [[16, 1340, 400, 'red', true]] });
  const early = flagWorld(FLAG_SCHEMA, interpolateWorld(FLAG_SCHEMA, a, b, 0.25));
  assert.deepEqual([early.runners[0].x, early.runners[0].carrying, early.flags[1].carrier, early.scores.red], [1310, false, 0, 0]);
  const late = flagWorld(FLAG_SCHEMA, interpolateWorld(FLAG_SCHEMA, a, b, 0.75));
  assert.deepEqual([late.runners[0].x, late.runners[0].carrying, late.flags[1].carrier, late.scores.red], [1330, true, 16, 1]);
  assert.equal(late.runners[0].label, 'p16');
});

test("another game's schema is named, not drawn", () => {
  assert.equal(flagProblem(FLAG_SCHEMA), null);
  assert.match(String(flagProblem(TAG_SCHEMA)), /game "tag" has no field "team" on kind "runner"/);
  const desc = structuredClone(FLAG_DESC);
  desc.kinds[1].fields[2] = { name: 'carrier', ty: { type: 'Bool' }, predict: false, interpolate: false };
  assert.match(String(flagProblem(compileSchema(desc))), /"flag.carrier" as Bool, not Int/);
});

test('the HUD says whose flag the player carries, or who has theirs', () => {
  const runners = /** @type {[number, number, number, string, boolean][]} */ ([[16, 0, 0, 'red', true], [17, 9, 9, 'blue', false]]);
  const carried = flagWorld(FLAG_SCHEMA, worldOf(1, { carrier: 16, runners }));
  assert.equal(hudLine(carried, 16), "you are RED · you carry BLUE's flag: bring it home! · 2 runners");
  assert.equal(hudLine(carried, 17), 'you are BLUE · p16 has your flag: tag them in your half! · 2 runners');
  const calm = flagWorld(FLAG_SCHEMA, worldOf(1, { runners: [[16, 0, 0, 'red', false]] }));
  assert.equal(hudLine(calm, 16), "you are RED · take BLUE's flag · 1 runner");
  assert.equal(hudLine(calm, null), 'watching · 1 runner');
});

test('the keys are a record of the schema\'s input fields', () => {
  const values = flagInput(FLAG_SCHEMA, { move_x: -1, move_y: 1 });
  assert.deepEqual(values, { move_x: -1, move_y: 1 });
  const msg = inputMsg(FLAG_SCHEMA, 7, 90, values);
  assert.deepEqual(readRecord(FLAG_SCHEMA.input, msg.data), { move_x: -1, move_y: 1 });
  const back = decodeClientMsg(encodeClientMsg(msg));
  assert.equal(back.type, 'Input');
  if (back.type === 'Input') assert.deepEqual([back.seq, back.view_tick, [...back.data]], [7, 90, [...msg.data]]);
  // A schema with other input fields gets the keys it names, and nothing else.
  const desc = structuredClone(FLAG_DESC);
  desc.input.fields = [desc.input.fields[1], { name: 'sprint', ty: { type: 'Bool' }, predict: false, interpolate: false }];
  assert.deepEqual(flagInput(compileSchema(desc), { move_x: 1, move_y: -1 }), { move_y: -1 });
});

test("the game's events become feed lines with names; a pickup is a line to its carrier", () => {
  const names = (/** @type {number} */ id) => ({ 16: 'ada', 17: 'bob' })[id] ?? `#${id}`;
  /** @param {string} kind @param {Record<string, any>} fields */
  const through = (kind, fields) => {
    // As the server writes it and the package reads it.
    const i = FLAG_SCHEMA.desc.events.findIndex((k) => k.name === kind);
    return { kind, fields: readRecord(FLAG_SCHEMA.events[i], writeRecord(FLAG_SCHEMA.events[i], fields)) };
  };
  assert.equal(eventLine(through('capture', { runner: 16, team: 'red' }), names), "ada captured BLUE's flag for RED");
  assert.equal(eventLine(through('tag', { tagger: 17, carrier: 16, flag: 'blue' }), names), "bob tagged ada (BLUE's flag dropped)");
  assert.equal(eventLine(through('flag_return', { flag: 'blue', by: 17 }), names), "bob returned BLUE's flag");
  assert.equal(eventLine(through('flag_return', { flag: 'red', by: 0 }), names), "RED's flag went home by itself");
  assert.equal(eventLine(through('flag_carrier', { runner: 16, flag: 'blue', dropped: true }), names), "ada dropped BLUE's flag");
  assert.equal(eventLine(through('flag_carrier', { runner: 18, flag: 'red', dropped: false }), names), "#18 has RED's flag");
  assert.equal(eventLine({ kind: 'bump', fields: { at: [1, 2], hard: true } }, names), 'bump · at 1, 2 · hard true');

  const pickup = through('flag_carrier', { runner: 16, flag: 'blue', dropped: false });
  assert.equal(personalLine(pickup, 16), "You have BLUE's flag: bring it home!");
  assert.equal(personalLine(pickup, 17), null);
  assert.equal(personalLine(pickup, null), null);
  assert.equal(personalLine(through('flag_carrier', { runner: 16, flag: 'blue', dropped: true }), 16), null);
  assert.equal(personalLine(through('capture', { runner: 16, team: 'red' }), 16), null);
});

test('the score columns are the schema\'s, with their weights', () => {
  assert.deepEqual(FLAG_SCHEMA.desc.scores.map((c) => c.name), ['captures', 'tags', 'returns', 'tagged']);
  assert.deepEqual(byColumn(FLAG_SCHEMA, [1, 2, 3, 4]), { captures: 1, tags: 2, returns: 3, tagged: 4 });
  // A capture is worth five tags or returns; being tagged costs nothing.
  assert.equal(scoreRating(FLAG_SCHEMA, [1, 2, 3, 4]), 10);
  assert.equal(scoreRating(FLAG_SCHEMA, [0, 0, 0, 9]), 0);
});

test('the page imports only the netcode package and the generic modules of the app', () => {
  const allowed = /^(\.\/flag_schema\.js|\.\.\/netcode\/index\.js|\.\.\/input\.js)$/;
  for (const file of ['flag.js', 'flag_schema.js']) {
    for (const spec of specifiers(readFileSync(join(PAGE, file), 'utf8'))) assert.match(spec, allowed, `${file} imports ${spec}`);
  }
  const html = readFileSync(join(PAGE, 'index.html'), 'utf8');
  // The server's CSP allows scripts from the page's origin only: no inline script.
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/);
  assert.match(html, /<script type="module" src="\/flag\/flag\.js"><\/script>/);
});

test('tsc finds no type errors in the flag page', (t) => {
  assertTypeChecks(t, PAGE, 'web-client/flag');
});
