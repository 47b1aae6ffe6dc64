// The replay viewer's playback: a seek (the keyframe at or before, then deltas forward) gives the
// same world as playing through, and costs at most a keyframe interval's bodies; the replay
// clock's speeds and pause; kill markers land a moment before their kill; a damaged body is
// refused with a clear error where it is applied.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { parseViewerStream, ReplayStreamError } from '../replay/stream.js';
import { indexStream } from '../replay/stream_index.js';
import { ReplayWorlds } from '../replay/replay_worlds.js';
import { ReplayClock, SPEEDS, timeText } from '../replay/clock.js';
import { KILL_LEAD_SECONDS, ReplayPlayer } from '../replay/player.js';
import { arenaEntities } from '../arena_entities.js';
import { ARENA_SCHEMA } from '../arena_schema.js';
import { FIRST_TICK, KEYFRAME_EVERY, TICK_RATE, buildStream } from './replay_fixture.js';

const SNAPSHOTS = 200;

/** @param {Uint8Array} bytes */
const indexOf = (bytes) => indexStream(parseViewerStream(bytes));

test('every world decodes to the world written, played through or sought in any order', () => {
  const { bytes, worlds } = buildStream(SNAPSHOTS);
  const index = indexOf(bytes);
  const through = new ReplayWorlds(index);
  for (let i = 0; i < SNAPSHOTS; i++) {
    assert.deepEqual(arenaEntities(ARENA_SCHEMA, through.worldAt(i)), arenaEntities(ARENA_SCHEMA, worlds[i]), `snapshot ${i}`);
    assert.ok(through.lastApplied <= 1, 'playing on applies one body a snapshot');
  }
  // Seeks, backwards and forwards, each from a fresh reader and from one that moved about.
  const sought = new ReplayWorlds(index);
  for (const i of [157, 3, 199, 40, 39, 41, 120, 0, 121, 98]) {
    const fresh = new ReplayWorlds(index).worldAt(i);
    const moved = sought.worldAt(i);
    assert.deepEqual(moved, fresh, `snapshot ${i}`);
    assert.deepEqual(arenaEntities(ARENA_SCHEMA, moved), arenaEntities(ARENA_SCHEMA, worlds[i]), `snapshot ${i}`);
    // The cost: the keyframe and the deltas after it, never more than one interval.
    assert.ok(sought.lastApplied <= KEYFRAME_EVERY, `seek to ${i} applied ${sought.lastApplied}`);
  }
  const cold = new ReplayWorlds(index);
  cold.worldAt(KEYFRAME_EVERY * 3 + KEYFRAME_EVERY - 1);
  assert.equal(cold.lastApplied, KEYFRAME_EVERY, 'the last snapshot of an interval: its keyframe and every delta');
});

test('the player: a seek lands on the snapshot at or before and draws exactly its world; playing interpolates', () => {
  const { bytes, worlds } = buildStream(SNAPSHOTS);
  const player = new ReplayPlayer(indexOf(bytes));
  player.clock.playing = false;
  const drawn = () => player.sample().map((e) => ({ id: e.id, x: e.x, y: e.y }));
  const written = (/** @type {number} */ i) => arenaEntities(ARENA_SCHEMA, worlds[i]).map((e) => ({ id: e.id, x: e.x, y: e.y }));
  player.seek(FIRST_TICK + 101);
  assert.equal(player.clock.tick, FIRST_TICK + 100, 'the snapshot at or before');
  player.advance(16);
  assert.deepEqual(drawn(), written(50));
  assert.equal(player.clock.tick, FIRST_TICK + 100, 'paused: the tick holds');
  // Playing: between two snapshots, the positions are between theirs.
  player.clock.playing = true;
  player.advance(1000 / TICK_RATE);
  assert.equal(player.clock.tick, FIRST_TICK + 101);
  const mid = player.sample().find((e) => e.id === 1);
  const [a, b] = [written(50)[0], written(51)[0]];
  assert.ok(mid && Math.abs(mid.x - (a.x + b.x) / 2) < 1e-9, `${mid?.x} between ${a.x} and ${b.x}`);
  // Play through to a tick and seek to the same tick: the same entities drawn.
  player.advance(1000);
  player.clock.playing = false;
  const t = player.clock.tick;
  assert.equal(t, FIRST_TICK + 161);
  player.advance(1000 / TICK_RATE / 2);
  player.seek(FIRST_TICK + 160);
  const viaSeek = drawn();
  const other = new ReplayPlayer(indexOf(bytes));
  other.advance(160 * 1000 / TICK_RATE);
  other.clock.playing = false;
  assert.equal(other.clock.tick, FIRST_TICK + 160);
  assert.deepEqual(other.sample().map((e) => ({ id: e.id, x: e.x, y: e.y })), viaSeek);
  assert.deepEqual(viaSeek, written(80));
});

test('the clock: speeds, pause, the end, and playing again from the start', () => {
  const clock = new ReplayClock(1000, 1000 + 60 * 60, 60);
  assert.deepEqual([...SPEEDS], [0.25, 0.5, 1, 2, 4]);
  clock.advance(1000);
  assert.equal(clock.tick, 1060);
  clock.setSpeed(4);
  clock.advance(1000);
  assert.equal(clock.tick, 1300, '4x: four seconds of the match a second');
  clock.setSpeed(0.25);
  clock.advance(1000);
  assert.equal(clock.tick, 1315);
  clock.setSpeed(3);
  assert.equal(clock.speed, 0.25, 'not a speed offered');
  clock.toggle();
  clock.advance(5000);
  assert.equal(clock.tick, 1315, 'paused');
  clock.toggle();
  clock.setSpeed(4);
  clock.advance(60_000);
  assert.equal(clock.tick, 1000 + 3600, 'stops at the end');
  assert.equal(clock.playing, false);
  clock.toggle();
  assert.equal(clock.tick, 1000, 'play at the end starts over');
  clock.seek(-5);
  assert.equal(clock.tick, 1000);
  assert.equal(clock.seconds(1000 + 125 * 60), 125);
  assert.equal(timeText(125.9), '2:05');
});

test('a kill marker jumps a moment before its kill', () => {
  const player = new ReplayPlayer(indexOf(buildStream(SNAPSHOTS).bytes));
  const kills = player.index.kills;
  assert.equal(kills.length, 3);
  for (let k = 0; k < kills.length; k++) {
    player.seekToKill(k);
    const before = kills[k].tick - player.clock.tick;
    assert.ok(before > 0 && before <= KILL_LEAD_SECONDS * TICK_RATE + 2, `kill ${k}: ${before} ticks before`);
    if (kills[k].tick - KILL_LEAD_SECONDS * TICK_RATE < FIRST_TICK) assert.equal(player.clock.tick, FIRST_TICK);
  }
});

test('a damaged snapshot body is refused where it is applied, with the tick named', () => {
  const { bytes } = buildStream(60);
  const index = indexOf(bytes);
  const s = index.snapshots[25];
  const body = s.msg.body;
  body.fill(0xff, 1);
  const worlds = new ReplayWorlds(index);
  worlds.worldAt(24);
  assert.throws(() => worlds.worldAt(25), (e) => e instanceof ReplayStreamError && e.message.includes(`tick ${s.tick} does not apply`));
});
