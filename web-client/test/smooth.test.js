import test from 'node:test';
import assert from 'node:assert/strict';

import { MAX_DRAWN_SPEED, SmoothView } from '../smooth.js';

const bot = (x, jump = false) => ({ id: 1, kind: 'Bot', x, y: 0, angle: 0, hp: 100, jump, respawn: false });

test('a sampled jump is chased at under twice the top speed, and caught', () => {
  const v = new SmoothView();
  const dt = 1 / 60;
  v.apply([bot(0)], dt);
  let drawn = 0;
  let target = 30; // a stall ended 30 units further on
  for (let frame = 0; frame < 30; frame++) {
    target += 220 * dt;
    const [e] = v.apply([bot(target)], dt);
    assert.ok(e.x - drawn <= MAX_DRAWN_SPEED * 220 * dt + 1e-9, `frame ${frame}: ${e.x - drawn}`);
    drawn = e.x;
  }
  assert.equal(drawn, target, 'caught up');
});

test('marked jumps (respawns, teleports) are drawn at once', () => {
  const v = new SmoothView();
  v.apply([bot(0)], 1 / 60);
  const [e] = v.apply([bot(500, true)], 1 / 60);
  assert.equal(e.x, 500);
});
