// The replay viewer's stream: a viewer stream (crates/replay's StreamEncoder format) read by the
// netcode package's decoder, indexed (keyframes, ticks, kills, scoreboards), and refused with a
// clear error when it is not one, is cut off or is damaged.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ReplayStreamError, parseViewerStream } from '../replay/stream.js';
import { atOrBefore, indexStream, scoreboardAt } from '../replay/stream_index.js';
import { ReplayLoadError, loadReplay, refusalText, replayUrl } from '../replay/load.js';
import { assertTypeChecks } from './tsc.js';
import { FIRST_TICK, KEYFRAME_EVERY, KILL_TICKS, TICKS_PER_SNAPSHOT, buildStream } from './replay_fixture.js';

const PAGE = new URL('../replay/', import.meta.url).pathname;

test('a viewer stream parses: the Welcome first, then every message with its offset', () => {
  const { bytes } = buildStream(100);
  const stream = parseViewerStream(bytes);
  assert.equal(stream.welcome.type, 'Welcome');
  assert.equal(stream.welcome.spectator, true);
  assert.equal(stream.welcome.schema.desc.game, 'arena');
  assert.equal(stream.welcome.tick, FIRST_TICK);
  const snapshots = stream.messages.filter((m) => m.msg.type === 'Snapshot');
  assert.equal(snapshots.length, 100);
  assert.deepEqual(snapshots.slice(0, 3).map((m) => m.tick), [FIRST_TICK, FIRST_TICK + 2, FIRST_TICK + 4]);
  assert.equal(stream.messages[0].offset > 8, true, 'offsets point past the magic and the Welcome');
  for (const m of stream.messages) {
    const len = new DataView(bytes.buffer, bytes.byteOffset + m.offset, 4).getUint32(0, true);
    assert.ok(m.offset + 4 + len <= bytes.length);
  }
});

test('the index: keyframes, first and last tick, kills at the snapshot that shows them, scoreboards by tick', () => {
  const index = indexStream(parseViewerStream(buildStream(200).bytes));
  assert.equal(index.firstTick, FIRST_TICK);
  assert.equal(index.lastTick, FIRST_TICK + 199 * TICKS_PER_SNAPSHOT);
  assert.deepEqual(index.keyframes, Array.from({ length: 10 }, (_, i) => i * KEYFRAME_EVERY));
  assert.ok(index.keyframes.every((k) => index.snapshots[k].full));
  assert.equal(index.snapshots.filter((s) => s.full).length, 10);
  // A kill between snapshots is given the next snapshot's tick (the first world that shows it).
  assert.deepEqual(index.kills.map((k) => k.tick), KILL_TICKS.map((t) => Math.ceil((t - FIRST_TICK) / 2) * 2 + FIRST_TICK));
  assert.deepEqual(index.kills.map((k) => [k.killer, k.victim]), [[1, 2], [2, 3], [3, 1]]);
  assert.equal(index.events.length, 3);
  // The scoreboard as it stood: none of the kills before the first, one after it, ...
  const kills = (/** @type {number} */ t) => scoreboardAt(index, t).map((e) => e.byColumn.kills);
  assert.deepEqual(kills(FIRST_TICK), [0, 0, 0]);
  assert.deepEqual(kills(index.kills[0].tick - 1), [0, 0, 0]);
  assert.deepEqual(kills(index.kills[0].tick), [1, 0, 0]);
  assert.deepEqual(kills(index.lastTick), [1, 1, 1]);
  assert.deepEqual(scoreboardAt(index, FIRST_TICK - 10), [], 'nothing before the first');
  assert.equal(atOrBefore(index.snapshots, FIRST_TICK + 3), 1);
  assert.equal(atOrBefore(index.snapshots, FIRST_TICK - 1), -1);
});

test('streams that are not viewer streams, are cut off or damaged are refused, saying why', () => {
  const { bytes } = buildStream(60);
  const refused = (/** @type {Uint8Array} */ b, /** @type {RegExp} */ why) =>
    assert.throws(() => indexStream(parseViewerStream(b)), (e) => e instanceof ReplayStreamError && why.test(e.message), String(why));
  refused(new TextEncoder().encode('<html>not found</html>'), /not a replay stream/);
  refused(new TextEncoder().encode('TWREPLAY\x01\x00'), /not a replay stream/);
  refused(new TextEncoder().encode('TWVIEW01'), /empty/);
  refused(bytes.subarray(0, bytes.length - 3), /cut off/);
  refused(bytes.subarray(0, 10), /cut off/);
  // A length over the limit.
  const huge = bytes.slice();
  new DataView(huge.buffer).setUint32(8, 0x7fffffff, true);
  refused(huge, /over the limit/);
  // A message that is not a server message.
  const bad = bytes.slice();
  const stream = parseViewerStream(bytes);
  bad[stream.messages[5].offset + 4] = 0x63;
  refused(bad, /does not decode/);
  // Every flipped byte is refused with a ReplayStreamError, or reads (a change inside a value);
  // nothing else is ever thrown.
  for (let at = 8; at < bytes.length; at += 7) {
    const b = bytes.slice();
    b[at] ^= 0x5a;
    try {
      indexStream(parseViewerStream(b));
    } catch (e) {
      assert.ok(e instanceof ReplayStreamError, `byte ${at}: ${e}`);
    }
  }
});

test('loading asks /matches/{id}/replay/view, with the key, and says what a refusal means', async () => {
  assert.equal(replayUrl('42', null), '/matches/42/replay/view');
  assert.equal(replayUrl('4 2', 'k&y'), '/matches/4%202/replay/view?key=k%26y');
  const { bytes } = buildStream(30);
  /** @type {string[]} */
  const asked = [];
  const answer = (/** @type {number} */ status, /** @type {any} */ body) => async (/** @type {string} */ url) => {
    asked.push(url);
    return /** @type {any} */ ({
      ok: status === 200,
      status,
      json: async () => (typeof body === 'string' ? JSON.parse(body) : body),
      arrayBuffer: async () => bytes.slice().buffer,
    });
  };
  const index = await loadReplay('7', 'sekrit', answer(200, null));
  assert.deepEqual(asked, ['/matches/7/replay/view?key=sekrit']);
  assert.equal(index.snapshots.length, 30);
  await assert.rejects(loadReplay('7', null, answer(404, { error: 'no such match' })), (e) => e instanceof ReplayLoadError && e.status === 404 && /no recording of match 7/.test(e.message) && /no such match/.test(e.message));
  await assert.rejects(loadReplay('7', null, answer(403, { error: 'private room' })), (e) => e instanceof ReplayLoadError && /needs the room's key/.test(e.message));
  await assert.rejects(loadReplay('7', 'bad', answer(403, 'not json')), (e) => e instanceof ReplayLoadError && /key does not open/.test(e.message));
  await assert.rejects(loadReplay('7', null, async () => { throw new TypeError('Failed to fetch'); }), (e) => e instanceof ReplayLoadError && /cannot be reached/.test(e.message));
  const corrupt = async () => /** @type {any} */ ({ ok: true, status: 200, arrayBuffer: async () => new TextEncoder().encode('TWVIEW01\x05\x00\x00\x00abc').buffer });
  await assert.rejects(loadReplay('7', null, corrupt), (e) => e instanceof ReplayLoadError && /cannot be played: the stream is cut off/.test(e.message));
  assert.match(refusalText('9', 500, null, false), /status 500/);
});

test('the replay viewer type-checks', (t) => {
  assertTypeChecks(t, PAGE, 'web-client/replay');
});
