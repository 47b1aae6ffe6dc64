// Hit and death effects from two worlds' hit points.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { DEATH_MS, Effects, hpEvents } from '../effects.js';

test('hp that went down is a hit, hp at zero a death; new entities and projectiles nothing', () => {
  const before = new Map([[1, 100], [2, 20], [3, 0]]);
  const now = [
    { id: 1, kind: 'player', x: 10, y: 20, hp: 80 },
    { id: 2, kind: 'bot', x: 5, y: 5, hp: 0 },
    { id: 3, kind: 'player', x: 0, y: 0, hp: 100 },
    { id: 4, kind: 'player', x: 0, y: 0, hp: 50 },
    { id: 5, kind: 'projectile', x: 0, y: 0, hp: 0 },
  ];
  assert.deepEqual(hpEvents(before, now), [
    { id: 1, what: 'hit', x: 10, y: 20, damage: 20 },
    { id: 2, what: 'death', x: 5, y: 5, damage: 20 },
  ]);
});

test('effects last their time, and a hit on the own player flashes', () => {
  const fx = new Effects();
  fx.onWorld([{ id: 7, kind: 'player', x: 0, y: 0, hp: 100 }], 7, 0);
  const events = fx.onWorld([{ id: 7, kind: 'player', x: 0, y: 0, hp: 0 }], 7, 100);
  assert.deepEqual(events.map((e) => e.what), ['death']);
  assert.equal(fx.active(100).length, 1);
  assert.ok(fx.flash(100) > 0.99);
  assert.equal(fx.flash(1000), 0);
  assert.equal(fx.active(100 + DEATH_MS).length, 0);
});
