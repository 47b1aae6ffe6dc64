import test from 'node:test';
import assert from 'node:assert/strict';

import { PROJECTILE_SPEED, ShotPredictor } from '../shots.js';

const map = { width: 2000, height: 1000, walls: [{ x: 1000, y: 0, w: 50, h: 1000 }] };

test('a shot appears at once, at the server cooldown, and flies at the server speed', () => {
  const shots = new ShotPredictor(60, map);
  const fire = { fire: true, aim: 0 };
  let now = 0;
  for (let tick = 0; tick < 30; tick++, now += 1000 / 60) shots.onInput(fire, { x: 100, y: 500 }, true, now);
  assert.equal(shots.predicted, 2, 'one shot every 15 ticks at 60 Hz');
  const [first] = shots.merge([], 100);
  assert.equal(first.kind, 'projectile');
  assert.ok(Math.abs(first.x - (100 + 19 + PROJECTILE_SPEED * 0.1)) < 1e-9, `${first.x}`);
  assert.equal(first.y, 500);
});

test('the server twin is hidden behind the prediction, and the prediction ends with it', () => {
  const shots = new ShotPredictor(60, map);
  shots.onInput({ fire: true, aim: Math.PI / 2 }, { x: 300, y: 100 }, true, 0);
  const twin = { id: 77, kind: 'projectile', x: 300, y: 160 };
  const other = { id: 78, kind: 'projectile', x: 600, y: 160 };
  shots.onWorld([twin, other], 100);
  assert.equal(shots.confirmed, 1);
  const drawn = shots.merge(
    [
      { id: 77, kind: 'projectile', x: 300, y: 150, angle: 0, hp: 1 },
      { id: 78, kind: 'projectile', x: 600, y: 150, angle: 0, hp: 1 },
    ],
    150,
  );
  assert.deepEqual(drawn.map((e) => e.id).sort(), [-1, 78]);
  shots.onWorld([other], 200);
  assert.deepEqual(shots.merge([], 250), [], 'the twin left the world: so does the prediction');
});

test('predicted shots stop at walls, and a dead player fires nothing', () => {
  const shots = new ShotPredictor(60, map);
  shots.onInput({ fire: true, aim: 0 }, { x: 900, y: 500 }, true, 0);
  assert.equal(shots.merge([], 50).length, 1);
  assert.equal(shots.merge([], 200).length, 0, 'stopped at the wall at x = 1000');
  shots.onInput({ fire: true, aim: 0 }, { x: 100, y: 500 }, false, 300);
  assert.equal(shots.predicted, 1);
});
