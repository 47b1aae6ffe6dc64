import test from 'node:test';
import assert from 'node:assert/strict';

import { InputClock, MAX_PACE } from '../netcode/input_clock.js';

/** A fake clock and timer queue. */
function fakeTimers() {
  let now = 0;
  /** @type {{at: number, cb: () => void, id: number}[]} */
  let queue = [];
  let ids = 0;
  return {
    now: () => now,
    setTimeout: (/** @type {() => void} */ cb, /** @type {number} */ ms) => {
      const id = ++ids;
      queue.push({ at: now + ms, cb, id });
      return id;
    },
    clearTimeout: (/** @type {number} */ id) => {
      queue = queue.filter((t) => t.id !== id);
    },
    /** Runs time forward to `to`, firing timers in order, each `late` ms after it was due. */
    runTo(/** @type {number} */ to, late = 0) {
      for (;;) {
        queue.sort((a, b) => a.at - b.at);
        const t = queue[0];
        if (!t || t.at + late > to) break;
        queue.shift();
        now = Math.max(now, t.at + late);
        t.cb();
      }
      now = to;
    },
  };
}

test('one input per server tick, from a timer, whatever the frame rate', () => {
  const timers = fakeTimers();
  let sent = 0;
  const clock = new InputClock(60, () => sent++, timers);
  clock.start();
  timers.runTo(10_000);
  // 10 s at 60 Hz, plus the one sent at the start.
  assert.ok(Math.abs(sent - 601) <= 1, `${sent}`);
});

test('a late timer catches up in order, without drift', () => {
  const timers = fakeTimers();
  let sent = 0;
  const clock = new InputClock(60, () => sent++, timers);
  clock.start();
  timers.runTo(10_000, 7);
  assert.ok(Math.abs(sent - 601) <= 2, `${sent}`);
});

test('a timer late by several periods sends what it owes, keeping its place', () => {
  const timers = fakeTimers();
  let sent = 0;
  const clock = new InputClock(60, () => sent++, timers);
  clock.start();
  // Each timer fires 70 ms (four periods) late: a busy page.
  timers.runTo(10_000, 70);
  assert.ok(Math.abs(sent - 601) <= 6, `${sent}`);
  assert.equal(clock.resyncs, 0);
  assert.ok(clock.bursts > 0);
});

test('the pace stretches or shortens the period, within bounds', () => {
  for (const [pace, expected] of [
    [5, 601 / 1.05],
    [-5, 601 / 0.95],
    [100, 601 / (1 + MAX_PACE / 100)],
  ]) {
    const timers = fakeTimers();
    let sent = 0;
    const clock = new InputClock(60, () => sent++, timers);
    clock.setPace(pace);
    clock.start();
    timers.runTo(10_000);
    assert.ok(Math.abs(sent - expected) <= 2, `pace ${pace}: ${sent} vs ${expected}`);
  }
});

test('stopped, it sends nothing; restarted after a long pause, it does not burst', () => {
  const timers = fakeTimers();
  let sent = 0;
  const clock = new InputClock(60, () => sent++, timers);
  clock.start();
  timers.runTo(1000);
  const before = sent;
  clock.stop();
  assert.equal(clock.running(), false);
  timers.runTo(6000);
  assert.equal(sent, before, 'nothing while stopped (a hidden page)');
  clock.start();
  assert.equal(sent, before + 1, 'one input at once on return');
  timers.runTo(7000);
  assert.ok(Math.abs(sent - before - 61) <= 1, `${sent - before}`);
});
