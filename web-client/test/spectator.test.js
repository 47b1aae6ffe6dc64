// The spectator's camera: pans freely, follows a player, cycles through the scoreboard.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { PAN_SPEED, SpectatorCamera } from '../spectator.js';

const map = { width: 1000, height: 800 };
const entries = [10, 20, 30].map((entity) => ({ entity, name: `p${entity}`, kills: 0, deaths: 0, bot: false }));

test('the free camera pans and stays on the map', () => {
  const cam = new SpectatorCamera(500, 400);
  cam.pan(1, 0, 100);
  assert.deepEqual(cam.position([], map), { x: 500 + PAN_SPEED / 10, y: 400 });
  cam.pan(0, -1, 10_000);
  assert.deepEqual(cam.position([], map), { x: 500 + PAN_SPEED / 10, y: 0 });
});

test('following a player keeps the camera on it; panning frees it', () => {
  const cam = new SpectatorCamera(500, 400);
  cam.cycle(entries, 1);
  assert.equal(cam.following, 10);
  cam.cycle(entries, 1);
  cam.cycle(entries, 1);
  cam.cycle(entries, 1);
  assert.equal(cam.following, 10, 'cycling wraps');
  cam.cycle(entries, -1);
  assert.equal(cam.following, 30);
  const e = { id: 30, kind: 'Player', x: 123, y: 45, angle: 0, hp: 100 };
  assert.deepEqual(cam.position([e], map), { x: 123, y: 45 });
  assert.match(cam.label((id) => `p${id}`), /^Spectating p30/);
  cam.pan(-1, 0, 100);
  assert.equal(cam.following, null);
  assert.match(cam.label(String), /free camera/);
});
