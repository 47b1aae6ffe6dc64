// Bit packing, delta application errors, round trips through the JS differ and encoder (with and
// without motion prediction), and the canonical checks of the body reader.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { DecodeError } from '../codec.js';
import { BitReader, BitWriter, bestWidth, getBlock, getSubset, putBlock, putSubset, unzigzag, zigzag } from '../bits.js';
import {
  BaselineError,
  DeltaError,
  applyBody,
  applyDelta,
  decodeDelta,
  diffWorlds,
  encodeDelta,
} from '../delta.js';

const ent = (id, x = 0, y = 0, angle = 0, hp = 100, kind = 'Player') => ({ id, kind, x, y, angle, hp });
const base = { tick: 10, entities: [ent(1, 100, 200), ent(3, -5, 7, 250, 40, 'Bot')] };

/** mulberry32, seeded, so failures reproduce. */
function rng(seed) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A body written by hand. @param {(bw: BitWriter) => void} f */
function body(f) {
  const bw = new BitWriter();
  f(bw);
  return bw.finish();
}

/** @param {() => unknown} f @param {RegExp} re */
function assertDecodeError(f, re) {
  assert.throws(f, (e) => e instanceof DecodeError && re.test(e.message), String(re));
}

test('bits round-trip, 32-bit values included', () => {
  const bytes = body((w) => {
    w.put(5, 3);
    w.put(0xffffffff, 32);
    w.varbits(0);
    w.varbits(1000);
    w.bit(true);
    w.put(0x80000000, 32);
    w.varbits(0xffffffff);
    w.put(0xabcdef, 24);
    w.put(0x1234567, 25);
  });
  const r = new BitReader(bytes);
  assert.equal(r.get(3), 5);
  assert.equal(r.get(32), 0xffffffff);
  assert.equal(r.varbits(), 0);
  assert.equal(r.varbits(), 1000);
  assert.equal(r.bit(), true);
  assert.equal(r.get(32), 0x80000000);
  assert.equal(r.varbits(), 0xffffffff);
  assert.equal(r.get(24), 0xabcdef);
  assert.equal(r.get(25), 0x1234567);
  r.finish();
});

test('blocks round-trip with escapes, at the width Rust picks', () => {
  const cases = [
    [],
    [0, 0, 0],
    [1, 2, 3, 7, 1000, 0, 0xffffffff, 3],
    [...Array.from({ length: 100 }, (_, i) => i % 9), 70000],
    new Array(40).fill(1),
    [3, 3, 3, 0x7fffffff, 0x80000000],
  ];
  for (const values of cases) {
    const bytes = body((w) => putBlock(w, values));
    const r = new BitReader(bytes);
    assert.deepEqual(getBlock(r, values.length), values);
    r.finish();
  }
  const values = [...Array.from({ length: 1000 }, (_, i) => i % 15), 1 << 20];
  assert.equal(bestWidth(values)[0], 4);
  assert.deepEqual(bestWidth([0, 0]), [0, 6]);
});

test('subsets: bitmask or gap list, whichever is smaller (as bits.rs prices them)', () => {
  const all = Array.from({ length: 100 }, (_, i) => i);
  const cases = [
    // [n, indices, gap list?]
    [100, all, true], // a full set is a count and an empty block, not 100 bits
    [100, all.filter((i) => i % 2 === 0), false],
    [300, [5, 150, 299], true],
    [8, [1, 2, 3], false],
    [0, [], false],
  ];
  for (const [n, indices, list] of cases) {
    const bytes = body((w) => putSubset(w, n, indices));
    const r = new BitReader(bytes);
    assert.equal(r.bit(), list, `n ${n}, ${indices.length} indices`);
    const back = new BitReader(bytes);
    assert.deepEqual(getSubset(back, n), indices);
    back.finish();
  }
});

test('zigzag round-trips over the whole i32 range', () => {
  for (const v of [0, 1, -1, 63, -64, 2147483647, -2147483648]) assert.equal(unzigzag(zigzag(v)), v);
  assert.equal(zigzag(-1), 1);
  assert.equal(zigzag(1), 2);
  assert.equal(zigzag(-2147483648), 0xffffffff);
});

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
  const bytes = encodeDelta(diffWorlds(w, cur), w);
  assert.equal(decodeDelta(bytes, w).baseline, 4294967295);
  assert.deepEqual(applyBody(bytes, w), cur);
});

test('steady motion is predicted from the previous world; the reader must hold it', () => {
  const walk = (tick) => ({
    tick,
    entities: Array.from({ length: 50 }, (_, i) => ent(i + 1, i * 100 + tick * ((i % 5) - 2) * 7, tick * 3, i, 100, 'Prop')),
  });
  const [w0, w1, w2] = [walk(100), walk(102), walk(104)];
  const delta = diffWorlds(w1, w2);
  const plain = encodeDelta(delta, w1);
  const predicted = encodeDelta(delta, w1, w0);
  assert.ok(predicted.length < plain.length, `${predicted.length} < ${plain.length}`);
  assert.deepEqual(decodeDelta(predicted, w1, w0), delta);
  assert.deepEqual(applyBody(predicted, w1, w0), w2);
  // Without the previous world, or with another one, the body cannot be read.
  assert.throws(
    () => decodeDelta(predicted, w1, null),
    (e) => e instanceof BaselineError && e instanceof DecodeError && e.expected === 100 && e.held === null,
  );
  assert.throws(() => decodeDelta(predicted, w1, walk(101)), (e) => e instanceof BaselineError && e.held === 101);
  assert.throws(() => decodeDelta(predicted, w0, w0), (e) => e instanceof BaselineError && e.expected === 102);
  assert.throws(() => decodeDelta(plain, null), (e) => e instanceof BaselineError && /baseline world of tick 102/.test(e.message));
  // A body without prediction ignores the previous world.
  assert.deepEqual(applyBody(plain, w1, walk(3)), w2);
  // Entities absent from previous are predicted not to move; wrapping arithmetic stays exact.
  const p = { tick: 1, entities: [ent(1, 2147483600, 0), ent(2, 0, 0)] };
  const b = { tick: 2, entities: [ent(1, -2147483600, 0), ent(3, 10, 10), ent(4, 0, 5)] };
  const c = { tick: 3, entities: [ent(1, -96, 0), ent(3, 11, 10), ent(4, 0, 9)] };
  const bytes = encodeDelta(diffWorlds(b, c), b, p);
  assert.deepEqual(applyBody(bytes, b, p), c);
});

test('random worlds round-trip through diff, encode, decode and apply, keeping two worlds', () => {
  const rand = rng(99);
  const int = (n) => Math.floor(rand() * n);
  const kinds = ['Player', 'Bot', 'Projectile', 'Prop'];
  const fresh = (id) => ent(id, int(2 ** 32) - 2 ** 31, int(4000) - 2000, int(256), int(256), kinds[int(4)]);
  /** Evolves `w`: some entities keep their velocity, some jump, some go, some come. */
  const step = (w, vel, tick) => {
    const out = [];
    for (const e of w.entities) {
      const r = rand();
      if (r < 0.05) continue;
      if (r < 0.1) {
        out.push(fresh(e.id));
        continue;
      }
      const v = vel.get(e.id) ?? [int(9) - 4, int(9) - 4];
      vel.set(e.id, v);
      out.push({
        ...e,
        x: r < 0.7 ? (e.x + v[0]) | 0 : r < 0.9 ? e.x : int(2 ** 32) - 2 ** 31,
        y: r < 0.7 ? (e.y + v[1]) | 0 : e.y,
        angle: rand() < 0.3 ? int(256) : e.angle,
        hp: rand() < 0.1 ? int(256) : e.hp,
      });
    }
    const ids = new Set(out.map((e) => e.id));
    for (let i = int(4); i > 0; i--) {
      const id = int(80) + (rand() < 0.1 ? 4294967200 : 0);
      if (!ids.has(id)) {
        ids.add(id);
        out.push(fresh(id));
      }
    }
    out.sort((a, b) => a.id - b.id);
    return { tick, entities: out };
  };
  /** @type {any} */
  let world = null;
  /** @type {any} */
  let previous = null;
  const vel = new Map();
  let predicted = 0;
  for (let i = 0; i < 400; i++) {
    const tick = (4294967000 + i * 2) >>> 0;
    const cur = world ? step(world, vel, tick) : step({ tick, entities: [] }, vel, tick);
    const delta = diffWorlds(world, cur);
    const bytes = encodeDelta(delta, world, previous);
    assert.deepEqual(decodeDelta(bytes, world, previous), delta);
    assert.deepEqual(applyBody(bytes, world, previous), cur);
    // The encoding is canonical: re-encoding the decoded delta gives the same bytes.
    assert.deepEqual(encodeDelta(decodeDelta(bytes, world, previous), world, previous), bytes);
    if (world && previous) {
      try {
        decodeDelta(bytes, world, null);
      } catch (e) {
        assert.ok(e instanceof BaselineError);
        predicted++;
      }
    }
    // As the client does: the previous world is the one before the new one, reset on reconnect.
    [previous, world] = [world, cur];
    if (rand() < 0.05) [previous, world] = [null, null];
  }
  assert.ok(predicted > 50, `${predicted} bodies used prediction`);
});

test('errors are typed: DecodeError for bytes, DeltaError for application', () => {
  assert.throws(() => decodeDelta(Uint8Array.from([1])), DecodeError);
  // A well-formed body that removes an entity the baseline lacks cannot be written; a created
  // entity the baseline already has can.
  const dup = encodeDelta({ tick: 11, baseline: null, removed: [], created: [ent(3)], changed: [] });
  assert.throws(() => applyDelta({ ...decodeDelta(dup), baseline: 10 }, base), DeltaError);
  assert.throws(() => encodeDelta({ tick: 11, baseline: 10, removed: [2], created: [], changed: [] }, base), /does not hold/);
  assert.throws(() => encodeDelta({ tick: 11, baseline: 10, removed: [], created: [], changed: [] }), /pass that world/);
});

// Bodies against `base` (tick 10, entities 1 and 3): tick 11, no prediction.
const header = (w) => {
  w.varbits(11);
  w.bit(true);
  w.varbits(1);
};
/** Header, nothing removed, entity 1 (index 0) changed, no prediction. */
const changedFirst = (w) => {
  header(w);
  w.bit(false);
  w.put(0, 2);
  w.bit(false);
  w.put(1, 2);
  w.bit(false);
};
const emptyBlock = (w) => w.put(0, 6);
const noCreated = (w) => w.varbits(0);
/** A full body creating entities from blocks written by `blocks`. */
const created = (count, blocks) =>
  body((w) => {
    w.varbits(11);
    w.bit(false);
    w.varbits(count);
    blocks(w);
  });

test('hand-written bodies: the valid ones decode', () => {
  // dx = 1, no other change; an escaped value equal to the escape code itself is needed.
  const ok = body((w) => {
    changedFirst(w);
    w.put(2, 6); // x block at width 2: the escape code 3, then 3 as varbits
    w.put(3, 2);
    w.varbits(3);
    emptyBlock(w);
    w.put(9, 6); // at width 8, 255 would be the escape code
    w.put(255, 9); // angle -128
    w.bit(false);
    noCreated(w);
  });
  assert.deepEqual(decodeDelta(ok, base).changed, [{ id: 1, dx: -2, dy: 0, dangle: -128, hp: null }]);
});

test('hand-written bodies: non-canonical and out-of-range encodings are refused', () => {
  const cases = [
    [/width 33 is over 32/, body((w) => w.put(33, 6))],
    [/non-minimal/, body((w) => (w.put(3, 6), w.put(1, 3), w.bit(false), w.varbits(0)))],
    [/block width 33/, body((w) => (changedFirst(w), w.put(33, 6)))],
    [/needless escape/, body((w) => (changedFirst(w), w.put(2, 6), w.put(3, 2), w.varbits(2)))],
    [/subset of 3 is larger than its set of 2/, body((w) => (header(w), w.bit(true), w.varbits(3)))],
    [/subset index out of range/, body((w) => (header(w), w.bit(true), w.varbits(1), w.put(2, 6), w.put(2, 2)))],
    [/did not change/, body((w) => (changedFirst(w), emptyBlock(w), emptyBlock(w), emptyBlock(w), w.bit(false), noCreated(w)))],
    [
      /empty hp subset/,
      body((w) => (changedFirst(w), w.put(2, 6), w.put(1, 2), emptyBlock(w), emptyBlock(w), w.bit(true), w.bit(false), w.bit(false), noCreated(w))),
    ],
    [/angle delta 128/, body((w) => (changedFirst(w), emptyBlock(w), emptyBlock(w), w.put(9, 6), w.put(256, 9), w.bit(false), noCreated(w)))],
    [/block longer than the body/, body((w) => (changedFirst(w), w.put(32, 6)))],
    [/kind 4/, created(1, (w) => (emptyBlock(w), w.put(3, 6), w.put(4, 3), emptyBlock(w), emptyBlock(w), w.put(0, 8), emptyBlock(w)))],
    [/hp 256/, created(1, (w) => (emptyBlock(w), emptyBlock(w), emptyBlock(w), emptyBlock(w), w.put(0, 8), w.put(9, 6), w.put(256, 9)))],
    [
      /id overflow/,
      created(2, (w) => {
        w.put(32, 6);
        w.put(0xffffffff, 32);
        w.put(0, 32);
        for (let i = 0; i < 3; i++) emptyBlock(w);
        w.put(0, 16);
        emptyBlock(w);
      }),
    ],
    [/created count 65537/, created(65537, () => {})],
    [/created count 4/, created(4, (w) => w.put(0, 24))],
    [/ends early/, body((w) => w.put(20, 6))],
  ];
  for (const [re, bytes] of cases) assertDecodeError(() => decodeDelta(bytes, base), re);

  // A subset bitmask longer than what is left: 100 entities, the body ends after the header.
  const big = { tick: 10, entities: Array.from({ length: 100 }, (_, i) => ent(i)) };
  assertDecodeError(() => decodeDelta(body((w) => (header(w), w.bit(false))), big), /bitmask longer/);

  // Trailing data: one more byte, or a set padding bit.
  const good = body((w) => (w.varbits(11), w.bit(false), w.varbits(0)));
  assert.deepEqual(decodeDelta(good), { tick: 11, baseline: null, removed: [], created: [], changed: [] });
  assertDecodeError(() => decodeDelta(Uint8Array.from([...good, 0])), /trailing bytes/);
  const padded = good.slice();
  padded[padded.length - 1] |= 0x80;
  assertDecodeError(() => decodeDelta(padded), /non-zero padding/);
});
