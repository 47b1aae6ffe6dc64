// @ts-check
// The index of a viewer stream, built once after it loads: its snapshots by tick (which are full:
// the keyframes, the seek points), the room's events by tick (the kills among them: the schema's
// event kind named `kill`), and the scoreboards by tick. Events and scoreboards carry no tick of
// their own: the stream writes a tick's events and scoreboard before the snapshot that follows
// them, so each is given the tick of the next snapshot (the first world that shows it; the last
// snapshot's for those after it).

import { ReplayStreamError } from './stream.js';

/**
 * @typedef {import('./stream.js').ViewerStream} ViewerStream
 * @typedef {import('../netcode/messages.js').WelcomeMsg} WelcomeMsg
 * @typedef {import('../netcode/messages.js').SnapshotMsg} SnapshotMsg
 * @typedef {import('../netcode/messages.js').ScoreEntry} ScoreEntry
 * @typedef {import('../netcode/messages.js').GameEvent} GameEvent
 * @typedef {import('../netcode/schema.js').Schema} Schema
 * @typedef {{tick: number, msg: SnapshotMsg, full: boolean, offset: number}} IndexedSnapshot
 *   `offset`: the message's byte offset in the stream
 * @typedef {{tick: number, event: GameEvent}} IndexedEvent
 * @typedef {{tick: number, killer: number, victim: number}} Kill
 * @typedef {{tick: number, entries: ScoreEntry[]}} IndexedScoreboard
 * @typedef {{welcome: WelcomeMsg, schema: Schema, tickRate: number, firstTick: number,
 *   lastTick: number, snapshots: IndexedSnapshot[], keyframes: number[], events: IndexedEvent[],
 *   kills: Kill[], scoreboards: IndexedScoreboard[]}} StreamIndex
 *   `keyframes`: indices into `snapshots` of the full ones, in order; ticks are unwrapped
 */

/** The event kind whose events are the seek bar's kill markers. */
export const KILL_EVENT = 'kill';

/**
 * Indexes a parsed stream. Refuses one without snapshots, or whose first snapshot is a delta
 * (nothing to apply it to).
 * @param {ViewerStream} stream
 * @returns {StreamIndex}
 * @throws {ReplayStreamError}
 */
export function indexStream(stream) {
  const { welcome, messages } = stream;
  /** @type {IndexedSnapshot[]} */
  const snapshots = [];
  /** @type {number[]} */
  const keyframes = [];
  /** Events and scoreboards waiting for the next snapshot's tick. */
  /** @type {({event: GameEvent} | {entries: ScoreEntry[]})[]} */
  let waiting = [];
  /** @type {IndexedEvent[]} */
  const events = [];
  /** @type {IndexedScoreboard[]} */
  const scoreboards = [];
  const place = (/** @type {number} */ tick) => {
    for (const w of waiting) {
      if ('event' in w) events.push({ tick, event: w.event });
      else scoreboards.push({ tick, entries: w.entries });
    }
    waiting = [];
  };
  for (const m of messages) {
    const msg = m.msg;
    if (msg.type === 'Snapshot') {
      const tick = /** @type {number} */ (m.tick);
      const full = msg.schema !== null;
      if (snapshots.length === 0 && !full) throw new ReplayStreamError(`the first snapshot (tick ${tick}) is a delta: nothing to apply it to`);
      if (full && msg.schema !== welcome.schema.hash) {
        throw new ReplayStreamError(`the snapshot of tick ${tick} is written in another schema than the Welcome's`);
      }
      place(tick);
      if (full) keyframes.push(snapshots.length);
      snapshots.push({ tick, msg, full, offset: m.offset });
    } else if (msg.type === 'Event') waiting.push({ event: msg.event });
    else if (msg.type === 'Scoreboard') waiting.push({ entries: msg.entries });
    // Other messages (none today) play no part in a replay.
  }
  if (snapshots.length === 0) throw new ReplayStreamError('the stream holds no snapshot');
  place(snapshots[snapshots.length - 1].tick);
  const kills = events
    .filter((e) => e.event.kind === KILL_EVENT)
    .map((e) => ({ tick: e.tick, killer: Number(e.event.fields.killer), victim: Number(e.event.fields.victim) }));
  return {
    welcome,
    schema: welcome.schema,
    tickRate: welcome.tick_rate,
    firstTick: snapshots[0].tick,
    lastTick: snapshots[snapshots.length - 1].tick,
    snapshots,
    keyframes,
    events,
    kills,
    scoreboards,
  };
}

/**
 * The index of the last item whose tick is at or before `tick` (-1: none), for any list in tick
 * order.
 * @param {{tick: number}[]} list
 * @param {number} tick
 * @returns {number}
 */
export function atOrBefore(list, tick) {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid].tick <= tick) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/**
 * The scoreboard as it stood at `tick`: the last one at or before it (none before the first).
 * @param {StreamIndex} index
 * @param {number} tick
 * @returns {ScoreEntry[]}
 */
export function scoreboardAt(index, tick) {
  const i = atOrBefore(index.scoreboards, tick);
  return i < 0 ? [] : index.scoreboards[i].entries;
}
