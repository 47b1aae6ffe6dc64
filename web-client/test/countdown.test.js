// Countdowns: seconds left, clock text, a notice's own number counting down in place, the match
// timer on the server's ticks, the respawn banner.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { clockText, matchSecondsLeft, noticeLine, respawnText, secondsLeft } from '../countdown.js';

test('seconds left round up and stop at zero', () => {
  assert.equal(secondsLeft(5000, 0), 5);
  assert.equal(secondsLeft(5000, 1), 5);
  assert.equal(secondsLeft(5000, 1000), 4);
  assert.equal(secondsLeft(5000, 4999), 1);
  assert.equal(secondsLeft(5000, 5000), 0);
  assert.equal(secondsLeft(5000, 9000), 0);
  assert.equal(clockText(0), '0:00');
  assert.equal(clockText(9), '0:09');
  assert.equal(clockText(245), '4:05');
});

test("a notice counts its own number down once, or adds one when it names none", () => {
  const text = 'The server is restarting; this match ends in 5 s';
  assert.equal(noticeLine(text, 5, 5), text);
  assert.equal(noticeLine(text, 5, 1), 'The server is restarting; this match ends in 1 s');
  assert.equal(noticeLine(text, 5, 0), 'The server is restarting; this match ends in 0 s');
  assert.equal(noticeLine('Back in 15 s or so', 5, 3), 'Back in 15 s or so (3 s left)');
  assert.equal(noticeLine('Maintenance', 30, 12), 'Maintenance (12 s left)');
});

test('the match timer counts down to the match end tick on the server clock', () => {
  assert.equal(matchSecondsLeft(null, 1000, 60), null);
  assert.equal(matchSecondsLeft(6000, 0, 60), 100);
  assert.equal(matchSecondsLeft(6000, 5941, 60), 1);
  assert.equal(matchSecondsLeft(6000, 6000, 60), 0);
  assert.equal(matchSecondsLeft(6000, 7000, 60), 0);
  assert.equal(matchSecondsLeft(6000, 0, 0), null);
});

test('the respawn banner counts down', () => {
  assert.equal(respawnText(1.94), 'You died — respawning in 1.9 s');
  assert.equal(respawnText(0), 'You died — respawning…');
  assert.equal(respawnText(-0.3), 'You died — respawning…');
});
