// Twin sticks: the left thumb's drag in eight directions, the right thumb's drag aims and fires,
// and a tap fires once even when it is shorter than a tick.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { DEAD_ZONE, TouchSticks, isTouchScreen, stickMove } from '../touch.js';

test('a stick maps to the nearest of eight directions, nothing inside the dead zone', () => {
  assert.deepEqual(stickMove(DEAD_ZONE - 1, 0), { move_x: 0, move_y: 0 });
  assert.deepEqual(stickMove(40, 0), { move_x: 1, move_y: 0 });
  assert.deepEqual(stickMove(-40, 3), { move_x: -1, move_y: 0 });
  assert.deepEqual(stickMove(0, -40), { move_x: 0, move_y: -1 });
  assert.deepEqual(stickMove(30, 30), { move_x: 1, move_y: 1 });
  assert.deepEqual(stickMove(-30, -28), { move_x: -1, move_y: -1 });
  // The sectors' borders are at 22.5 degrees.
  const a = (deg) => stickMove(50 * Math.cos((deg * Math.PI) / 180), 50 * Math.sin((deg * Math.PI) / 180));
  assert.deepEqual(a(22), { move_x: 1, move_y: 0 });
  assert.deepEqual(a(23), { move_x: 1, move_y: 1 });
  assert.deepEqual(a(-67), { move_x: 1, move_y: -1 });
  assert.deepEqual(a(-68), { move_x: 0, move_y: -1 });
});

test('the left half moves, the right half aims and fires; a tap fires once', () => {
  const sticks = new TouchSticks(400);
  sticks.down(1, 80, 500);
  sticks.move(1, 130, 500);
  assert.deepEqual(sticks.sample(), { move_x: 1, move_y: 0, fire: false, aim: null, aimAt: null });
  // A tap on the right: aimed at the point, fired once although the thumb already lifted.
  sticks.down(2, 300, 100);
  sticks.up(2);
  const tap = sticks.sample();
  assert.equal(tap.fire, true);
  assert.deepEqual(tap.aimAt, { x: 300, y: 100 });
  assert.equal(sticks.sample().fire, false, 'one shot for one tap');
  // A drag on the right aims along it and fires while held.
  sticks.down(3, 300, 300);
  sticks.move(3, 300, 260);
  const drag = sticks.sample();
  assert.equal(drag.fire, true);
  assert.ok(Math.abs(/** @type {number} */ (drag.aim) + Math.PI / 2) < 1e-9);
  assert.equal(sticks.sample().fire, true, 'held: still firing');
  sticks.up(3);
  sticks.up(1);
  assert.deepEqual(sticks.sample().move_x, 0);
  assert.equal(sticks.sample().fire, false);
  // A second thumb on the same half does not take the stick over.
  sticks.down(4, 50, 50);
  sticks.down(5, 60, 60);
  sticks.move(5, 200, 60);
  assert.equal(sticks.sample().move_x, 0);
});

test('a touch screen is one with touch points or a coarse pointer', () => {
  assert.equal(isTouchScreen({ navigator: { maxTouchPoints: 5 } }), true);
  assert.equal(isTouchScreen({ navigator: { maxTouchPoints: 0 }, matchMedia: () => ({ matches: true }) }), true);
  assert.equal(isTouchScreen({ navigator: { maxTouchPoints: 0 }, matchMedia: () => ({ matches: false }) }), false);
  assert.equal(isTouchScreen({}), false);
});
