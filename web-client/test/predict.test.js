// The arena's movement port must match the Rust sim bit for bit (predict_*.json vectors, when
// present), and the own player's prediction (the package's Predictor with the arena's step) must
// replay unacknowledged inputs from the server's acked state.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { MAX_SPEED, PLAYER_RADIUS, movePlayer, posToFixed, tickDt } from '../movement.js';
import { OwnPlayer } from '../own_player.js';
import { ARENA_SCHEMA } from '../arena_schema.js';
import { DROPPED, recordValues } from '../netcode/index.js';
import { readFileSync } from 'node:fs';
import { loadVectors } from './vectors.js';

const predictVectors = loadVectors().filter((v) => v.name.startsWith('predict'));

/** @param {number} actual @param {number} expected @param {string} what */
function sameF32(actual, expected, what) {
  const e = Math.fround(expected);
  assert.ok(actual === e || (Number.isNaN(actual) && Number.isNaN(e)), `${what}: expected ${e}, got ${actual}`);
}

if (predictVectors.length === 0) {
  test('predict vectors (none in tests/vectors yet)', { skip: 'no predict_*.json vectors yet' }, () => {});
}

for (const v of predictVectors) {
  test(`predict vector ${v.file} is reproduced bit-exactly`, () => {
    const { map, dt, start, inputs, steps } = v.value;
    assert.equal(inputs.length, steps.length, 'one step per input');
    let pos = /** @type {[number, number]} */ (start.pos.map(Math.fround));
    let vel = /** @type {[number, number]} */ (start.vel.map(Math.fround));
    const fdt = Math.fround(dt);
    for (let i = 0; i < inputs.length; i++) {
      const next = movePlayer(pos, vel, inputs[i], fdt, map);
      for (const [k, arr, exp] of [
        ['pos', next.pos, steps[i].pos],
        ['vel', next.vel, steps[i].vel],
      ]) {
        sameF32(arr[0], exp[0], `step ${i} ${k}.x (input ${JSON.stringify(inputs[i])})`);
        sameF32(arr[1], exp[1], `step ${i} ${k}.y`);
      }
      pos = next.pos;
      vel = next.vel;
    }
  });
}

const open = { width: 2000, height: 2000, walls: [] };

/** The own player of the arena at 60 Hz on `map`, numbering its inputs from 1. @param {any} map */
function predictor(map) {
  const p = new OwnPlayer(ARENA_SCHEMA, map, 60);
  let seq = 1;
  return Object.defineProperties(p, {
    // Runs one input (as the server reads it) under the next seq.
    step: { value: (/** @type {any} */ input) => (p.input(seq, recordValues(ARENA_SCHEMA.input, input)), seq++) },
    // The predictor's history.
    history: { get: () => p.predictor.history.map((h) => ({ seq: h.seq, pos: h.state.pos, vel: h.state.vel })) },
  });
}

/**
 * Reconciles with a server position in fixed point (1/16 units), as the snapshot quantized it.
 * @param {any} p @param {number} ack @param {number} x @param {number} y @param {number} [repeats] @param {number[]} [earlier]
 */
function reconcile(p, ack, x, y, repeats = 0, earlier = []) {
  return p.reconcile(ack, [x / 16, y / 16], repeats, earlier);
}
const dt = tickDt(60);
const right = { move_x: 1, move_y: 0, aim: 0, fire: false };
const down = { move_x: 0, move_y: 1, aim: 0, fire: false };
const still = { move_x: 0, move_y: 0, aim: 0, fire: false };

test('movement accelerates toward top speed and never exceeds it', () => {
  let s = { pos: /** @type {[number, number]} */ ([500, 500]), vel: /** @type {[number, number]} */ ([0, 0]) };
  for (let i = 0; i < 120; i++) s = movePlayer(s.pos, s.vel, { move_x: 1, move_y: 1 }, dt, open);
  const speed = Math.hypot(s.vel[0], s.vel[1]);
  assert.ok(speed <= MAX_SPEED * (1 + 1e-6) && speed > MAX_SPEED * 0.999, `speed ${speed}`);
  for (let i = 0; i < 60; i++) s = movePlayer(s.pos, s.vel, still, dt, open);
  assert.deepEqual(s.vel, [0, 0], 'friction stops the player');
});

test('walls and map edges stop the player', () => {
  const map = { width: 400, height: 400, walls: [{ x: 200, y: 0, w: 50, h: 400 }] };
  let s = { pos: /** @type {[number, number]} */ ([100, 200]), vel: /** @type {[number, number]} */ ([0, 0]) };
  for (let i = 0; i < 240; i++) s = movePlayer(s.pos, s.vel, right, dt, map);
  assert.equal(s.pos[0], 200 - PLAYER_RADIUS);
  assert.equal(s.vel[0], 0);
  for (let i = 0; i < 240; i++) s = movePlayer(s.pos, s.vel, { move_x: -1, move_y: 0 }, dt, map);
  assert.equal(s.pos[0], PLAYER_RADIUS);
});

test('reconciliation replays unacknowledged inputs from the server position', () => {
  const p = predictor(open);
  p.reset([100, 100]);
  const inputs = [right, right, down, right, down];
  for (const i of inputs) p.step(i);
  const velAt2 = [...p.history[1].vel];

  // The server applied inputs 1 and 2 but put the player somewhere else (it was pushed).
  const serverX = 1700; // 106.25 units
  const serverY = 1632; // 102 units
  const r = reconcile(p, 2, serverX, serverY);
  assert.ok(r.corrected);

  let s = { pos: /** @type {[number, number]} */ ([Math.fround(106.25), Math.fround(102)]), vel: /** @type {[number, number]} */ (velAt2) };
  for (const i of inputs.slice(2)) s = movePlayer(s.pos, s.vel, i, dt, open);
  assert.deepEqual(p.pos, s.pos);
  assert.deepEqual(p.vel, s.vel);
  assert.deepEqual(p.history.map((h) => h.seq), [2, 3, 4, 5], 'acked history is pruned');
  // Small correction: hidden by the smoothing offset, so the drawn position did not jump.
  assert.ok(!r.snapped);
  assert.ok(Math.hypot(...p.offset) > 0);
});

test('a prediction that agrees with the server is kept as is', () => {
  const p = predictor(open);
  p.reset([100, 100]);
  for (let i = 0; i < 4; i++) p.step(right);
  const before = [...p.pos];
  const at3 = p.history[2].pos;
  const r = reconcile(p, 3, posToFixed(at3[0]), posToFixed(at3[1]));
  assert.equal(r.corrected, false);
  assert.deepEqual(p.pos, before);
  assert.equal(p.history[0].seq, 3);
});

test('an ack before any recorded input replays everything from the server position', () => {
  const p = predictor(open);
  p.reset([100, 100]);
  p.step(right);
  p.step(right);
  const vel = [...p.vel];
  reconcile(p, 0, 160 * 16, 100 * 16);
  // No entry for the ack: both inputs are replayed from the server position, starting from the
  // current velocity (the best guess there is).
  let s = { pos: /** @type {[number, number]} */ ([160, 100]), vel: /** @type {[number, number]} */ (vel) };
  s = movePlayer(s.pos, s.vel, right, dt, open);
  s = movePlayer(s.pos, s.vel, right, dt, open);
  assert.deepEqual(p.pos, s.pos);
  assert.equal(p.history.length, 2);
});

test('a large correction snaps', () => {
  const p = predictor(open);
  p.reset([100, 100]);
  p.step(right);
  p.step(right);
  const r = reconcile(p, 1, 900 * 16, 900 * 16);
  assert.ok(r.snapped);
  assert.deepEqual(p.offset, [0, 0]);
  const at = p.renderPosition(1);
  assert.ok(Math.abs(at.x - 900) < 10 && Math.abs(at.y - 900) < 10);
});

test('positions quantize like the server (round half away from zero)', () => {
  assert.equal(posToFixed(1.03125), 17);
  assert.equal(posToFixed(-1.03125), -17);
  assert.equal(posToFixed(NaN), 0);
  assert.equal(posToFixed(106.25), 1700);
});

test('the port reproduces the Rust golden run (crates/sim/tests/sim/movement.rs)', () => {
  // The Rust test hashes (pos, vel) after each of 600 ticks on the bundled arena with FNV-1a over
  // the f32 bits; the same hash here means the port is bit-exact on that run. Without the Rust
  // test's constant or the map there is nothing to compare with: that is a failure, not a skip.
  const root = new URL('../../', import.meta.url);
  const read = (/** @type {string} */ path) => {
    try {
      return readFileSync(new URL(path, root), 'utf8');
    } catch (e) {
      assert.fail(`the golden run needs ${path}, which cannot be read: ${e}`);
    }
  };
  const src = read('crates/sim/tests/sim/movement.rs');
  const arena = JSON.parse(read('assets/maps/arena.json'));
  const m = /GOLDEN_RUN_HASH: u64 = 0x([0-9a-f_]+);/i.exec(src);
  assert.ok(
    m,
    'crates/sim/tests/sim/movement.rs has no `GOLDEN_RUN_HASH: u64 = 0x...;`: the Rust golden run ' +
      'was renamed or removed, so the port cannot be checked against it',
  );
  const expected = BigInt('0x' + m[1].replaceAll('_', ''));
  const PRIME = 0x100000001b3n;
  const MASK = (1n << 64n) - 1n;
  let h = 0xcbf29ce484222325n;
  const buf = new DataView(new ArrayBuffer(4));
  const feed = (v) => {
    buf.setFloat32(0, v, true);
    for (let i = 0; i < 4; i++) h = ((h ^ BigInt(buf.getUint8(i))) * PRIME) & MASK;
  };
  let pos = /** @type {[number, number]} */ ([100, 100]);
  let vel = /** @type {[number, number]} */ ([0, 0]);
  const dt60 = Math.fround(1 / 60);
  for (let tick = 0; tick < 600; tick++) {
    const mx = [1, 1, 0, -1, -1, 0, 1, 0][Math.floor(tick / 37) % 8];
    const my = [0, 1, 1, 1, 0, -1, -1, 0][Math.floor(tick / 53) % 8];
    ({ pos, vel } = movePlayer(pos, vel, { move_x: mx, move_y: my }, dt60, arena));
    for (const v of [pos[0], pos[1], vel[0], vel[1]]) feed(v);
  }
  assert.equal(h.toString(16), expected.toString(16), `final pos ${pos} vel ${vel}`);
});

test('a late input that asks for something else than the repeat is replayed, not skipped', () => {
  const map = { width: 2000, height: 2000, walls: [] };
  const dt = tickDt(60);
  const p = predictor(map);
  p.reset([500, 500]);
  // Standing still for 4 inputs, then running right.
  const inputs = [];
  for (let i = 0; i < 12; i++) inputs.push({ move_x: i < 4 ? 0 : 1, move_y: 0 });
  for (const input of inputs) p.step(input);
  /** @type {import('../predict.js').Body} */
  let server = { pos: [500, 500], vel: [0, 0] };
  const apply = (/** @type {{move_x: number, move_y: number}} */ input) => {
    server = movePlayer(server.pos, server.vel, input, dt, map);
  };
  // Inputs 1..3 came; 4 (still) and 5 (the first step right) were late: 3 repeated twice.
  for (let s = 1; s <= 3; s++) apply(inputs[s - 1]);
  apply(inputs[2]);
  apply(inputs[2]);
  reconcile(p, 3, posToFixed(server.pos[0]), posToFixed(server.pos[1]), 2, []);
  // The server will drop 4 (the repeat stood still, as 4 asks) and take 5 a tick late, then
  // the rest: the prediction does the same, so the next snapshots need no correction.
  for (let s = 5; s <= 12; s++) apply(inputs[s - 1]);
  const r = reconcile(p, 12, posToFixed(server.pos[0]), posToFixed(server.pos[1]), 0, [0, 0, 0, 0, 0, 0, 0, DROPPED, 2]);
  assert.equal(p.lastErrorSteps, 0);
  assert.equal(r.corrected, false, 'predicted as the server did it');
  assert.deepEqual(p.pos, server.pos, 'bit for bit');
});

test('repeats and drops acknowledged by the server are reproduced exactly: no correction', () => {
  const map = { width: 2000, height: 2000, walls: [] };
  const dt = tickDt(60);
  const p = predictor(map);
  p.reset([500, 500]);
  // The client predicts 40 inputs: right for 20, then down-right.
  const inputs = [];
  for (let i = 0; i < 40; i++) inputs.push({ move_x: 1, move_y: i < 20 ? 0 : 1 });
  for (const input of inputs) p.step(input);
  /** @type {import('../predict.js').Body} */
  let server = { pos: [500, 500], vel: [0, 0] };
  const apply = (/** @type {{move_x: number, move_y: number}} */ input) => {
    server = movePlayer(server.pos, server.vel, input, dt, map);
  };
  const snapshot = (/** @type {number} */ ack, /** @type {number} */ repeats, /** @type {number[]} */ earlier) =>
    reconcile(p, ack, posToFixed(server.pos[0]), posToFixed(server.pos[1]), repeats, earlier);
  // Inputs 1..8, then none arrived for 3 ticks (input 8 repeated).
  for (let s = 1; s <= 8; s++) apply(inputs[s - 1]);
  for (let r = 0; r < 3; r++) apply(inputs[7]);
  let r = snapshot(8, 3, []);
  assert.equal(p.lastErrorSteps, 0, 'the state after input 8 and 3 repeats is exact');
  assert.equal(r.corrected, false, 'the repeats stood in for 9 to 11, as they would have moved');
  // The three repeats stood in for 9, 10 and 11: the server drops them when they come late, and
  // the prediction already left them out.
  apply(inputs[11]);
  apply(inputs[12]);
  r = snapshot(13, 0, [0, DROPPED, DROPPED, DROPPED, 3]);
  assert.equal(p.lastErrorSteps, 0, 'stood-in inputs dropped, reproduced');
  assert.equal(r.corrected, false, 'the prediction had left them out: nothing to correct');
  // 14, a repeat of 14 that no snapshot showed (standing in for 15), then 16.
  apply(inputs[13]);
  apply(inputs[13]);
  apply(inputs[15]);
  r = snapshot(16, 0, [DROPPED, 1]);
  assert.equal(p.lastErrorSteps, 0, 'an unseen repeat and a drop, reproduced');
  assert.equal(r.corrected, false, 'in a straight line a stand-in does what the input would have');
  // 40 ticks without input: 30 repeats of 16 at 60 Hz, then neutral.
  for (let k = 1; k <= 40; k++) apply(k <= 30 ? inputs[15] : { move_x: 0, move_y: 0 });
  snapshot(16, 40, []);
  assert.equal(p.lastErrorSteps, 0, 'past 30 repeats at 60 Hz the server applies a neutral input');
  // Snapshots every 8 inputs at most: the counts cover the gap.
  for (const ack of [24, 32, 40]) {
    for (let s = ack - 7; s <= ack; s++) apply(inputs[s - 1]);
    snapshot(ack, 0, []);
    assert.equal(p.lastErrorSteps, 0);
  }
  assert.deepEqual(p.pos, server.pos, 'bit for bit');
});
