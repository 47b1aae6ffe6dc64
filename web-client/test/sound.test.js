// Sound: the audio made ahead of the first key, resumed (not made) by it, and nothing made while
// muted.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { MUTE_KEY, Sound } from '../sound.js';

/** An AudioContext that counts how often it is made and resumed, suspended until resumed. */
class FakeContext {
  static made = 0;
  static resumed = 0;
  constructor() {
    FakeContext.made++;
    this.state = 'suspended';
  }
  resume() {
    FakeContext.resumed++;
    this.state = 'running';
    return Promise.resolve();
  }
}

/** @param {Record<string, string>} items */
function storage(items) {
  return {
    getItem: (/** @type {string} */ k) => items[k] ?? null,
    setItem: (/** @type {string} */ k, /** @type {string} */ v) => {
      items[k] = v;
    },
  };
}

test('the audio is made ahead of the first key, which only resumes it', () => {
  const g = /** @type {any} */ (globalThis);
  const before = g.AudioContext;
  g.AudioContext = FakeContext;
  try {
    FakeContext.made = FakeContext.resumed = 0;
    const sound = new Sound(storage({}));
    sound.prepare();
    sound.prepare();
    assert.equal(FakeContext.made, 1, 'made once');
    assert.equal(sound.ctx?.state, 'suspended', 'silent until a key');
    sound.unlock();
    sound.unlock();
    assert.deepEqual([FakeContext.made, FakeContext.resumed], [1, 1], 'the key resumes it');
    assert.equal(sound.ctx?.state, 'running');

    // Without `prepare` (it has not run yet), the first key makes it.
    FakeContext.made = FakeContext.resumed = 0;
    const late = new Sound(storage({}));
    late.unlock();
    assert.deepEqual([FakeContext.made, FakeContext.resumed], [1, 1]);

    // Muted: nothing is made until the sound is turned on, which makes and starts it.
    FakeContext.made = FakeContext.resumed = 0;
    const muted = new Sound(storage({ [MUTE_KEY]: '1' }));
    muted.prepare();
    muted.unlock();
    assert.equal(FakeContext.made, 0);
    assert.equal(muted.toggle(), false);
    assert.deepEqual([FakeContext.made, FakeContext.resumed], [1, 1]);
  } finally {
    g.AudioContext = before;
  }
});

test('a page without audio plays nothing and throws nothing', () => {
  const g = /** @type {any} */ (globalThis);
  const before = g.AudioContext;
  g.AudioContext = undefined;
  try {
    const sound = new Sound(null);
    sound.prepare();
    sound.unlock();
    sound.play('shot');
    assert.equal(sound.ctx, null);
  } finally {
    g.AudioContext = before;
  }
});
