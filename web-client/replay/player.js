// @ts-check
// A replay's playback, without the page: the replay clock, the worlds of the stream's snapshots
// (replay_worlds.js), and the same interpolation buffer live play draws from (../interp.js),
// filled from the stream instead of the socket. The render tick is the replay clock's tick, so
// a paused replay shows one tick exactly: a seek lands on a snapshot (the one at or before the
// target) and draws its world as decoded.

import { InterpBuffer } from '../interp.js';
import { ReplayClock } from './clock.js';
import { ReplayWorlds } from './replay_worlds.js';
import { scoreboardAt } from './stream_index.js';

/**
 * @typedef {import('./stream_index.js').StreamIndex} StreamIndex
 * @typedef {import('./stream_index.js').Kill} Kill
 * @typedef {import('../interp.js').RenderEntity} RenderEntity
 */

/** A kill marker jumps this long before its kill. */
export const KILL_LEAD_SECONDS = 2;
/** Snapshots the interpolation buffer keeps. */
const BUFFERED = 8;

export class ReplayPlayer {
  /** @param {StreamIndex} index */
  constructor(index) {
    this.index = index;
    this.worlds = new ReplayWorlds(index);
    this.clock = new ReplayClock(index.firstTick, index.lastTick, index.tickRate);
    this.interp = new InterpBuffer(index.schema, BUFFERED, index.tickRate);
    /** The next snapshot to push into the buffer. */
    this.next = 0;
    /** Seeks made, and the bodies the last one applied (its cost). */
    this.seeks = 0;
    this.lastSeekApplied = 0;
    this.seek(index.firstTick);
  }

  /**
   * Jumps to the snapshot at or before `tick`: the keyframe at or before it, then the deltas up
   * to it. Playing or paused stays as it was.
   * @param {number} tick
   */
  seek(tick) {
    const i = this.worlds.snapshotAtOrBefore(tick);
    const s = this.index.snapshots[i];
    const world = this.worlds.worldAt(i);
    this.lastSeekApplied = this.worlds.lastApplied;
    this.seeks++;
    this.clock.seek(s.tick);
    this.interp.clear();
    this.interp.push(s.tick, world);
    this.next = i + 1;
  }

  /** Jumps a moment ({@link KILL_LEAD_SECONDS}) before kill `k`. @param {number} k */
  seekToKill(k) {
    const kill = this.index.kills[k];
    if (kill) this.seek(kill.tick - KILL_LEAD_SECONDS * this.index.tickRate);
  }

  /**
   * One frame: the clock moves on by `elapsedMs`, and the buffer gets every snapshot up to the
   * first at or past the clock's tick (interpolation needs the one after).
   * @param {number} elapsedMs
   */
  advance(elapsedMs) {
    this.clock.advance(elapsedMs);
    const { snapshots } = this.index;
    while (this.next < snapshots.length && (this.interp.newestTick() ?? -Infinity) < this.clock.tick) {
      const s = snapshots[this.next];
      this.interp.push(s.tick, this.worlds.worldAt(this.next));
      this.next++;
    }
  }

  /** The entities drawn at the clock's tick (world units). @returns {RenderEntity[]} */
  sample() {
    return this.interp.sample(this.clock.tick);
  }

  /** The scoreboard as it stood at the clock's tick. */
  scoreboard() {
    return scoreboardAt(this.index, Math.floor(this.clock.tick));
  }
}
