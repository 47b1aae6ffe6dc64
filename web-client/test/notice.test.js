// The notice banner: text, a countdown from seconds_left, hidden again when done.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { NoticeBanner } from '../notice.js';

test('a notice with seconds left counts down once, in its own words, and stays until cleared', () => {
  const el = { textContent: '', hidden: true };
  const banner = new NoticeBanner(/** @type {any} */ (el));
  banner.show(1000, 'The server is restarting; this match ends in 30 s', 30);
  assert.equal(el.hidden, false);
  assert.equal(el.textContent, 'The server is restarting; this match ends in 30 s');
  banner.render(1000 + 10_500);
  assert.equal(el.textContent, 'The server is restarting; this match ends in 20 s');
  banner.render(1000 + 40_000);
  assert.equal(el.textContent, 'The server is restarting; this match ends in 0 s');
  banner.clear();
  assert.equal(el.hidden, true);
  // A text that names no number gets the countdown after it.
  banner.show(0, 'Maintenance soon', 5);
  assert.equal(el.textContent, 'Maintenance soon (5 s left)');
});

test('a notice without a countdown shows for a while, then hides', () => {
  const el = { textContent: '', hidden: true };
  const banner = new NoticeBanner(/** @type {any} */ (el));
  banner.show(0, 'Maintenance at noon', null);
  assert.equal(el.textContent, 'Maintenance at noon');
  assert.equal(el.hidden, false);
  banner.render(60_000);
  assert.equal(el.hidden, true);
});
