// The notice banner: text, a countdown from seconds_left, hidden again when done.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { NoticeBanner } from '../notice.js';

test('a notice with seconds left counts down and stays until cleared', () => {
  const el = { textContent: '', hidden: true };
  const banner = new NoticeBanner(/** @type {any} */ (el));
  banner.show(1000, 'The server is restarting; this match ends in 30 s', 30);
  assert.equal(el.hidden, false);
  assert.equal(el.textContent, 'The server is restarting; this match ends in 30 s (30 s left)');
  banner.render(1000 + 10_500);
  assert.equal(el.textContent, 'The server is restarting; this match ends in 30 s (20 s left)');
  banner.render(1000 + 40_000);
  assert.match(el.textContent, /\(0 s left\)$/);
  banner.clear();
  assert.equal(el.hidden, true);
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
