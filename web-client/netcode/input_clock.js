// @ts-check
// The input clock: one input per server tick, from a timer rather than the display's frames, so
// that inputs leave at the server's cadence whatever the screen's refresh rate. The server's pace
// hint (a snapshot's `pace`, in percent) stretches or shortens the period a little, to keep the
// server's input buffer at its target. Time and the timer come in as arguments (tests fake them).

/**
 * Later than this many periods, the clock drops the time instead of catching up (the page was
 * frozen); up to it, a late timer sends every input it owes at once, so that a busy page keeps
 * its place in the server's timeline and the server's repeats stand in for what came late.
 */
export const RESYNC_PERIODS = 15;
/** The pace taken from the server, in percent either way (protocol MAX_PACE). */
export const MAX_PACE = 5;

/**
 * @typedef {{now: () => number, setTimeout: (cb: () => void, ms: number) => any,
 *   clearTimeout: (id: any) => void}} Timers
 */

export class InputClock {
  /**
   * @param {number} tickRate server ticks per second
   * @param {() => void} onTick called once per input to send
   * @param {Timers} timers
   */
  constructor(tickRate, onTick, timers) {
    this.periodMs = 1000 / tickRate;
    this.onTick = onTick;
    this.timers = timers;
    /** Percent the period is stretched by (negative: shortened). */
    this.pace = 0;
    /** When the next input is due, ms; null while stopped. */
    this.next = /** @type {number | null} */ (null);
    /** When the last input was sent, ms. */
    this.lastAt = 0;
    /** Inputs sent since the start. */
    this.sent = 0;
    /** Times the clock was so late that it dropped time. */
    this.resyncs = 0;
    /** Times the timer fired so late that more than one input left at once (a busy page). */
    this.bursts = 0;
    this.timer = /** @type {any} */ (null);
  }

  /** The current period between inputs, ms. */
  currentPeriod() {
    return this.periodMs * (1 + this.pace / 100);
  }

  /** @param {number} pace percent from the server's snapshot */
  setPace(pace) {
    this.pace = Math.max(-MAX_PACE, Math.min(MAX_PACE, pace | 0));
  }

  /** True while running. */
  running() {
    return this.next !== null;
  }

  /** Starts (or restarts, resynchronised) with the first input right away. */
  start() {
    this.stop();
    const now = this.timers.now();
    this.next = now;
    this.fire();
  }

  /** Stops; nothing more is sent until `start`. */
  stop() {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
    this.next = null;
  }

  /** Sends what is due and sets the timer for the next one. */
  fire() {
    this.timer = null;
    if (this.next === null) return;
    const now = this.timers.now();
    const period = this.currentPeriod();
    if (now - this.next > RESYNC_PERIODS * period) {
      // Far behind (the page was frozen): drop the time rather than burst inputs.
      this.next = now;
      this.resyncs++;
    }
    let steps = 0;
    while (this.next !== null && now >= this.next && steps <= RESYNC_PERIODS) {
      this.lastAt = now;
      this.next += period;
      this.sent++;
      steps++;
      this.onTick();
    }
    if (steps > 1) this.bursts++;
    if (this.next === null) return;
    if (now >= this.next) this.next = now + period;
    this.timer = this.timers.setTimeout(() => this.fire(), Math.max(0, this.next - now));
  }

  /**
   * How far the current tick has gone, 0..1, for drawing the own player between two ticks.
   * @param {number} now
   */
  alpha(now) {
    return Math.min(1, Math.max(0, (now - this.lastAt) / this.currentPeriod()));
  }
}
