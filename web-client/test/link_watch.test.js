import test from 'node:test';
import assert from 'node:assert/strict';

import { LinkWatch, STALL_MS } from '../link_watch.js';

test('a stall starts once snapshots are missing for STALL_MS, and ends with the next one', () => {
  const w = new LinkWatch();
  assert.equal(w.check(10_000), false, 'no snapshot yet: nothing to miss');
  w.onSnapshot(0);
  assert.equal(w.check(STALL_MS - 1), false, 'a hiccup is not a stall');
  assert.equal(w.check(STALL_MS + 40), true, 'the stall starts');
  assert.equal(w.noticedAfterMs, STALL_MS + 40);
  assert.equal(w.check(STALL_MS + 500), false, 'and is reported once');
  assert.equal(w.stalled, true);
  assert.equal(w.onSnapshot(5000), true, 'the next snapshot ends it');
  assert.equal(w.stalled, false);
  assert.equal(w.onSnapshot(5033), false, 'snapshots in a row end nothing');
  assert.equal(w.stalls, 1);
});

test('a new session starts unstalled and waits for its first snapshot', () => {
  const w = new LinkWatch(100);
  w.onSnapshot(0);
  assert.equal(w.check(200), true);
  w.reset();
  assert.equal(w.stalled, false);
  assert.equal(w.check(10_000), false);
});

test('a server that sends few snapshots a second is not taken for a stall', () => {
  const w = new LinkWatch();
  w.reset(2);
  w.onSnapshot(0);
  assert.equal(w.check(1000), false, 'two missing snapshots are its pace');
  assert.equal(w.check(1500), true, 'three are a stall');
  w.reset(30);
  assert.equal(w.stallMs, STALL_MS);
});
