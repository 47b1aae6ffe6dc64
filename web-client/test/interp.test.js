import { test } from 'node:test';
import assert from 'node:assert/strict';

import { InterpBuffer as Buffer } from '../interp.js';
import { ServerClock, TickUnwrapper } from '../netcode/clock.js';
import { dequantize } from '../netcode/index.js';
import { ARENA_SCHEMA } from '../arena_schema.js';

/** Radians of an angle in 1/256 turns, as the arena's entities have them. */
const rad = (steps) => dequantize({ type: 'Angle', bits: 8 }, steps);
/** An arena entity as the wire has it: x, y in 1/16 units, angle in 1/256 turns. */
const e = (id, x, y, angle, hp = 100, kind = 0) => ({ id, kind, slots: [x, y, angle, hp], texts: [] });
const near = (a, b) => Math.abs(a - b) < 1e-12;

/** An interpolation buffer of the arena's worlds, pushed as lists of entities. */
class InterpBuffer extends Buffer {
  constructor(capacity = 64, tickRate = 60) {
    super(ARENA_SCHEMA, capacity, tickRate);
  }

  push(tick, entities) {
    super.push(tick, { tick, entities });
  }
}

/** The blended angle of one entity between two headings (1/256 turns) at t. */
function lerpAngle(from, to, t) {
  const b = new InterpBuffer();
  b.push(0, [e(1, 0, 0, from)]);
  b.push(1000, [e(1, 0, 0, to)]);
  return b.sample(t * 1000)[0].angle;
}

test('halfway between two snapshots gives the midpoint', () => {
  const b = new InterpBuffer();
  b.push(100, [e(1, 0, 0, 0), e(2, 1600, 3200, 60)]);
  b.push(102, [e(1, 160, -80, 0), e(2, 1632, 3200, 68)]);
  const out = b.sample(101);
  const one = out.find((x) => x.id === 1);
  const two = out.find((x) => x.id === 2);
  assert.equal(one.x, 5); // (0 + 160) / 2 / 16
  assert.equal(one.y, -2.5);
  assert.equal(two.x, 101);
  assert.ok(Math.abs(two.angle - Math.PI / 2) < 1e-12, `${two.angle}`);
});

test('angles interpolate the short way round', () => {
  assert.ok(near(lerpAngle(250, 6, 0.5), 0));
  assert.ok(near(lerpAngle(6, 250, 0.5), 0));
  // Exactly opposite: a half turn either way; the rule picks the negative direction.
  assert.ok(near(lerpAngle(0, 128, 0.5), rad(192)), `${lerpAngle(0, 128, 0.5)}`);
  assert.ok(near(lerpAngle(60, 68, 0.25), rad(62)));
  assert.ok(near(lerpAngle(120, 136, 0.5), Math.PI), 'across pi, the short way');
  const b = new InterpBuffer();
  b.push(10, [e(1, 0, 0, 250)]);
  b.push(12, [e(1, 0, 0, 6)]);
  const [x] = b.sample(11);
  assert.ok(Math.abs(x.angle) < 1e-12, `expected 0 rad, got ${x.angle}`);
  assert.ok(near(rad(192), -Math.PI / 2));
});

test('before the buffer it clamps; past it, motion goes on for 100 ms, then holds', () => {
  const b = new InterpBuffer(64, 60);
  b.push(10, [e(1, 0, 0, 0), e(2, 16, 16, 0)]);
  b.push(12, [e(1, 160, 0, 0)]);
  assert.equal(b.sample(5).find((x) => x.id === 1).x, 0);
  assert.equal(b.sample(13).find((x) => x.id === 1).x, 15, 'extrapolated one tick');
  const turning = new InterpBuffer(64, 60);
  turning.push(10, [e(1, 0, 0, 0)]);
  turning.push(12, [e(1, 160, 0, 8)]);
  const ahead = turning.sample(13)[0];
  assert.deepEqual([ahead.x, ahead.angle], [15, rad(8)], 'the position goes on, the facing stops at the newest');
  assert.equal(b.sample(50).find((x) => x.id === 1).x, 40, 'held 6 ticks (100 ms) past the newest');
  assert.equal(b.holds, 1);
  assert.equal(b.sample(11).length, 1);
  assert.equal(b.sample(11, 1).length, 0, 'the own player is skipped');
});

test('the view tick is the tick of the world sampled, not a render tick past the snapshots', () => {
  const b = new InterpBuffer(64, 60);
  b.sample(100);
  assert.equal(b.viewTick(), 0, 'nothing drawn yet: unknown');
  b.push(10, [e(1, 0, 0, 0)]);
  b.push(12, [e(1, 160, 0, 0)]);
  b.sample(11.5);
  assert.equal(b.viewTick(), 11, 'interpolating: the render tick, whole');
  b.sample(5);
  assert.equal(b.viewTick(), 10, 'before the buffer: its oldest snapshot, as drawn');
  b.sample(14.5);
  assert.equal(b.viewTick(), 14, 'extrapolating: the render tick');
  const [held] = b.sample(40);
  assert.equal(held.x, 40, 'held 6 ticks past the newest');
  assert.equal(b.sampledTick, 18);
  assert.equal(b.viewTick(), 18, 'held: the world drawn, not the render tick 40');
  const lone = new InterpBuffer(64, 60);
  lone.push(10, [e(1, 160, 0, 0)]);
  lone.sample(30);
  assert.equal(lone.viewTick(), 10, 'nothing moves past a lone snapshot');
});

test('teleports and deaths are not blended', () => {
  const b = new InterpBuffer();
  b.push(10, [e(1, 0, 0, 0)]);
  b.push(12, [e(1, 16 * 500, 0, 0)]);
  assert.equal(b.sample(10.5)[0].x, 0);
  assert.equal(b.sample(11.5)[0].x, 500);
  assert.equal(b.sample(11.5)[0].jump, true);
});

test('the teleport test scales with the time between snapshots, and respawns are the server’s', () => {
  // 40 units is a teleport over one snapshot interval at 60 Hz, not over a skipped half second.
  const near = new InterpBuffer(64, 60);
  near.push(10, [e(1, 0, 0, 0)]);
  near.push(12, [e(1, 16 * 40, 0, 0)]);
  assert.equal(near.sample(11)[0].jump, true);
  const far = new InterpBuffer(64, 60);
  far.push(10, [e(1, 0, 0, 0)]);
  far.push(40, [e(1, 16 * 40, 0, 0)]);
  assert.equal(far.sample(25)[0].x, 20, 'blended across a gap');
  // Dead (hp 0) then alive a step away: a respawn, shown as one, never blended.
  const r = new InterpBuffer(64, 60);
  r.push(10, [e(1, 0, 0, 0, 0)]);
  r.push(12, [e(1, 16 * 3, 0, 0, 100)]);
  const [s] = r.sample(11.5);
  assert.deepEqual([s.x, s.jump, s.respawn], [3, true, true]);
});

test('ticks unwrap across u32 wrap-around', () => {
  const u = new TickUnwrapper();
  assert.equal(u.unwrap(4294967295), 4294967295);
  assert.equal(u.unwrap(1), 4294967297);
  assert.equal(u.unwrap(4294967294), 4294967294);
});

test('the clock follows snapshot ticks and keeps an adaptive delay', () => {
  const c = new ServerClock(60, 30);
  c.onWelcome(1000, 0);
  for (let i = 0; i < 100; i++) c.onSnapshot(1000 + 2 * i, i * (1000 / 30));
  const now = 99 * (1000 / 30);
  assert.ok(Math.abs(c.serverTick(now) - 1198) < 1, `${c.serverTick(now)}`);
  assert.ok(Math.abs(c.delayTicks - 2.5) < 0.1, `steady arrivals: a snapshot interval and half a tick, got ${c.delayTicks}`);
  assert.ok(Math.abs(c.renderTick(now) - (1198 - c.delayTicks)) < 0.5);

  const j = new ServerClock(60, 30);
  for (let i = 0; i < 200; i++) j.onSnapshot(2 * i, i * (1000 / 30) + (i % 2 ? 25 : 0));
  assert.ok(j.delayTicks > 3.5, `jitter raises the delay, got ${j.delayTicks}`);

  c.onPong(1300, 40, now + 50);
  assert.ok(c.serverTick(now + 50) > 1200);
});

test('the render timeline never goes back, and a stall never resets the jitter estimate', () => {
  const c = new ServerClock(60, 30);
  let seed = 1;
  const rand = () => {
    seed = (seed * 16807) % 2147483647;
    return seed / 2147483647;
  };
  // 20 s of snapshots: 50 ms latency, +-20 ms jitter, a 250 ms stall every 5 s (held, then in order).
  /** @type {[number, number][]} */
  const arrivals = [];
  let last = 0;
  for (let i = 0; i < 600; i++) {
    const sent = i * (1000 / 30);
    let at = sent + 50 + (rand() * 40 - 20);
    const phase = sent % 5000;
    if (sent >= 5000 && phase < 250) at = Math.max(at, sent - phase + 250 + 50);
    at = Math.max(at, last);
    last = at;
    arrivals.push([2 * i, at]);
  }
  let prev = -Infinity;
  let k = 0;
  let minJitterAfterStall = Infinity;
  for (let now = 0; now < 20_000; now += 1000 / 60) {
    while (k < arrivals.length && arrivals[k][1] <= now) {
      c.onSnapshot(arrivals[k][0], arrivals[k][1]);
      if (arrivals[k][1] > 5400) minJitterAfterStall = Math.min(minJitterAfterStall, c.jitterTicks);
      k++;
    }
    if (k === 0) continue;
    const r = c.renderTick(now);
    assert.ok(r >= prev, `render tick went back at ${now}: ${prev} -> ${r}`);
    prev = r;
  }
  assert.ok(minJitterAfterStall > 0.5, `jitter estimate kept: ${minJitterAfterStall}`);
  assert.ok(c.late > 0, 'stalled snapshots counted as late');

  const g = new ServerClock(60, 30);
  for (let i = 0; i < 60; i++) g.onSnapshot(2 * i, i * (1000 / 30) + (i % 3) * 10);
  const before = g.jitterTicks;
  g.onSnapshot(2 * 100, 60 * (1000 / 30) + 1500);
  assert.ok(g.jitterTicks >= before, 'a gap over 1 s raises the estimate, never zeroes it');
  assert.equal(g.skipped, 40, 'snapshots never received are counted');
});
