// The net graph: lanes whose plots never cross their labels, values kept at zero or more, scales
// that round up, the figures it names; and the HUD line, which leaves out what the graph shows.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { LANES, NetHistory, laneLayout, laneScale, laneText } from '../netgraph.js';
import { hudLine } from '../hud.js';

/** @param {{x: number, y: number, w: number, h: number}} a @param {{x: number, y: number, w: number, h: number}} b */
const overlap = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

test('each lane has a label box and a plot box that overlap nothing', () => {
  assert.deepEqual(LANES.map((l) => l.key), ['ping', 'jitter', 'gap', 'buffer', 'corrections', 'bytes']);
  for (const width of [160, 300, 420]) {
    const layout = laneLayout(width);
    const boxes = [...layout.lanes.flatMap((l) => [l.label, l.plot]), layout.footer];
    for (const b of boxes) {
      assert.ok(b.x >= 0 && b.y >= 0 && b.x + b.w <= width && b.y + b.h <= layout.height, `${width}: ${JSON.stringify(b)}`);
      assert.ok(b.w > 0 && b.h > 0);
    }
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) assert.ok(!overlap(boxes[i], boxes[j]), `${width}: boxes ${i} and ${j}`);
    }
  }
});

test('a lane keeps its last seconds, never below zero', () => {
  const h = new NetHistory(5000);
  h.add('buffer', 0, -8);
  h.add('buffer', 100, 40);
  h.add('buffer', 200, NaN);
  assert.deepEqual(h.points('buffer').map((p) => p.v), [0, 40, 0]);
  h.add('buffer', 5150, 12);
  assert.deepEqual(h.points('buffer').map((p) => p.t), [200, 5150], 'older than the window: gone');
  assert.equal(h.latest('buffer'), 12);
  assert.equal(h.latest('ping'), 0);
  assert.equal(h.count('buffer', 20000), 0);
});

test('scales round up to 1, 2 or 5 and never fall under the floor', () => {
  assert.equal(laneScale([], 50), 50);
  assert.equal(laneScale([3, 7], 10), 10);
  assert.equal(laneScale([120], 50), 200);
  assert.equal(laneScale([260], 64), 500);
  assert.equal(laneScale([1001], 64), 2000);
  assert.equal(laneScale([Infinity, 30], 10), 50);
});

test('lane figures and the HUD line: one place for each', () => {
  const [ping, , , buffer, corrections] = LANES;
  assert.equal(laneText(ping, 23.4), 'ping 23 ms');
  assert.equal(laneText(buffer, 4.25), 'buffer 4.3 ms');
  assert.equal(laneText(corrections, 3, 0.4), 'corrections 0.4/s');
  const f = { pingMs: 23.4, serverTick: 1234, snapshotsPerSec: 30, kbpsIn: 12.5, entitiesInView: 7, fps: 60, predictionErrorPx: 0 };
  const closed = hudLine(f, false);
  assert.match(closed, /^ping 23 ms {2}· {2}tick 1234 .*entities 7 .*\[N\] net graph$/);
  const open = hudLine(f, true);
  assert.ok(!open.includes('ping') && !open.includes('pred err'), open);
  assert.match(open, /tick 1234/);
  assert.ok(!hudLine(f, false, true).includes('[N]'), 'a touch screen has no keys to name');
});
