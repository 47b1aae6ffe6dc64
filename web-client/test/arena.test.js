// The arena page's view of the replicated data: its schema (named by the same hash as the Rust
// server's) and its entities read by field name from a decoded world.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ARENA_DESC, ARENA_KINDS, ARENA_SCHEMA, arenaProblem } from '../arena_schema.js';
import { arenaEntities, quantized } from '../arena_entities.js';
import { applyDelta, compileSchema, decodeSchema, encodeSchemaDesc, hashHex, makeEntity, toHex, writeDelta } from '../netcode/index.js';
import { hexToBytes } from '../codec.js';
import { decodeServerMsg } from '../messages.js';
import { VECTOR_DIR, loadVectors } from './vectors.js';

/** Every replication vector, by name. */
const replication = Object.fromEntries(
  readdirSync(join(VECTOR_DIR, 'replication'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(join(VECTOR_DIR, 'replication', f), 'utf8')))
    .map((v) => [v.name, v]),
);

test("the JS encoder writes the arena vectors' schema to the Rust bytes and hash", () => {
  // The replication vectors' arena schema is the arena's but for a projectile without hit points:
  // built the page's way, it must give the Rust side's bytes and hash exactly.
  const v = replication.arena_full;
  assert.ok(v, 'no arena_full replication vector');
  const desc = {
    ...ARENA_DESC,
    kinds: ARENA_DESC.kinds.map((k) => (k.name === 'projectile' ? { ...k, fields: k.fields.filter((f) => f.name !== 'hp') } : k)),
  };
  assert.equal(toHex(encodeSchemaDesc(desc)), v.value.schema);
  assert.equal(hashHex(compileSchema(desc)), v.value.hash);
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
