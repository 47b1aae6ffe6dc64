// @ts-check
// The world of any snapshot of a viewer stream, by the package's `applyDelta`: the keyframe at or
// before it (a full snapshot), then every delta after it in order, each against the world before.
// The last world made is kept as a cursor, so that playing on applies one delta a snapshot and a
// seek forward within the same keyframe interval continues from where it is.
//
// Cost of a seek: one full snapshot and at most a keyframe interval's deltas (10 s at the
// snapshot rate: 299 deltas at 30 Hz), every one decoded in full; nothing is kept but the cursor,
// so memory stays one world whatever the match's length.

import { applyDelta } from '../netcode/index.js';
import { ReplayStreamError } from './stream.js';
import { atOrBefore } from './stream_index.js';

/**
 * @typedef {import('./stream_index.js').StreamIndex} StreamIndex
 * @typedef {import('../netcode/world.js').World} World
 */

export class ReplayWorlds {
  /** @param {StreamIndex} index */
  constructor(index) {
    this.index = index;
    /** The snapshot index of the world held (-1: none yet). */
    this.at = -1;
    /** @type {World | null} */
    this.world = null;
    /** Bodies applied by the last `worldAt` (1 for playing on; up to a keyframe interval for a seek). */
    this.lastApplied = 0;
    /** Bodies applied in all. */
    this.applied = 0;
  }

  /**
   * The snapshot index whose tick is at or before `tick` (the first snapshot before the stream's
   * first tick).
   * @param {number} tick
   * @returns {number}
   */
  snapshotAtOrBefore(tick) {
    return Math.max(0, atOrBefore(this.index.snapshots, tick));
  }

  /**
   * The world of snapshot `i`: from the cursor when it is at or before `i` in the same keyframe
   * interval, otherwise from the keyframe at or before `i`.
   * @param {number} i
   * @returns {World}
   * @throws {ReplayStreamError} a body that does not apply (a damaged stream)
   */
  worldAt(i) {
    const { snapshots, keyframes, schema } = this.index;
    if (i < 0 || i >= snapshots.length) throw new RangeError(`no snapshot ${i}`);
    const k = keyframes[lastAtMost(keyframes, i)];
    let from = this.at;
    if (this.world === null || from > i || from < k) {
      from = k;
      this.world = this.apply(k, null);
      this.lastApplied = 1;
    } else this.lastApplied = 0;
    for (let j = from + 1; j <= i; j++) {
      this.world = this.apply(j, this.world);
      this.lastApplied++;
    }
    this.at = i;
    return /** @type {World} */ (this.world);
  }

  /**
   * @param {number} j
   * @param {World | null} before the world of snapshot j - 1 (null for a full snapshot)
   * @returns {World}
   */
  apply(j, before) {
    const s = this.index.snapshots[j];
    this.applied++;
    try {
      return s.full ? applyDelta(this.index.schema, s.msg.body, {}) : applyDelta(this.index.schema, s.msg.body, { baseline: before });
    } catch (e) {
      throw new ReplayStreamError(`the snapshot of tick ${s.tick} does not apply: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
}

/**
 * The index of the last number in ascending `list` at most `v` (0 when none is).
 * @param {number[]} list
 * @param {number} v
 * @returns {number}
 */
function lastAtMost(list, v) {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid] <= v) lo = mid + 1;
    else hi = mid;
  }
  return Math.max(0, lo - 1);
}
