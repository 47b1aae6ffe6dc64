// Unit tests of the netcode package's pieces: bit packing, the bincode reader and writer, the
// schema's checks and hash, wire types (quantizing as the server does), and worlds read by field
// name. The package against the Rust codec is replication.test.js.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  BitReader,
  BitWriter,
  DecodeError,
  Reader,
  SchemaError,
  applyDelta,
  bestWidth,
  compileSchema,
  decodeSchema,
  dequantize,
  emptyWorld,
  encodeSchemaDesc,
  fields,
  findEntity,
  fnv1a64,
  getBlock,
  getSubset,
  hashHex,
  kindIndex,
  makeEntity,
  putBlock,
  putSubset,
  quantize,
  subsetPlan,
  textOf,
  unzigzag,
  writeDelta,
  zigzag,
} from '../netcode/index.js';
import { rng } from './rng.js';

/** @param {() => unknown} f @param {RegExp} [message] */
function assertDecodeError(f, message) {
  assert.throws(f, (e) => e instanceof DecodeError && (!message || message.test(e.message)), message && String(message));
}

test('bits: values of 0 to 32 bits and varbits round trip, least significant bit first', () => {
  const bw = new BitWriter();
  bw.put(5, 3);
  bw.put(0xffffffff, 32);
  bw.varbits(0);
  bw.varbits(1000);
  bw.bit(true);
  bw.put(0x12345678, 29);
  const bytes = bw.finish();
  assert.equal(bytes[0] & 7, 5);
  assert.equal(bytes.length, Math.ceil(bw.bitLength / 8));
  const br = new BitReader(bytes);
  assert.equal(br.get(3), 5);
  assert.equal(br.get(32), 0xffffffff);
  assert.equal(br.varbits(), 0);
  assert.equal(br.varbits(), 1000);
  assert.equal(br.bit(), true);
  assert.equal(br.get(29), 0x12345678 & 0x1fffffff);
  br.finish();
});

test('bits: the reader refuses a wide or non-minimal varbits, reading past the end, trailing bytes and padding', () => {
  const wide = new BitWriter();
  wide.put(33, 6);
  assertDecodeError(() => new BitReader(wide.finish()).varbits(), /over 32/);
  const loose = new BitWriter();
  loose.put(3, 6);
  loose.put(1, 3);
  assertDecodeError(() => new BitReader(loose.finish()).varbits(), /non-minimal/);
  assertDecodeError(() => new BitReader(new Uint8Array([1])).get(9), /ends early/);
  const r = new BitReader(new Uint8Array([1, 0]));
  r.get(1);
  assertDecodeError(() => r.finish(), /trailing/);
  const p = new BitReader(new Uint8Array([0b101]));
  p.get(1);
  assertDecodeError(() => p.finish(), /padding/);
  assertDecodeError(() => new BitReader(/** @type {any} */ ('ab')));
});

test('bits: zigzag maps small magnitudes of either sign to small values', () => {
  for (const v of [0, 1, -1, 63, -64, 2147483647, -2147483648]) assert.equal(unzigzag(zigzag(v)), v);
  assert.equal(zigzag(-1), 1);
  assert.equal(zigzag(1), 2);
  assert.equal(zigzag(-2147483648), 0xffffffff);
});

test('bits: a block takes the width that makes it smallest and escapes outliers', () => {
  const values = Array.from({ length: 1000 }, (_, i) => i % 15).concat([1 << 20]);
  assert.equal(bestWidth(values)[0], 4);
  assert.deepEqual(bestWidth([]), [0, 6]);
  assert.deepEqual(bestWidth([0, 0]), [0, 6]);
  // 7 is the escape code at width 3, so a block of 7s is written at width 4.
  assert.equal(bestWidth([7, 7, 7])[0], 4);
  for (const vs of [[], [0, 0, 0], [1, 2, 3, 7, 1000, 0, 0xffffffff, 3], values, new Array(40).fill(1)]) {
    const bw = new BitWriter();
    putBlock(bw, vs);
    assert.equal(bw.bitLength, bestWidth(vs)[1]);
    const br = new BitReader(bw.finish());
    assert.deepEqual(getBlock(br, vs.length), vs);
    br.finish();
  }
});

test('bits: a block refuses a needless escape and a count its body cannot hold', () => {
  const bw = new BitWriter();
  bw.put(3, 6); // width 3
  bw.put(7, 3); // escape
  bw.varbits(5); // fits in 3 bits
  assertDecodeError(() => getBlock(new BitReader(bw.finish()), 1), /needless escape/);
  const big = new BitWriter();
  big.put(8, 6);
  assertDecodeError(() => getBlock(new BitReader(big.finish()), 1_000_000), /longer than the body/);
});

test('bits: a subset is a bitmask when n is no larger than its gap list, and a gap list otherwise', () => {
  assert.equal(subsetPlan(10, [1, 5]).bitmask, true);
  const sparse = subsetPlan(1000, [3, 500]);
  assert.equal(sparse.bitmask, false);
  assert.deepEqual(sparse.gaps, [3, 496]);
  // The tie goes to the bitmask.
  const list = 6 + 1 + bestWidth([0])[1];
  assert.equal(subsetPlan(list, [0]).bitmask, true);
  assert.equal(subsetPlan(list + 1, [0]).bitmask, false);
  for (const [n, indices] of [[0, []], [10, [1, 5]], [1000, [3, 500]], [70, Array.from({ length: 70 }, (_, i) => i)]]) {
    const bw = new BitWriter();
    putSubset(bw, n, indices);
    assert.equal(bw.bitLength, subsetPlan(n, indices).bits);
    const br = new BitReader(bw.finish());
    assert.deepEqual(getSubset(br, n), indices);
  }
  const over = new BitWriter();
  over.bit(true);
  over.varbits(3);
  assertDecodeError(() => getSubset(new BitReader(over.finish()), 2), /larger than its set/);
});

test('bincode: varints in any width bincode takes, strings, options and bools, refused when malformed', () => {
  const r = new Reader(new Uint8Array([5, 251, 5, 0, 252, 1, 0, 1, 0, 253, 1, 0, 0, 0, 0, 0, 0, 0]));
  assert.equal(r.u16(), 5);
  assert.equal(r.u16(), 5);
  assert.equal(r.u32(), 65537);
  assert.equal(r.u64(), 1);
  r.end();
  assertDecodeError(() => new Reader(new Uint8Array([252, 0, 0, 0, 0])).u16(), /discriminant/);
  assertDecodeError(() => new Reader(new Uint8Array([253, 0, 0, 0, 0, 0, 0, 0, 0])).u32(), /discriminant/);
  assertDecodeError(() => new Reader(new Uint8Array([2])).bool(), /bool/);
  assertDecodeError(() => new Reader(new Uint8Array([2])).option(() => 0), /option/);
  assertDecodeError(() => new Reader(new Uint8Array([2, 0xc3, 0x28])).string(), /UTF-8/);
  assertDecodeError(() => new Reader(new Uint8Array([200, 1])).string(), /length/);
  assertDecodeError(() => new Reader(new Uint8Array([253, 0, 0, 0, 0, 0, 0, 0, 1])).len(1), /length/);
  assert.equal(new Reader(new Uint8Array([3, 0xef, 0xbb, 0xbf])).string(), '\ufeff', 'a BOM is kept');
  assert.equal(new Reader(new Uint8Array([5])).i32(), -3);
});

test('bincode: FNV-1a 64 of known inputs', () => {
  assert.equal(fnv1a64(new Uint8Array()), 0xcbf29ce484222325n);
  assert.equal(fnv1a64(new TextEncoder().encode('a')), 0xaf63dc4c8601ec8cn);
  assert.equal(fnv1a64(new TextEncoder().encode('foobar')), 0x85944171f73967e8n);
});

/** What a schema declares besides its kinds, none of it. */
const NO_GAME_DATA = { input: { fields: [], intent: [] }, events: [], scores: [] };

/** A small valid declaration. @returns {import('../netcode/schema.js').SchemaDesc} */
function tagDesc() {
  return {
    game: 'tag',
    version: 1,
    kinds: [
      {
        name: 'runner',
        fields: [
          { name: 'pos', ty: { type: 'Vec2', step: 0.0625 }, predict: true, interpolate: true },
          { name: 'it', ty: { type: 'Bool' }, predict: false, interpolate: false },
          { name: 'name', ty: { type: 'Text', maxBytes: 24 }, predict: false, interpolate: false },
        ],
        position: 0,
      },
    ],
    input: { fields: [], intent: [] },
    events: [],
    scores: [],
  };
}

test('schema: a declaration compiles to slot tables and survives its bytes', () => {
  const schema = compileSchema(tagDesc());
  const l = schema.layouts[0];
  assert.equal(l.slots.length, 4);
  assert.deepEqual(l.position, { slot: 0, step: 0.0625 });
  assert.ok(l.hasText && schema.predicts);
  assert.deepEqual(l.slots.map((s) => s.coding), ['residual', 'residual', 'raw', 'text']);
  assert.deepEqual(l.slots.map((s) => s.field), [0, 0, 1, 2]);
  const back = decodeSchema(encodeSchemaDesc(schema.desc));
  assert.deepEqual(back, schema);
  assert.equal(kindIndex(schema, 'runner'), 0);
  assert.equal(kindIndex(schema, 'flag'), -1);
  assert.match(hashHex(schema), /^[0-9a-f]{16}$/);
});

test('schema: the hash is over the shortest encoding, whatever widths the bytes used', () => {
  const bytes = encodeSchemaDesc(tagDesc());
  assert.equal(bytes[4], 1, 'the version, one byte');
  const wide = Uint8Array.from([...bytes.subarray(0, 4), 251, 1, 0, ...bytes.subarray(5)]);
  assert.equal(decodeSchema(wide).hash, decodeSchema(bytes).hash);
  assertDecodeError(() => decodeSchema(Uint8Array.from([...bytes, 0])), /trailing/);
  for (let n = 0; n < bytes.length; n++) assertDecodeError(() => decodeSchema(bytes.subarray(0, n)));
});

test('schema: a change to any field changes the hash', () => {
  const a = compileSchema(tagDesc()).hash;
  const d = tagDesc();
  d.kinds[0].fields[2].ty = { type: 'Text', maxBytes: 25 };
  assert.notEqual(compileSchema(d).hash, a);
});

test('schema: declarations that cannot work are refused, saying where', () => {
  /** @param {(d: import('../netcode/schema.js').SchemaDesc) => void} change @param {RegExp} why */
  const refused = (change, why) => {
    const d = tagDesc();
    change(d);
    assert.throws(() => compileSchema(d), (e) => e instanceof SchemaError && e instanceof DecodeError && why.test(e.message), String(why));
  };
  const f = (/** @type {any} */ d, /** @type {number} */ i) => d.kinds[0].fields[i];
  refused((d) => (f(d, 1).predict = true), /"it".*predicted/);
  refused((d) => (f(d, 1).interpolate = true), /interpolate/);
  refused((d) => (d.kinds[0].position = 1), /position must be a vector/);
  refused((d) => (d.kinds[0].position = 9), /position names no field/);
  refused((d) => d.kinds[0].fields.push({ name: 'it', ty: { type: 'Color' }, predict: false, interpolate: false }), /share a name/);
  refused((d) => (d.kinds = []), /1 to 256 kinds/);
  refused((d) => d.kinds.push({ ...d.kinds[0] }), /two kinds share a name/);
  refused((d) => (d.game = ''), /game name/);
  refused((d) => (d.game = 'x'.repeat(65)), /1 to 64 bytes/);
  refused((d) => (d.game = 'é'.repeat(33)), /1 to 64 bytes/);
  refused((d) => (d.kinds[0].name = 'a\u0085b'), /control/);
  refused((d) => (f(d, 0).ty = { type: 'Vec2', step: 0 }), /step/);
  refused((d) => (f(d, 0).ty = { type: 'Fixed', step: NaN }), /step/);
  refused((d) => (f(d, 1).ty = { type: 'Angle', bits: 17 }), /angle/);
  refused((d) => (f(d, 1).ty = { type: 'Int', min: 3, max: 2 }), /min is above/);
  refused((d) => (f(d, 1).ty = { type: 'Enum', variants: ['a'] }), /2 to 256 variants/);
  refused((d) => (f(d, 1).ty = { type: 'Enum', variants: ['a', ''] }), /1 to 64 bytes/);
  refused((d) => (f(d, 2).ty = { type: 'Text', maxBytes: 0 }), /1 to 256 bytes/);
  refused((d) => {
    d.kinds[0].position = null;
    d.kinds[0].fields = Array.from({ length: 33 }, (_, i) => ({ name: `v${i}`, ty: { type: 'Vec2', step: 1 }, predict: false, interpolate: false }));
  }, /at most 64 slots/);
  refused((d) => (d.kinds = Array.from({ length: 257 }, (_, i) => ({ name: `k${i}`, fields: [], position: null }))), /1 to 256 kinds/);
});

test('wire types: quantizing rounds half away from zero, wraps angles and clamps ranges, as the server does', () => {
  const fixed = /** @type {const} */ ({ type: 'Fixed', step: 1 / 16 });
  for (let i = -1000; i < 1000; i++) {
    const v = i * 0.37;
    assert.ok(Math.abs(dequantize(fixed, quantize(fixed, v)) - v) <= 1 / 32 + 1e-9);
  }
  assert.equal(quantize({ type: 'Fixed', step: 1 }, -2.5), -3);
  assert.equal(quantize({ type: 'Fixed', step: 1 }, 2.5), 3);
  assert.equal(quantize({ type: 'Fixed', step: 1 }, NaN), 0);
  assert.equal(quantize({ type: 'Fixed', step: 1 }, 1e12), 2147483647);
  const angle = /** @type {const} */ ({ type: 'Angle', bits: 8 });
  assert.equal(quantize(angle, Math.PI / 2), 64);
  assert.equal(quantize(angle, -Math.PI / 2), 192);
  assert.equal(quantize(angle, 1e300), 255);
  assert.equal(dequantize(angle, 128), Math.PI);
  assert.equal(dequantize(angle, 192), -Math.PI / 2);
  assert.equal(quantize({ type: 'Int', min: 0, max: 9 }, 12), 9);
  assert.equal(quantize({ type: 'Int', min: -5, max: 5 }, -2.5), -3);
  assert.equal(quantize({ type: 'Enum', variants: ['a', 'b'] }, 7), 1);
  assert.equal(quantize({ type: 'Color' }, 0x1234567), 0xffffff);
  assert.equal(quantize({ type: 'Color' }, 255.9), 255);
  assert.equal(quantize({ type: 'Bool' }, 0.5), 1);
});

test('world: entities built from field values read back by name, and are found by id', () => {
  const schema = compileSchema(tagDesc());
  const world = emptyWorld(3);
  world.entities.push(makeEntity(schema, 4, 'runner', { pos: [1.5, -2], it: true, name: 'ada' }));
  world.entities.push(makeEntity(schema, 9, 'runner', {}));
  assert.deepEqual(world.entities[0], { id: 4, kind: 0, slots: [24, -32, 1, 0], texts: ['ada'] });
  assert.deepEqual(fields(schema, world, 0), { pos: [1.5, -2], it: true, name: 'ada' });
  assert.deepEqual(fields(schema, world, 1), { pos: [0, 0], it: false, name: '' });
  assert.equal(findEntity(world, 9), 1);
  assert.equal(findEntity(world, 5), -1);
  assert.equal(textOf(world.entities[0], 1), '');
  assert.throws(() => fields(schema, world, 2), RangeError);
  assert.throws(() => makeEntity(schema, 1, 'flag', {}), RangeError);
});

test('delta: a world written and applied comes back, text changes and flips included', () => {
  const schema = compileSchema(tagDesc());
  const base = emptyWorld(10);
  base.entities.push(makeEntity(schema, 1, 'runner', { pos: [1, 1], name: 'ada' }));
  base.entities.push(makeEntity(schema, 2, 'runner', { pos: [2, 2], it: true, name: 'bo' }));
  const full = writeDelta(schema, {}, base);
  assert.deepEqual(applyDelta(schema, full, {}), base);
  const next = emptyWorld(11);
  next.entities.push(makeEntity(schema, 1, 'runner', { pos: [1, 1], it: true, name: 'ada' }));
  next.entities.push(makeEntity(schema, 2, 'runner', { pos: [2, 2], name: 'bob' }));
  next.entities.push(makeEntity(schema, 7, 'runner', { name: 'céline' }));
  const counts = { removed: 0, changed: 0, created: 0 };
  const body = writeDelta(schema, { baseline: base }, next);
  assert.deepEqual(applyDelta(schema, body, { baseline: base }, counts), next);
  assert.deepEqual(counts, { removed: 0, changed: 2, created: 1 });
  assert.equal(fields(schema, next, 0).it, true);
  // Nothing changed: a body of a few bytes that names no entity.
  const same = { ...base, tick: 12, entities: base.entities };
  assert.ok(writeDelta(schema, { baseline: base }, same).length <= 4);
});

test('delta: arbitrary schemas and worlds round trip, with and without prediction', () => {
  const next = rng(7);
  const int = (/** @type {number} */ lo, /** @type {number} */ hi) => lo + Math.floor(next() * (hi - lo + 1));
  const words = ['', 'ada', 'bo', 'céline', 'zz', 'flag!'];
  /** @returns {import('../netcode/wire_type.js').WireType} */
  const wireType = () => {
    switch (int(0, 7)) {
      case 0:
        return { type: 'Fixed', step: 1 / int(1, 3) };
      case 1:
        return { type: 'Vec2', step: 1 / int(1, 3) };
      case 2:
        return { type: 'Angle', bits: int(1, 16) };
      case 3: {
        const min = int(-300, 300);
        return { type: 'Int', min, max: min + int(0, 600) };
      }
      case 4:
        return { type: 'Bool' };
      case 5:
        return { type: 'Enum', variants: Array.from({ length: int(2, 8) }, (_, i) => `v${i}`) };
      case 6:
        return { type: 'Color' };
      default:
        return { type: 'Text', maxBytes: int(1, 11) };
    }
  };
  /** A slot value of `ty`: mostly small, sometimes anywhere in range. @param {import('../netcode/wire_type.js').WireType} ty */
  const value = (ty) => {
    if (ty.type === 'Fixed' || ty.type === 'Vec2') return next() < 0.75 ? int(-100, 100) : int(-2147483648, 2147483647);
    const range = { Angle: [0, 2 ** (ty.type === 'Angle' ? ty.bits : 0) - 1], Int: ty.type === 'Int' ? [ty.min, ty.max] : [0, 0], Bool: [0, 1], Enum: [0, ty.type === 'Enum' ? ty.variants.length - 1 : 0], Color: [0, 0xffffff], Text: [0, 0] }[ty.type];
    return int(range[0], range[1]);
  };
  for (let round = 0; round < 150; round++) {
    const kinds = Array.from({ length: int(1, 3) }, (_, k) => {
      const fieldDescs = Array.from({ length: int(0, 5) }, (_, i) => {
        const ty = wireType();
        const moving = next() < 0.5 && (ty.type === 'Fixed' || ty.type === 'Vec2' || ty.type === 'Int');
        return { name: `f${i}`, ty, predict: moving, interpolate: moving };
      });
      const pos = fieldDescs.findIndex((f) => f.ty.type === 'Vec2');
      return { name: `k${k}`, fields: fieldDescs, position: pos >= 0 && next() < 0.5 ? pos : null };
    });
    const schema = compileSchema({ game: 'prop', version: 1, kinds, ...NO_GAME_DATA });
    /** @param {number} id @param {number} kind */
    const entity = (id, kind) => {
      /** @type {import('../netcode/world.js').Entity} */
      const e = { id, kind, slots: [], texts: [] };
      for (const f of kinds[kind].fields) {
        if (f.ty.type === 'Text') {
          const w = words[int(0, 5)];
          e.slots.push(e.texts.length);
          e.texts.push(new TextEncoder().encode(w).length <= f.ty.maxBytes ? w : '');
        } else for (let s = 0; s < (f.ty.type === 'Vec2' ? 2 : 1); s++) e.slots.push(value(f.ty));
      }
      return e;
    };
    const ids = [...new Set(Array.from({ length: int(0, 30) }, () => int(0, 200)))].sort((x, y) => x - y);
    const prev = { tick: 10, entities: ids.map((id) => entity(id, int(0, kinds.length - 1))) };
    /** Entities moved on a little, some removed, some new or of a new kind. @param {any} w @param {number} tick */
    const moved = (w, tick) => {
      /** @type {import('../netcode/world.js').Entity[]} */
      const out = [];
      for (const e of w.entities) {
        if (next() < 0.1) continue;
        if (next() < 0.05) {
          out.push(entity(e.id, int(0, kinds.length - 1)));
          continue;
        }
        const c = { ...e, slots: e.slots.slice(), texts: e.texts.slice() };
        schema.layouts[e.kind].slots.forEach((info, s) => {
          const ty = kinds[e.kind].fields[info.field].ty;
          if (info.coding === 'text') {
            if (next() < 0.2) c.texts[c.slots[s]] = words[int(0, 2)].slice(0, 1);
          } else if (ty.type === 'Fixed' || ty.type === 'Vec2') {
            if (next() < 0.7) c.slots[s] = (c.slots[s] + int(-4, 4)) | 0;
          } else if (next() < 0.25) c.slots[s] = value(ty);
        });
        out.push(c);
      }
      for (let i = 0; i < 3; i++) {
        const id = int(0, 220);
        if (!out.some((e) => e.id === id)) out.push(entity(id, int(0, kinds.length - 1)));
      }
      out.sort((x, y) => x.id - y.id);
      return { tick, entities: out };
    };
    const base = moved(prev, 12);
    const cur = moved(base, 14);
    for (const worlds of [{}, { baseline: base }, { baseline: base, previous: prev }]) {
      const target = worlds.baseline ? cur : base;
      const body = writeDelta(schema, worlds, target);
      const back = applyDelta(schema, body, worlds);
      assert.deepEqual(back, target, `round ${round}`);
      assert.deepEqual(writeDelta(schema, worlds, back), body, `round ${round}: one encoding`);
    }
  }
});

test('delta: a text over its length is written cut at a character boundary', () => {
  const schema = compileSchema(tagDesc());
  const world = emptyWorld(1);
  world.entities.push(makeEntity(schema, 1, 'runner', { name: 'a' + 'é'.repeat(15) }));
  world.entities.push(makeEntity(schema, 2, 'runner', { name: 'x'.repeat(30) }));
  const read = applyDelta(schema, writeDelta(schema, {}, world));
  assert.deepEqual(read.entities.map((e) => e.texts[0]), ['a' + 'é'.repeat(11), 'x'.repeat(24)]);
});
