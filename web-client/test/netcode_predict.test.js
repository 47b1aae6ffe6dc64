// The package's predictor with a game of its own (not the arena): a one-dimensional runner whose
// input is `push` (-1..=1), `boost` (a Bool) and `power` (0..=3, counting only while boosting).
// It must replay exactly what the server applied: repeats, drops, the inputs before the ack, the
// neutral input past the repeat limit, and late inputs under the same-intent rule.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { DROPPED, Predictor, compileSchema, recordValues, repeatsBeforeNeutral } from '../netcode/index.js';

/** @param {string} name @param {any} ty */
const field = (name, ty) => ({ name, ty, predict: false, interpolate: false });

const SCHEMA = compileSchema({
  game: 'runner',
  version: 1,
  kinds: [{ name: 'runner', fields: [field('x', { type: 'Int', min: -100000, max: 100000 })], position: null }],
  input: {
    fields: [field('push', { type: 'Int', min: -1, max: 1 }), field('boost', { type: 'Bool' }), field('power', { type: 'Int', min: 0, max: 3 })],
    intent: [{ type: 'Always' }, { type: 'Always' }, { type: 'When', field: 1 }],
  },
  events: [],
  scores: [],
});

/** @typedef {{x: number, v: number}} State */

/** One tick of the runner's rules. @param {State} s @param {any} input @returns {State} */
function step(s, input) {
  const v = Number(input.push) * 2 + (input.boost ? Number(input.power) : 0);
  return { x: s.x + v + (s.v > 0 ? 1 : 0), v };
}

/** @type {import('../netcode/predict.js').PredictGame<State>} */
const GAME = {
  step,
  read: (world) => (world.entities.length ? { x: world.entities[0].slots[0], v: 0 } : null),
  agrees: (p, s) => p.x === s.x,
  correct: (p, s) => ({ x: s.x, v: p.v }),
  distance: (a, b) => Math.abs(a.x - b.x),
};

/** A predictor at `tickRate` with inputs numbered from 1, and the server's own copy of the run. */
function run(tickRate = 60) {
  const p = new Predictor({ schema: SCHEMA, tickRate, dt: 1 / tickRate, game: GAME });
  p.reset({ x: 0, v: 0 });
  /** @type {any[]} */
  const sent = [];
  let server = { x: 0, v: 0 };
  return {
    p,
    /** The client sends an input. @param {any} values */
    send(values) {
      const v = recordValues(SCHEMA.input, values);
      sent.push(v);
      p.input(sent.length, v);
    },
    /** The server applies input `seq` (or a neutral one). @param {number | any} seq */
    apply(seq) {
      server = step(server, typeof seq === 'number' ? sent[seq - 1] : seq);
    },
    server: () => server,
  };
}

const go = { push: 1, boost: false, power: 0 };
const stop = { push: 0, boost: false, power: 0 };
const burst = { push: 1, boost: true, power: 3 };

test('inputs the server applied fresh, then repeated, then dropped when late are replayed exactly', () => {
  const r = run();
  for (let i = 1; i <= 5; i++) r.send(go);
  r.send(go); // 6: the same as 5, which stands in for it
  r.send(burst); // 7: something else, taken a tick late
  r.send(burst);
  r.send(stop);
  r.send(stop);
  for (let s = 1; s <= 5; s++) r.apply(s);
  r.apply(5);
  r.apply(5);
  let res = r.p.reconcile(r.server(), { ack: 5, repeats: 2, earlier: [] });
  assert.equal(r.p.lastError, 0, 'the state after 5 and its repeats is exact');
  // The repeats stood in for 6 (the same intent: dropped) and for 7's slot (taken a tick late):
  // one more tick of going than the prediction had.
  assert.equal(res.corrected, true);
  assert.equal(res.moved, 3);
  for (const s of [7, 8, 9, 10]) r.apply(s);
  res = r.p.reconcile(r.server(), { ack: 10, repeats: 0, earlier: [0, 0, 0, DROPPED, 2] });
  assert.equal(r.p.lastError, 0);
  assert.equal(res.corrected, false);
  assert.deepEqual(r.p.state, r.server());
});

test('a late input that asks for something else is replayed; a When field counts only while its flag is on', () => {
  const r = run();
  r.send(go);
  r.send({ push: 1, boost: false, power: 3 }); // 2: power differs, but without boost it does not count
  r.send(burst); // 3: something else
  r.apply(1);
  r.apply(1);
  r.p.reconcile(r.server(), { ack: 1, repeats: 1 });
  // The server drops 2 (the repeat did what it asks for) and takes 3 late.
  r.apply(3);
  const res = r.p.reconcile(r.server(), { ack: 3, repeats: 0, earlier: [DROPPED, 1] });
  assert.equal(r.p.lastError, 0);
  assert.equal(res.corrected, false);
});

test('past the repeat limit the server applies the neutral input: numbers zero, booleans false', () => {
  const tickRate = 4;
  assert.equal(repeatsBeforeNeutral(tickRate), 2);
  const r = run(tickRate);
  r.send(burst);
  r.apply(1);
  r.apply(1);
  r.apply(1);
  for (let k = 0; k < 3; k++) r.apply({ push: 0, boost: false, power: 0 });
  const res = r.p.reconcile(r.server(), { ack: 1, repeats: 5 });
  assert.equal(r.p.lastError, 0, 'two repeats, then three neutral ticks');
  assert.deepEqual(r.p.state, r.server());
  assert.equal(res.corrected, true, 'the prediction had not run the repeats');
});

test('a server that disagrees is followed: its state, the prediction for the rest, later inputs on top', () => {
  const r = run();
  for (let i = 0; i < 4; i++) r.send(go);
  // The server pushed the runner 10 further.
  const res = r.p.reconcile({ x: 2 + 10, v: 0 }, { ack: 1 });
  assert.equal(r.p.lastError, 10);
  assert.ok(res.corrected);
  assert.equal(res.moved, 10);
  assert.deepEqual(r.p.history.map((h) => h.seq), [1, 2, 3, 4], 'acknowledged history is pruned to the ack');
  assert.equal(r.p.state?.x, 12 + 3 * 3);
  // An ack the history no longer holds: everything newer is replayed on the server's state.
  r.p.reconcile({ x: 0, v: 0 }, { ack: 100 });
  assert.equal(r.p.history.length, 0);
  // A world without the own entity says nothing; one with it starts the prediction.
  const fresh = new Predictor({ schema: SCHEMA, tickRate: 60, dt: 1 / 60, game: GAME });
  assert.equal(fresh.update({ tick: 1, entities: [] }, { ack: 0 }), null);
  assert.deepEqual(fresh.update({ tick: 1, entities: [{ id: 1, kind: 0, slots: [5], texts: [] }] }, { ack: 0 }), { corrected: true, moved: 0 });
  assert.deepEqual(fresh.state, { x: 5, v: 0 });
  assert.equal(fresh.input(1, recordValues(SCHEMA.input, go))?.x, 7);
});

test('a frozen entity records its inputs without moving', () => {
  const r = run();
  r.p.frozen = true;
  r.send(go);
  r.send(go);
  assert.deepEqual(r.p.state, { x: 0, v: 0 });
  assert.equal(r.p.history.length, 2);
});
