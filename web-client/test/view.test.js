// What a screen shows of the world: the same width on every screen, no more height than width,
// and a camera that stops at the map's edges.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { VIEW_WIDTH, clampAxis, clampCamera, viewFor, worldToScreen } from '../view.js';

test('every screen sees the same world width, and a bigger one sees no further', () => {
  for (const [w, h] of [[360, 640], [412, 915], [800, 600], [1280, 800], [1920, 1080], [2560, 1440], [915, 412]]) {
    const v = viewFor(w, h);
    assert.equal(v.worldWidth, VIEW_WIDTH, `${w}x${h}`);
    assert.ok(Math.abs(v.zoom * VIEW_WIDTH - w) < 1e-9, `${w}x${h}: the width spans the screen`);
    assert.ok(v.worldHeight <= VIEW_WIDTH + 1e-9, `${w}x${h}: no more height than width`);
    assert.ok(v.top >= 0 && v.top + v.height <= h + 1e-9, `${w}x${h}: the band is on screen`);
  }
  // 16:9 at any size shows the same world.
  assert.deepEqual(viewFor(1920, 1080).worldHeight, viewFor(1280, 720).worldHeight);
  // A portrait phone shows a square band in the middle of its screen.
  const phone = viewFor(360, 640);
  assert.equal(phone.worldHeight, VIEW_WIDTH);
  assert.equal(phone.height, 360);
  assert.equal(phone.top, 140);
  // A landscape screen fills its height.
  assert.deepEqual([viewFor(800, 600).top, viewFor(800, 600).height], [0, 600]);
});

test('the camera stops at the map edges, and centres a map smaller than the view', () => {
  assert.equal(clampAxis(10, 1200, 2000), 600);
  assert.equal(clampAxis(1990, 1200, 2000), 1400);
  assert.equal(clampAxis(1000, 1200, 2000), 1000);
  assert.equal(clampAxis(50, 1200, 800), 400);
  const view = viewFor(1920, 1080);
  const map = { width: 2000, height: 1400 };
  assert.deepEqual(clampCamera(100, 100, view, map), { x: 600, y: view.worldHeight / 2 });
  assert.deepEqual(clampCamera(1900, 1300, view, map), { x: 1400, y: 1400 - view.worldHeight / 2 });
  // The player near a corner is drawn off centre, towards it; the map's corner is the screen's.
  const cam = clampCamera(100, 100, view, map);
  const corner = worldToScreen(0, 0, cam, view, 1920);
  assert.ok(Math.abs(corner.x) < 1e-9 && Math.abs(corner.y) < 1e-9, JSON.stringify(corner));
  const player = worldToScreen(100, 100, cam, view, 1920);
  assert.ok(player.x < 960 && player.y < 540);
  // In a portrait band the world's top edge is the band's top.
  const phone = viewFor(360, 640);
  const top = worldToScreen(0, 0, clampCamera(0, 0, phone, map), phone, 360);
  assert.ok(Math.abs(top.y - phone.top) < 1e-9);
});
