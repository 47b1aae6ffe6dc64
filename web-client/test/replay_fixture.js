// A viewer stream written in JS with the package's encoders, as crates/replay's StreamEncoder
// writes one: "TWVIEW01", a spectator's Welcome, full snapshots at keyframes and deltas between,
// kill events and scoreboards before the snapshot that follows them. Not a test file itself.

import { eventIndex, makeEntity, writeDelta, writeRecord } from '../netcode/index.js';
import { ARENA_DESC, ARENA_SCHEMA } from '../arena_schema.js';
import { encodeServerMsg, snapshotBytes, welcomeBytes } from './wire.js';

export const FIRST_TICK = 5000;
export const TICK_RATE = 60;
export const TICKS_PER_SNAPSHOT = 2;
/** Snapshots from one keyframe to the next. */
export const KEYFRAME_EVERY = 20;

/**
 * The world of tick `t`: three players walking their own ways, a projectile now and then.
 * @param {number} t
 */
export function worldOf(t) {
  const s = t - FIRST_TICK;
  const ents = [];
  for (let id = 1; id <= 3; id++) {
    const x = 100 + id * 50 + ((s * id * 0.75) % 400);
    const y = 200 + Math.round(80 * Math.sin((s + id * 30) / 40) * 16) / 16;
    ents.push(makeEntity(ARENA_SCHEMA, id, 'player', { pos: [x, y], angle: (s / 50) % 3, hp: (s + id * 17) % 97 === 0 ? 0 : 100 }));
  }
  if ((s / TICKS_PER_SNAPSHOT) % 10 < 4) ents.push(makeEntity(ARENA_SCHEMA, 50 + Math.floor(s / 20), 'projectile', { pos: [300 + s, 250], angle: 0, hp: 1 }));
  return { tick: t, entities: ents };
}

/** The ticks kills happen at (each shown by the snapshot after it). */
export const KILL_TICKS = [FIRST_TICK + 31, FIRST_TICK + 150, FIRST_TICK + 301];

/**
 * A stream of `snapshots` snapshots.
 * @param {number} [snapshots]
 * @returns {{bytes: Uint8Array, worlds: import('../netcode/world.js').World[]}}
 */
export function buildStream(snapshots = 200) {
  /** @type {Uint8Array[]} */
  const parts = [new TextEncoder().encode('TWVIEW01')];
  const frame = (/** @type {Uint8Array} */ msg) => {
    const len = new Uint8Array(4);
    new DataView(len.buffer).setUint32(0, msg.length, true);
    parts.push(len, msg);
  };
  frame(welcomeBytes({ schema: ARENA_DESC, entityId: 0, tick: FIRST_TICK, tickRate: TICK_RATE, snapshotRate: TICK_RATE / TICKS_PER_SNAPSHOT, spectator: true, room: 0, map: { name: 'test', width: 2000, height: 1200 } }));
  const kill = eventIndex(ARENA_SCHEMA, 'kill');
  const worlds = [];
  /** @type {any} */
  let previous = null;
  let kills = [0, 0, 0];
  for (let i = 0; i < snapshots; i++) {
    const tick = FIRST_TICK + i * TICKS_PER_SNAPSHOT;
    // The ticks since the last snapshot: their events and scoreboard come first.
    for (let t = tick - TICKS_PER_SNAPSHOT + 1; t <= tick && i > 0; t++) {
      const k = KILL_TICKS.indexOf(t);
      if (k < 0) continue;
      frame(encodeServerMsg({ type: 'Event', kind: kill, data: writeRecord(ARENA_SCHEMA.events[kill], { killer: k + 1, victim: ((k + 1) % 3) + 1 }) }));
      kills = kills.map((n, j) => (j === k ? n + 1 : n));
      frame(scoreboard(kills));
    }
    if (i === 0) frame(scoreboard(kills));
    const world = worldOf(tick);
    const full = i % KEYFRAME_EVERY === 0;
    const body = writeDelta(ARENA_SCHEMA, full ? {} : { baseline: previous }, world);
    frame(snapshotBytes({ ack: 0, schema: full ? ARENA_SCHEMA.hash : null, body }));
    worlds.push(world);
    previous = world;
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return { bytes, worlds };
}

/** @param {number[]} kills by player 1..3 */
function scoreboard(kills) {
  return encodeServerMsg({
    type: 'Scoreboard',
    entries: kills.map((k, i) => ({ entity: i + 1, name: `p${i + 1}`, bot: i === 2, columns: [k, 0] })),
  });
}
