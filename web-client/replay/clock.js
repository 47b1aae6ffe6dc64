// @ts-check
// The replay's clock: the match's tick as the viewer plays it, instead of the server's. It runs at
// the recording's tick rate times the chosen speed while playing, stands still while paused, and
// stops (pauses) at the last tick; playing from the end starts over.

/** The speeds offered. */
export const SPEEDS = /** @type {const} */ ([0.25, 0.5, 1, 2, 4]);

export class ReplayClock {
  /**
   * @param {number} firstTick
   * @param {number} lastTick
   * @param {number} tickRate ticks a second of the recording
   */
  constructor(firstTick, lastTick, tickRate) {
    this.firstTick = firstTick;
    this.lastTick = lastTick;
    this.tickRate = tickRate;
    /** The tick shown (fractional between snapshots). */
    this.tick = firstTick;
    this.playing = true;
    /** @type {number} */
    this.speed = 1;
  }

  /**
   * Moves on by `elapsedMs` of the page's time (nothing while paused).
   * @param {number} elapsedMs
   */
  advance(elapsedMs) {
    if (!this.playing || elapsedMs <= 0) return;
    this.tick = Math.min(this.lastTick, this.tick + (elapsedMs / 1000) * this.tickRate * this.speed);
    if (this.tick >= this.lastTick) this.playing = false;
  }

  /** @param {number} tick clamped to the recording */
  seek(tick) {
    this.tick = Math.min(this.lastTick, Math.max(this.firstTick, tick));
  }

  /** Plays (from the start, at the end) or pauses. */
  toggle() {
    if (this.playing) this.playing = false;
    else {
      if (this.tick >= this.lastTick) this.tick = this.firstTick;
      this.playing = true;
    }
  }

  /** @param {number} speed one of {@link SPEEDS} (anything else is ignored) */
  setSpeed(speed) {
    if (/** @type {readonly number[]} */ (SPEEDS).includes(speed)) this.speed = speed;
  }

  /** Seconds from the first tick to `tick`. @param {number} tick */
  seconds(tick = this.tick) {
    return (tick - this.firstTick) / this.tickRate;
  }
}

/**
 * A time as the seek bar shows it: m:ss.
 * @param {number} seconds
 * @returns {string}
 */
export function timeText(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
