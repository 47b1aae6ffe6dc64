// Delta application errors and round trips through the JS differ and encoder.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { DecodeError } from '../codec.js';
import { DeltaError, applyBody, applyDelta, decodeDelta, diffWorlds, encodeDelta } from '../delta.js';

const ent = (id, x = 0, y = 0, angle = 0, hp = 100, kind = 'Player') => ({ id, kind, x, y, angle, hp });
const base = { tick: 10, entities: [ent(1, 100, 200), ent(3, -5, 7, 250, 40, 'Bot')] };

test('a delta against another baseline is refused', () => {
  const d = { tick: 12, baseline: 9, removed: [], created: [], changed: [] };
  assert.throws(() => applyDelta(d, base), DeltaError);
  assert.throws(() => applyDelta(d, null), DeltaError);
  // A full snapshot needs no baseline and ignores one.
  const full = { tick: 12, baseline: null, removed: [], created: [ent(7)], changed: [] };
  assert.deepEqual(applyDelta(full, base).entities, [ent(7)]);
});

test('unknown ids, duplicate creations and unordered lists are refused', () => {
  const d = (over) => ({ tick: 11, baseline: 10, removed: [], created: [], changed: [], ...over });
  const change = (id) => ({ id, dx: 1, dy: 0, dangle: 0, hp: null });
  assert.throws(() => applyDelta(d({ removed: [2] }), base), /not in the baseline/);
  assert.throws(() => applyDelta(d({ removed: [9] }), base), /not in the baseline/);
  assert.throws(() => applyDelta(d({ changed: [change(2)] }), base), /not in the baseline/);
  assert.throws(() => applyDelta(d({ changed: [change(4)] }), base), /not in the baseline/);
  assert.throws(() => applyDelta(d({ removed: [1], changed: [change(1)] }), base), /not in the baseline/);
  assert.throws(() => applyDelta(d({ created: [ent(3)] }), base), /already exists/);
  assert.throws(() => applyDelta(d({ created: [ent(5), ent(4)] }), base), /increasing/);
  assert.throws(() => applyDelta(d({ removed: [3, 1] }), base), /increasing/);
  assert.throws(() => applyDelta(d({ changed: [change(3), change(3)] }), base), /increasing/);
  // A failed apply leaves the baseline untouched.
  assert.deepEqual(base.entities[0], ent(1, 100, 200));
});

test('apply wraps positions as i32 and angles as u8', () => {
  const w = { tick: 1, entities: [ent(1, 2147483647, -2147483648, 255, 1)] };
  const d = { tick: 2, baseline: 1, removed: [], created: [], changed: [{ id: 1, dx: 1, dy: -1, dangle: 1, hp: 0 }] };
  assert.deepEqual(applyDelta(d, w).entities, [ent(1, -2147483648, 2147483647, 0, 0)]);
});

test('deltas across tick wrap-around name the right baseline', () => {
  const w = { tick: 4294967295, entities: [ent(1)] };
  const cur = { tick: 3, entities: [ent(1, 5)] };
  const bytes = encodeDelta(diffWorlds(w, cur));
  assert.equal(decodeDelta(bytes).baseline, 4294967295);
  assert.deepEqual(applyBody(bytes, w), cur);
});

test('random worlds round-trip through diff, encode, decode and apply', () => {
  let a = 99;
  const rand = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(rand() * n);
  const kinds = ['Player', 'Bot', 'Projectile', 'Prop'];
  const world = (tick) => {
    const ids = new Set();
    const n = int(40);
    for (let i = 0; i < n; i++) ids.add(int(60) + (rand() < 0.1 ? 4294967000 : 0));
    return {
      tick,
      entities: [...ids]
        .sort((x, y) => x - y)
        .map((id) => ent(id, int(2 ** 32) - 2 ** 31, int(4000) - 2000, int(256), int(256), kinds[int(4)])),
    };
  };
  let prev = null;
  for (let i = 0; i < 300; i++) {
    const cur = world((4294967200 + i * 2) >>> 0);
    const bytes = encodeDelta(diffWorlds(prev, cur));
    assert.deepEqual(applyBody(bytes, prev), cur);
    // The encoding is canonical: re-encoding the decoded delta gives the same bytes.
    assert.deepEqual(encodeDelta(decodeDelta(bytes)), bytes);
    prev = rand() < 0.1 ? null : cur;
  }
});

test('errors are typed: DecodeError for bytes, DeltaError for application', () => {
  assert.throws(() => decodeDelta(Uint8Array.from([1])), DecodeError);
  assert.throws(() => applyBody(Uint8Array.from([11, 1, 2, 0, 0, 0]), base), DeltaError);
});
