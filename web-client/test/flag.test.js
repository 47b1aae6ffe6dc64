// The capture the flag page's own logic: its schema is the Rust game's (same declaration, same
// hash), a decoded or interpolated world becomes runners, flags, bases and team scores by field
// name, a Welcome of another game is named, the HUD says whose flag the player carries; the page
// imports only the netcode package and the app's generic modules, and type-checks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { FLAG_DESC, FLAG_SCHEMA, cssColor, flagProblem, flagWorld, hudLine } from '../flag/flag_schema.js';
import { TAG_SCHEMA } from '../tag/tag_schema.js';
import { applyDelta, compileSchema, decodeSchema, encodeSchemaDesc, hashHex, interpolateWorld, makeEntity, writeDelta } from '../netcode/index.js';
import { hexToBytes } from '../codec.js';
import { decodeServerMsg } from '../messages.js';
import { loadVectors } from './vectors.js';
import { specifiers } from './imports.js';
import { assertTypeChecks } from './tsc.js';

const PAGE = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'flag');

/**
 * A world of the game's schema, as the server captures it: scores 1-2, flags 3-4, bases 5-6,
 * runners from 16.
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
    makeEntity(FLAG_SCHEMA, 5, 'base', { pos: [200, 400], team: 'red', radius: 80 }),
    makeEntity(FLAG_SCHEMA, 6, 'base', { pos: [1400, 400], team: 'blue', radius: 80 }),
  ];
  for (const [id, x, y, team, carrying] of o.runners ?? []) {
    entities.push(makeEntity(FLAG_SCHEMA, id, 'runner', { pos: [x, y], team, color: team === 'red' ? 0xe0402a : 0x3080f0, label: `p${id}`, carrying }));
  }
  return { tick, entities };
}

test("the page's schema is the server's: declaration and hash of the Rust Welcome", () => {
  const v = loadVectors().find((x) => x.name === 'server_welcome_flag');
  assert.ok(v, 'no server_welcome_flag vector (tests/vectors.rs writes it from examples/flag)');
  const welcome = decodeServerMsg(hexToBytes(v.hex));
  assert.equal(welcome.type, 'Welcome');
  if (welcome.type !== 'Welcome') return;
  assert.deepEqual(welcome.schema.desc, FLAG_DESC);
  assert.equal(hashHex(welcome.schema), hashHex(FLAG_SCHEMA));
  assert.equal(decodeSchema(encodeSchemaDesc(FLAG_DESC)).hash, FLAG_SCHEMA.hash);
  assert.notEqual(FLAG_SCHEMA.hash, TAG_SCHEMA.hash);
  // The scoreboard kind has no position: the server sends it to everyone wherever they are.
  assert.equal(welcome.schema.desc.kinds.find((k) => k.name === 'team_score')?.position, null);
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
  assert.deepEqual(got.bases.map((b) => [b.id, b.team, b.radius]), [[5, 'red', 80], [6, 'blue', 80]]);
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

test('the page imports only the netcode package and the generic modules of the app', () => {
  const allowed = /^(\.\/flag_schema\.js|\.\.\/netcode\/index\.js|\.\.\/(codec|messages|net|close|input)\.js)$/;
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
