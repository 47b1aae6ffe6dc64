// The package's interpolation (netcode/interp.js): any schema's fields marked `interpolate` blend
// (angles the short way round), the others switch halfway, and `fields` reads the result in the
// game's units.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { blendSlot, compileSchema, fields, interpolateEntity, interpolateWorld, makeEntity } from '../netcode/index.js';

/** @param {string} name @param {any} ty @param {boolean} interpolate */
const field = (name, ty, interpolate) => ({ name, ty, predict: false, interpolate });

const NO_GAME_DATA = { input: { fields: [], intent: [] }, events: [], scores: [] };

const S = compileSchema({
  ...NO_GAME_DATA,
  game: 'kitchen-sink',
  version: 3,
  kinds: [
    {
      name: 'thing',
      fields: [
        field('label', { type: 'Text', maxBytes: 16 }, false),
        field('pos', { type: 'Vec2', step: 0.25 }, true),
        field('heading', { type: 'Angle', bits: 6 }, true),
        field('height', { type: 'Fixed', step: 0.5 }, true),
        field('fuel', { type: 'Int', min: 0, max: 1000 }, true),
        field('score', { type: 'Int', min: 0, max: 1000 }, false),
        field('lit', { type: 'Bool' }, false),
        field('mode', { type: 'Enum', variants: ['idle', 'run'] }, false),
        field('tint', { type: 'Color' }, false),
      ],
      position: 1,
    },
    { name: 'marker', fields: [field('x', { type: 'Fixed', step: 1 }, true)], position: null },
  ],
});

/** @param {number} id @param {Record<string, any>} v */
const thing = (id, v) => makeEntity(S, id, 'thing', v);

const A = { label: 'ada', pos: [0, 10], heading: (170 * Math.PI) / 180, height: 1, fuel: 100, score: 5, lit: false, mode: 'idle', tint: 0xff0000 };
const B = { label: 'bob', pos: [4, 6], heading: (-170 * Math.PI) / 180, height: 3, fuel: 200, score: 9, lit: true, mode: 'run', tint: 0x00ff00 };

test('marked fields blend in game units; the others switch halfway', () => {
  const a = thing(1, A);
  const b = thing(1, B);
  const at = (t) => fields(S, { tick: 0, entities: [interpolateEntity(S, a, b, t)] }, 0);
  const quarter = at(0.25);
  assert.deepEqual(quarter.pos, [1, 9]);
  assert.equal(quarter.height, 1.5);
  assert.equal(quarter.fuel, 125);
  assert.deepEqual([quarter.label, quarter.score, quarter.lit, quarter.mode, quarter.tint], ['ada', 5, false, 'idle', 0xff0000]);
  const late = at(0.75);
  assert.deepEqual([late.label, late.score, late.lit, late.mode, late.tint], ['bob', 9, true, 'run', 0x00ff00]);
  // Headings 170° and -170° (quantized to 64 steps a turn) meet at 180°, not at 0°.
  const half = at(0.5);
  assert.ok(Math.abs(Math.abs(half.heading) - Math.PI) < 0.1, `${half.heading}`);
  assert.deepEqual(at(0), fields(S, { tick: 0, entities: [a] }, 0));
  assert.deepEqual(at(1), fields(S, { tick: 0, entities: [b] }, 0));
  // Past the newer state, numbers go on.
  assert.deepEqual(at(1.5).pos, [6, 4]);
  assert.equal(a.slots.length, b.slots.length, 'the inputs are left as they were');
});

test('angles blend the short way round in slot units, an exact half turn the negative way', () => {
  const how = { lerp: true, wrap: 256 };
  assert.equal(blendSlot(how, 250, 6, 0.5), 0);
  assert.equal(blendSlot(how, 6, 250, 0.5), 0);
  assert.equal(blendSlot(how, 0, 128, 0.5), 192);
  assert.equal(blendSlot(how, 60, 68, 0.25), 62);
  assert.equal(blendSlot(how, 250, 6, 1.5), 12, 'extrapolated, and wrapped');
  assert.equal(blendSlot({ lerp: true, wrap: null }, -10, 10, 0.5), 0);
  assert.equal(blendSlot({ lerp: false, wrap: null }, -10, 10, 0.49), -10);
});

test('a world blends entity by entity: new ones as they are, gone ones gone, kinds never mixed', () => {
  const older = { tick: 10, entities: [thing(1, A), makeEntity(S, 2, 'marker', { x: 0 }), thing(3, A)] };
  const newer = { tick: 12, entities: [thing(1, B), makeEntity(S, 2, 'thing', B), makeEntity(S, 4, 'marker', { x: 8 })] };
  const w = interpolateWorld(S, older, newer, 0.5);
  assert.deepEqual(w.entities.map((e) => e.id), [1, 2, 4]);
  assert.deepEqual(fields(S, w, 0).pos, [2, 8]);
  assert.equal(w.entities[1], newer.entities[1], 'a kind that changed is not blended');
  assert.equal(w.entities[2], newer.entities[2], 'a new entity is shown as it is');
  const m = compileSchema({ ...NO_GAME_DATA, game: 'm', version: 1, kinds: [{ name: 'marker', fields: [field('x', { type: 'Fixed', step: 1 }, true)], position: null }] });
  const blended = interpolateWorld(m, { tick: 0, entities: [makeEntity(m, 5, 'marker', { x: 0 })] }, { tick: 2, entities: [makeEntity(m, 5, 'marker', { x: 8 })] }, 0.25);
  assert.equal(fields(m, blended, 0).x, 2);
});
