// The arena page's view of the schema: its declaration (named by the same hash as the Rust
// server's), its entities read by field name from a decoded world, its walls from the map's
// features.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ARENA_DESC, ARENA_KINDS, ARENA_SCHEMA, arenaProblem } from '../arena_schema.js';
import { arenaEntities, quantized } from '../arena_entities.js';
import {
  applyDelta,
  compileSchema,
  decodeSchema,
  decodeServerMsg,
  encodeSchemaDesc,
  fromHex as hexToBytes,
  hashHex,
  makeEntity,
  toHex,
  writeDelta,
} from '../netcode/index.js';
import { arenaMap } from '../arena_map.js';
import { loadVectors } from './vectors.js';
import { welcomeBytes } from './wire.js';

test("the JS encoder writes the arena Welcome's schema to the Rust bytes", () => {
  const v = loadVectors().find((x) => x.name === 'server_welcome');
  assert.ok(v, 'no server_welcome vector');
  const schema = toHex(encodeSchemaDesc(ARENA_DESC));
  assert.ok(v.hex.endsWith(schema), `the Welcome ends with the page's schema bytes ${schema}`);
});

test("the page's arena schema is the server's: the hash of every arena Welcome in the vectors", () => {
  const welcomes = loadVectors()
    .filter((v) => v.name.startsWith('server_welcome'))
    .map((v) => decodeServerMsg(hexToBytes(v.hex)))
    .filter((m) => m.type === 'Welcome' && m.schema.desc.game === 'arena');
  assert.ok(welcomes.length >= 1, 'the Rust side writes a Welcome of the arena');
  for (const w of welcomes) {
    assert.deepEqual(w.schema.desc, ARENA_DESC);
    assert.equal(hashHex(w.schema), hashHex(ARENA_SCHEMA));
  }
  const bodies = loadVectors().filter((v) => v.name.startsWith('replication_arena_'));
  assert.ok(bodies.length >= 1, 'replication_arena_* vectors');
  for (const v of bodies) assert.equal(v.value.schema_hash, hashHex(ARENA_SCHEMA), v.name);
  assert.deepEqual(ARENA_KINDS, ['player', 'bot', 'projectile']);
  assert.deepEqual(ARENA_DESC.kinds.map((k) => k.name), ['player', 'bot', 'projectile', 'wall']);
  assert.deepEqual(decodeSchema(encodeSchemaDesc(ARENA_DESC)).hash, ARENA_SCHEMA.hash);
});

test('a schema that lacks a kind or field the page reads is named, extra ones are fine', () => {
  assert.equal(arenaProblem(ARENA_SCHEMA), null);
  const extra = compileSchema({
    ...ARENA_DESC,
    kinds: [...ARENA_DESC.kinds.map((k) => ({ ...k, fields: [...k.fields, { name: 'team', ty: { type: 'Bool' }, predict: false, interpolate: false }] })), { name: 'flag', fields: [], position: null }],
  });
  assert.equal(arenaProblem(extra), null);
  const noBot = compileSchema({ ...ARENA_DESC, kinds: ARENA_DESC.kinds.filter((k) => k.name !== 'bot') });
  assert.match(/** @type {string} */ (arenaProblem(noBot)), /no kind "bot"/);
  const noHp = compileSchema({ ...ARENA_DESC, kinds: ARENA_DESC.kinds.map((k) => ({ ...k, fields: k.fields.filter((f) => f.name !== 'hp') })) });
  assert.match(/** @type {string} */ (arenaProblem(noHp)), /no field "hp" on kind "player"/);
  const textHp = compileSchema({
    ...ARENA_DESC,
    kinds: ARENA_DESC.kinds.map((k) => ({ ...k, fields: k.fields.map((f) => (f.name === 'hp' ? { ...f, ty: { type: 'Text', maxBytes: 8 } } : f)) })),
  });
  assert.match(/** @type {string} */ (arenaProblem(textHp)), /"hp" of kind "player" as Text, where this arena page reads Int/);
  const noAxis = compileSchema({ ...ARENA_DESC, input: { fields: ARENA_DESC.input.fields.slice(1), intent: [{ type: 'Always' }, { type: 'When', field: 2 }, { type: 'Always' }] } });
  assert.match(/** @type {string} */ (arenaProblem(noAxis)), /no integer input field "move_x"/);
  // Without walls in the schema, the map has none.
  const noWalls = compileSchema({ ...ARENA_DESC, kinds: ARENA_DESC.kinds.filter((k) => k.name !== 'wall') });
  assert.equal(arenaProblem(noWalls), null);
});

test("the walls come with the Welcome's map features: kind \"wall\", min and size", () => {
  const S = ARENA_SCHEMA;
  const wall = (/** @type {number} */ id, /** @type {number[]} */ [x, y, w, h]) => makeEntity(S, id, 'wall', { min: [x, y], size: [w, h] });
  const features = writeDelta(S, {}, { tick: 0, entities: [wall(1, [0, 0, 640, 16]), wall(2, [100.5, 200, 50, 49.5])] });
  const welcome = decodeServerMsg(welcomeBytes({ schema: ARENA_DESC, features, map: { name: 'tiny', width: 640, height: 480 } }));
  assert.equal(welcome.type, 'Welcome');
  if (welcome.type !== 'Welcome') return;
  assert.deepEqual(arenaMap(welcome), {
    name: 'tiny',
    width: 640,
    height: 480,
    walls: [
      { x: 0, y: 0, w: 640, h: 16 },
      { x: 100.5, y: 200, w: 50, h: 49.5 },
    ],
  });
  const empty = decodeServerMsg(welcomeBytes({ schema: ARENA_DESC }));
  assert.ok(empty.type === 'Welcome' && arenaMap(empty).walls.length === 0, 'no features, no walls');
});

test('a decoded world reads as arena entities in world units and radians, and back as quantized', () => {
  const S = ARENA_SCHEMA;
  const world = {
    tick: 7,
    entities: [
      makeEntity(S, 1, 'player', { pos: [100.5, -3.25], angle: Math.PI / 2, hp: 100 }),
      makeEntity(S, 2, 'bot', { pos: [0, 0], angle: -Math.PI / 4, hp: 0 }),
      makeEntity(S, 9, 'projectile', { pos: [1e4, 2e4], angle: Math.PI, hp: 1 }),
    ],
  };
  const read = arenaEntities(S, applyDelta(S, writeDelta(S, {}, world)));
  assert.deepEqual(read, [
    { id: 1, kind: 'player', x: 100.5, y: -3.25, angle: Math.PI / 2, hp: 100 },
    { id: 2, kind: 'bot', x: 0, y: 0, angle: -Math.PI / 4, hp: 0 },
    { id: 9, kind: 'projectile', x: 1e4, y: 2e4, angle: Math.PI, hp: 1 },
  ]);
  assert.deepEqual(read.map(quantized), world.entities.map((e) => ({ id: e.id, kind: ARENA_KINDS[e.kind], x: e.slots[0], y: e.slots[1], angle: e.slots[2], hp: e.slots[3] })));
  // Every angle step comes back as itself.
  for (let q = 0; q < 256; q++) {
    const e = { id: 1, kind: 0, slots: [0, 0, q, 1], texts: [] };
    assert.equal(quantized(arenaEntities(S, { tick: 0, entities: [e] })[0]).angle, q);
  }
});

test('kinds found by name: another order of kinds, extra fields and a kind without a position', () => {
  const desc = {
    input: ARENA_DESC.input,
    events: [],
    scores: [],
    game: 'arena',
    version: 2,
    kinds: [
      { name: 'flag', fields: [{ name: 'carried', ty: /** @type {const} */ ({ type: 'Bool' }), predict: false, interpolate: false }], position: null },
      { name: 'bot', fields: [{ name: 'team', ty: /** @type {const} */ ({ type: 'Int', min: 0, max: 3 }), predict: false, interpolate: false }, ...ARENA_DESC.kinds[1].fields], position: 1 },
    ],
  };
  const S = compileSchema(/** @type {any} */ (desc));
  const world = { tick: 1, entities: [makeEntity(S, 3, 'flag', { carried: true }), makeEntity(S, 4, 'bot', { team: 2, pos: [5, 6], angle: 0, hp: 50 })] };
  assert.deepEqual(arenaEntities(S, world), [{ id: 4, kind: 'bot', x: 5, y: 6, angle: 0, hp: 50 }]);
});
