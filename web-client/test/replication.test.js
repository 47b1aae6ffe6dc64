// The netcode package against the Rust codec: every replication vector in
// tests/vectors/replication/ (written by crates/protocol/tests/replication_vectors.rs) must decode
// its schema to the same hash, apply its body to the expected world, read that world by field name
// as Rust dequantizes it, and write the world back to the same bytes (texts over their length cut
// as Rust cuts them). Each flipped bit and each cut of a body must be accepted or refused exactly
// as the Rust reader does; random and damaged bodies must only ever throw DecodeErrors.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { DecodeError, applyDelta, decodeSchema, encodeSchemaDesc, fields, fnv1a64, fromHex, hashHex, toHex, writeDelta } from '../netcode/index.js';
import { rng } from './rng.js';
import { VECTOR_DIR, diffJson, schemaDescToSerde as toSerde } from './vectors.js';

const DIR = join(VECTOR_DIR, 'replication');

/** Every replication vector, sorted by file name (records.json holds records: record.test.js). */
const vectors = readdirSync(DIR)
  .filter((f) => f.endsWith('.json') && f !== 'records.json')
  .sort()
  .map((file) => JSON.parse(readFileSync(join(DIR, file), 'utf8')));

/** The baselines a vector's body is read against. @param {any} v */
function worldsOf(v) {
  return { baseline: v.value.baseline, previous: v.value.previous };
}

/** Whether `f` throws a DecodeError with a message, and not anything else. @param {() => unknown} f */
function refuses(f) {
  try {
    f();
    return false;
  } catch (e) {
    if (!(e instanceof DecodeError) || !e.message) throw e;
    return true;
  }
}

test('there are replication vectors for several schemas', () => {
  assert.ok(vectors.length >= 10, `${vectors.length} vectors in ${DIR}`);
  const games = new Set(vectors.map((v) => decodeSchema(fromHex(v.value.schema)).desc.game));
  assert.ok(games.size >= 4, [...games].join(', '));
});

for (const v of vectors) {
  test(`vector ${v.name}: the schema decodes to its hash and declaration`, () => {
    const bytes = fromHex(v.value.schema);
    const schema = decodeSchema(bytes);
    assert.equal(hashHex(schema), v.value.hash);
    assert.equal(fnv1a64(bytes).toString(16).padStart(16, '0'), v.value.hash);
    assert.equal(toHex(encodeSchemaDesc(schema.desc)), v.value.schema);
    const d = diffJson(toSerde(schema.desc), v.value.desc);
    assert.equal(d, null, d ?? '');
  });

  test(`vector ${v.name}: the body applies to the world, reads by field name and writes back byte for byte`, () => {
    const schema = decodeSchema(fromHex(v.value.schema));
    const worlds = worldsOf(v);
    const before = JSON.stringify(worlds);
    const counts = { removed: 0, changed: 0, created: 0 };
    const world = applyDelta(schema, fromHex(v.hex), worlds, counts);
    assert.deepEqual(world, v.value.world);
    assert.equal(JSON.stringify(worlds), before, 'the baselines are left as they were');
    assert.equal(counts.created + (worlds.baseline?.entities.length ?? 0) - counts.removed, world.entities.length);
    for (let i = 0; i < world.entities.length; i++) assert.deepEqual(fields(schema, world, i), v.value.fields[i], `entity ${i}`);
    // `written` is the world given to the encoder where it differs (texts over their length).
    assert.equal(toHex(writeDelta(schema, worlds, v.value.written ?? v.value.world)), v.hex);
  });

  test(`vector ${v.name}: each flipped bit and each cut is accepted or refused as the Rust reader does`, () => {
    const schema = decodeSchema(fromHex(v.value.schema));
    const worlds = worldsOf(v);
    const body = fromHex(v.hex);
    const { flips, accepted, cuts } = v.value;
    assert.equal(flips.length, body.length * 8);
    for (let bit = 0; bit < flips.length; bit++) {
      const b = body.slice();
      b[bit >> 3] ^= 1 << (bit & 7);
      /** @type {any} */
      let world = null;
      const refused = refuses(() => {
        world = applyDelta(schema, b, worlds);
      });
      assert.equal(refused ? '0' : '1', flips[bit], `bit ${bit}: ${refused ? 'refused' : 'accepted'}, Rust ${flips[bit] === '1' ? 'accepts' : 'refuses'}`);
      if (!refused) {
        const again = fnv1a64(writeDelta(schema, worlds, world)).toString(16).padStart(16, '0');
        assert.equal(again, accepted[String(bit)], `bit ${bit}: the world read differs from Rust's`);
      }
    }
    assert.equal(cuts.length, body.length);
    for (let n = 0; n < body.length; n++) {
      const refused = refuses(() => applyDelta(schema, body.subarray(0, n), worlds));
      assert.equal(refused ? '0' : '1', cuts[n], `cut to ${n} bytes`);
    }
  });
}

test('random bytes, damaged bodies and truncations only ever throw DecodeErrors', () => {
  const next = rng(20);
  const byte = () => Math.floor(next() * 256);
  let accepted = 0;
  let tried = 0;
  for (const v of vectors) {
    const schema = decodeSchema(fromHex(v.value.schema));
    const worlds = worldsOf(v);
    const body = fromHex(v.hex);
    /** @param {Uint8Array} b */
    const attempt = (b) => {
      tried++;
      /** @type {any} */
      let world = null;
      if (refuses(() => (world = applyDelta(schema, b, worlds)))) return;
      accepted++;
      // What is accepted is a world of the schema: it writes and reads back to itself.
      const again = writeDelta(schema, worlds, world);
      assert.deepEqual(applyDelta(schema, again, worlds), world);
    };
    for (let i = 0; i < 200; i++) attempt(Uint8Array.from({ length: Math.floor(next() * 64) }, byte));
    for (let i = 0; i < 200; i++) {
      // The body's own header (so that the baselines match), then damage: a few bytes changed,
      // bytes cut out or appended.
      const b = Array.from(body);
      const hits = 1 + Math.floor(next() * 4);
      for (let h = 0; h < hits && b.length > 0; h++) {
        const at = 1 + Math.floor(next() * Math.max(1, b.length - 1));
        const what = next();
        if (what < 0.5) b[Math.min(at, b.length - 1)] = byte();
        else if (what < 0.75) b.splice(at, 1 + Math.floor(next() * 3));
        else b.splice(at, 0, byte(), byte());
      }
      attempt(Uint8Array.from(b));
    }
    for (let n = 0; n <= body.length; n++) attempt(body.subarray(0, n));
    // Not a body at all.
    assert.ok(refuses(() => applyDelta(schema, /** @type {any} */ ([1, 2, 3]), worlds)));
  }
  assert.ok(tried > 5000 && accepted > 0 && accepted < tried, `${accepted} of ${tried} accepted`);
});

test('a body against a world the reader does not hold is a BaselineError naming both ticks', async () => {
  const { BaselineError } = await import('../netcode/index.js');
  const v = vectors.find((x) => x.name === 'arena_predicted');
  assert.ok(v);
  const schema = decodeSchema(fromHex(v.value.schema));
  const body = fromHex(v.hex);
  assert.throws(
    () => applyDelta(schema, body, {}),
    (e) => e instanceof BaselineError && e.expected === v.value.baseline.tick && e.held === null,
  );
  assert.throws(
    () => applyDelta(schema, body, { baseline: v.value.baseline }),
    (e) => e instanceof BaselineError && e.expected === v.value.previous.tick,
  );
});
