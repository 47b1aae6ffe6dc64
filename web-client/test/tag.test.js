// The tag page's own logic: its schema is the Rust game's (same declaration, same hash), a
// decoded or interpolated world becomes runners and a base by field name, a Welcome of another
// game is named, the HUD says who is it; the page imports only the netcode package and the app's
// generic modules, and type-checks.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { TAG_DESC, TAG_SCHEMA, eventLine, hudLine, tagInput, tagProblem, tagWorld } from '../tag/tag_schema.js';
import { ARENA_SCHEMA } from '../arena_schema.js';
import {
  applyDelta,
  compileSchema,
  decodeSchema,
  decodeServerMsg,
  encodeSchemaDesc,
  fromHex as hexToBytes,
  hashHex,
  interpolateWorld,
  makeEntity,
  writeDelta,
} from '../netcode/index.js';
import { loadVectors } from './vectors.js';
import { specifiers } from './imports.js';
import { assertTypeChecks } from './tsc.js';

const PAGE = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'tag');

/** A world of tag's schema: the base (id 1) and runners `[id, x, y, it]`. */
function tagWorldOf(/** @type {number} */ tick, /** @type {[number, number, number, boolean][]} */ runners) {
  const entities = [makeEntity(TAG_SCHEMA, 1, 'base', { pos: [512, 512], half: 40 })];
  for (const [id, x, y, it] of runners) entities.push(makeEntity(TAG_SCHEMA, id, 'runner', { pos: [x, y], angle: Math.PI / 2, it }));
  return { tick, entities };
}

test("the page's tag schema is the server's: declaration and hash of the Rust Welcome", () => {
  const v = loadVectors().find((x) => x.name === 'server_welcome_tag');
  assert.ok(v, 'no server_welcome_tag vector (tests/vectors.rs writes it from examples/tag)');
  const welcome = decodeServerMsg(hexToBytes(v.hex));
  assert.equal(welcome.type, 'Welcome');
  if (welcome.type !== 'Welcome') return;
  assert.deepEqual(welcome.schema.desc, TAG_DESC);
  assert.equal(hashHex(welcome.schema), hashHex(TAG_SCHEMA));
  assert.equal(decodeSchema(encodeSchemaDesc(TAG_DESC)).hash, TAG_SCHEMA.hash);
  assert.notEqual(TAG_SCHEMA.hash, ARENA_SCHEMA.hash);
});

test('a decoded world becomes runners and the base, fields found by name', () => {
  const w = tagWorldOf(10, [[2, 100, 200.5, false], [3, 300.0625, 40, true]]);
  // Through the wire and back, as the page gets it.
  const bytes = writeDelta(TAG_SCHEMA, {}, w);
  const got = tagWorld(TAG_SCHEMA, applyDelta(TAG_SCHEMA, bytes, {}));
  assert.deepEqual(got.base, { id: 1, x: 512, y: 512, half: 40 });
  assert.deepEqual(got.runners.map((r) => [r.id, r.x, r.y, r.it]), [[2, 100, 200.5, false], [3, 300.0625, 40, true]]);
  for (const r of got.runners) assert.ok(Math.abs(r.angle - Math.PI / 2) < 1e-9, `angle ${r.angle}`);
});

test('a schema with more kinds and fields, in another order, is read by name', () => {
  const desc = structuredClone(TAG_DESC);
  desc.kinds.reverse();
  desc.kinds[1].fields.unshift({ name: 'colour', ty: { type: 'Color' }, predict: false, interpolate: false });
  desc.kinds[1].position = 1;
  desc.kinds.push({ name: 'flag', fields: [], position: null });
  const schema = compileSchema(desc);
  assert.equal(tagProblem(schema), null);
  const world = {
    tick: 1,
    entities: [
      makeEntity(schema, 1, 'base', { pos: [500, 510], half: 30 }),
      makeEntity(schema, 4, 'runner', { colour: 0xff0000, pos: [7, 8], it: true }),
      makeEntity(schema, 5, 'flag', {}),
    ],
  };
  const got = tagWorld(schema, world);
  assert.deepEqual(got.base, { id: 1, x: 500, y: 510, half: 30 });
  assert.deepEqual(got.runners, [{ id: 4, x: 7, y: 8, angle: 0, it: true }]);
});

test('interpolated runners blend their position; "it" switches halfway, never blended', () => {
  const a = tagWorldOf(10, [[2, 100, 100, true], [3, 200, 200, false]]);
  const b = tagWorldOf(12, [[2, 120, 100, false], [3, 200, 220, true]]);
  const early = tagWorld(TAG_SCHEMA, interpolateWorld(TAG_SCHEMA, a, b, 0.25));
  assert.deepEqual(early.runners.map((r) => [r.id, r.x, r.y, r.it]), [[2, 105, 100, true], [3, 200, 205, false]]);
  const late = tagWorld(TAG_SCHEMA, interpolateWorld(TAG_SCHEMA, a, b, 0.75));
  assert.deepEqual(late.runners.map((r) => [r.id, r.it]), [[2, false], [3, true]]);
  // The base does not move between snapshots: it is not interpolated.
  assert.deepEqual(late.base, { id: 1, x: 512, y: 512, half: 40 });
});

test("another game's schema is named, not drawn", () => {
  assert.equal(tagProblem(TAG_SCHEMA), null);
  assert.match(String(tagProblem(ARENA_SCHEMA)), /game "arena" has no field "pos" on kind "runner"/);
  const desc = structuredClone(TAG_DESC);
  desc.kinds[0].fields[2] = { name: 'it', ty: { type: 'Int', min: 0, max: 1 }, predict: false, interpolate: false };
  assert.match(String(tagProblem(compileSchema(desc))), /"runner.it" as Int, not Bool/);
});

test('the HUD says who is it, to them and to the others', () => {
  const world = tagWorld(TAG_SCHEMA, tagWorldOf(1, [[2, 0, 0, false], [3, 9, 9, true]]));
  const names = (/** @type {number} */ id) => ({ 2: 'ada', 3: 'bob' })[id] ?? `#${id}`;
  assert.equal(hudLine(world, names, 2, { tagged: 1, seconds_it: 2 }), 'bob is it: run! · you: tagged 1, seconds_it 2 · 2 runners');
  assert.equal(hudLine(world, names, 3, undefined), 'YOU are it: tag someone! · 2 runners');
  assert.equal(hudLine({ runners: [], base: null }, names, null, undefined), 'nobody is it · 0 runners');
});

test('the input is whatever fields the schema declares; events become feed lines', () => {
  const keys = { move_x: 1, move_y: -1, fire: true };
  assert.deepEqual(tagInput(TAG_SCHEMA, keys), { move_x: 1, move_y: -1 });
  const desc = structuredClone(TAG_DESC);
  desc.input.fields = [
    { name: 'fire', ty: { type: 'Bool' }, predict: false, interpolate: false },
    { name: 'move_y', ty: { type: 'Fixed', step: 0.5 }, predict: false, interpolate: false },
    { name: 'emote', ty: { type: 'Int', min: 0, max: 3 }, predict: false, interpolate: false },
  ];
  desc.input.intent = [{ type: 'Always' }, { type: 'Always' }, { type: 'Never' }];
  assert.deepEqual(tagInput(compileSchema(desc), keys), { fire: true, move_y: -1 });
  const names = (/** @type {number} */ id) => ({ 2: 'ada', 3: 'bob' })[id] ?? `#${id}`;
  assert.equal(eventLine({ kind: 'it', fields: { runner: 3, by: 2 } }, names), 'ada tagged bob');
  assert.equal(eventLine({ kind: 'it', fields: { runner: 3, by: 0 } }, names), 'bob is it');
  assert.equal(eventLine({ kind: 'hit', fields: { from: 2, to: 3 } }, names), 'ada hit bob');
  assert.equal(eventLine({ kind: 'bump', fields: { at: [1, 2] } }, names), 'bump · at 1, 2');
});

test('the page imports only the netcode package and the generic modules of the app', () => {
  const allowed = /^(\.\/tag_schema\.js|\.\.\/netcode\/index\.js|\.\.\/input\.js)$/;
  for (const file of ['tag.js', 'tag_schema.js']) {
    for (const spec of specifiers(readFileSync(join(PAGE, file), 'utf8'))) assert.match(spec, allowed, `${file} imports ${spec}`);
  }
  const html = readFileSync(join(PAGE, 'index.html'), 'utf8');
  // The server's CSP allows scripts from the page's origin only: no inline script.
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/);
  assert.match(html, /<script type="module" src="\/tag\/tag\.js"><\/script>/);
});

test('tsc finds no type errors in the tag page', (t) => {
  assertTypeChecks(t, PAGE, 'web-client/tag');
});
