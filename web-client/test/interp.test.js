import { test } from 'node:test';
import assert from 'node:assert/strict';

import { InterpBuffer, lerpAngleSteps, stepsToRadians } from '../interp.js';
import { ServerClock, TickUnwrapper } from '../clock.js';

const e = (id, x, y, angle, hp = 100, kind = 'Player') => ({ id, kind, x, y, angle, hp });

test('halfway between two snapshots gives the midpoint', () => {
  const b = new InterpBuffer();
  b.push(100, [e(1, 0, 0, 0), e(2, 1600, 3200, 60)]);
  b.push(102, [e(1, 320, -160, 0), e(2, 1632, 3200, 68)]);
  const out = b.sample(101);
  const one = out.find((x) => x.id === 1);
  const two = out.find((x) => x.id === 2);
  assert.equal(one.x, 10); // (0 + 320) / 2 / 16
  assert.equal(one.y, -5);
  assert.equal(two.x, 101);
  assert.ok(Math.abs(two.angle - Math.PI / 2) < 1e-12, `${two.angle}`);
});

test('angles interpolate the short way round', () => {
  assert.equal(lerpAngleSteps(250, 6, 0.5), 0);
  assert.equal(lerpAngleSteps(6, 250, 0.5), 0);
  // Exactly opposite: a half turn either way; the rule picks the negative direction.
  assert.equal(lerpAngleSteps(0, 128, 0.5), 192);
  assert.equal(lerpAngleSteps(60, 68, 0.25), 62);
  const b = new InterpBuffer();
  b.push(10, [e(1, 0, 0, 250)]);
  b.push(12, [e(1, 0, 0, 6)]);
  const [x] = b.sample(11);
  assert.ok(Math.abs(x.angle) < 1e-12, `expected 0 rad, got ${x.angle}`);
  assert.ok(Math.abs(stepsToRadians(192) + Math.PI / 2) < 1e-12);
});

test('sampling outside the buffer clamps, and removed entities disappear', () => {
  const b = new InterpBuffer();
  b.push(10, [e(1, 0, 0, 0), e(2, 16, 16, 0)]);
  b.push(12, [e(1, 160, 0, 0)]);
  assert.equal(b.sample(5).find((x) => x.id === 1).x, 0);
  assert.equal(b.sample(50).find((x) => x.id === 1).x, 10);
  assert.equal(b.sample(11).length, 1);
  assert.equal(b.sample(11, 1).length, 0, 'the own player is skipped');
});

test('teleports and deaths are not blended', () => {
  const b = new InterpBuffer();
  b.push(10, [e(1, 0, 0, 0)]);
  b.push(12, [e(1, 16 * 500, 0, 0)]);
  assert.equal(b.sample(10.5)[0].x, 0);
  assert.equal(b.sample(11.5)[0].x, 500);
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
  assert.ok(Math.abs(c.delayTicks - 4) < 0.1, `steady arrivals: ~2 snapshot intervals, got ${c.delayTicks}`);
  assert.ok(Math.abs(c.renderTick(now) - (1198 - c.delayTicks)) < 0.5);

  const j = new ServerClock(60, 30);
  for (let i = 0; i < 200; i++) j.onSnapshot(2 * i, i * (1000 / 30) + (i % 2 ? 25 : 0));
  assert.ok(j.delayTicks > 4.5, `jitter raises the delay, got ${j.delayTicks}`);

  c.onPong(1300, 40, now + 50);
  assert.ok(c.serverTick(now + 50) > 1200);
});
