// @ts-check
// The server tick clock: estimates the server's current tick from pongs and snapshot ticks, the
// timeline on which snapshots arrive, the adaptive interpolation delay behind it, and the render
// timeline, which follows it by changing speed, never by jumping back.
// Time comes in as arguments (milliseconds, e.g. performance.now()); nothing here reads a clock.

/** Estimates further off than this many seconds are replaced, not blended. */
const SNAP_SECONDS = 1;
/** Weight of each new sample in the running estimates. */
const BLEND = 0.1;
/** How fast the lateness estimate follows a later snapshot, and an earlier one. */
const JITTER_RISE = 0.3;
const JITTER_FALL = 0.02;
/** How fast the arrival timeline drifts down between snapshots (ticks a second at 60 Hz). */
const DRIFT_TICKS_PER_SECOND = 0.5;
/** The render timeline's playback rate stays within 1 +- this. */
export const MAX_RATE_CHANGE = 0.1;
/** The render timeline aims to close a tick of error in about this many ms. */
const CATCH_UP_MS = 500;

/**
 * Unwraps u32 ticks into a monotonic number line, relative to the ticks seen before.
 */
export class TickUnwrapper {
  constructor() {
    /** @type {number | null} */
    this.last = null;
  }

  /**
   * @param {number} tick a u32 tick
   * @returns {number} the same tick on an unwrapped (unbounded) line
   */
  unwrap(tick) {
    if (this.last === null) {
      this.last = tick >>> 0;
      return this.last;
    }
    const diff = ((tick >>> 0) - (this.last >>> 0)) | 0;
    const v = this.last + diff;
    if (v > this.last) this.last = v;
    return v;
  }
}

export class ServerClock {
  /**
   * @param {number} tickRate simulation ticks per second
   * @param {number} snapshotRate snapshots per second
   */
  constructor(tickRate, snapshotRate) {
    this.tickRate = tickRate;
    this.snapshotRate = Math.max(1, Math.min(snapshotRate, tickRate));
    this.ticksPerMs = tickRate / 1000;
    this.unwrapper = new TickUnwrapper();
    /** @type {number | null} server tick = now * ticksPerMs + offset */
    this.offset = null;
    /**
     * @type {number | null} the arrival timeline of the quickest snapshots:
     * tick = now * ticksPerMs + arrivalOffset. It follows the earliest arrivals at once and drifts
     * down slowly, so that a late snapshot never moves it back.
     */
    this.arrivalOffset = null;
    /** @type {number | null} when the arrival timeline was last updated, ms */
    this.arrivalAt = null;
    /** How late snapshots arrive behind the quickest ones, in ticks: rises fast, decays slowly. */
    this.jitterTicks = 0;
    /** Latest round-trip time, ms (0 until a pong). */
    this.rttMs = 0;
    /** Smoothed round-trip time, ms. */
    this.srttMs = 0;
    /** Current interpolation delay, in ticks. */
    this.delayTicks = this.targetDelayTicks();
    /** @type {number | null} the render timeline: the tick drawn at `renderAt` */
    this.rendered = null;
    /** @type {number} when `rendered` was computed, ms */
    this.renderAt = 0;
    /** The playback rate of the last frame: 1 is real time. */
    this.rate = 1;
    /** Snapshots that arrived later than a snapshot interval behind the quickest ones. */
    this.late = 0;
    /** Snapshots the server sent but this client never got (a slow link skips them). */
    this.skipped = 0;
    /** @type {number | null} unwrapped tick of the last snapshot */
    this.lastTick = null;
  }

  /** Ticks between two snapshots. */
  snapshotIntervalTicks() {
    return this.tickRate / this.snapshotRate;
  }

  /** @returns {number} a snapshot interval, the lateness seen, and half a tick; at most 0.5 s */
  targetDelayTicks() {
    const d = this.snapshotIntervalTicks() + this.jitterTicks + 0.5;
    return Math.min(d, this.tickRate / 2);
  }

  /**
   * @param {number} tick u32 tick the Welcome carried
   * @param {number} nowMs
   */
  onWelcome(tick, nowMs) {
    const t = this.unwrapper.unwrap(tick);
    this.offset = t - nowMs * this.ticksPerMs;
  }

  /**
   * A snapshot of `tick` arrived at `nowMs`.
   * @param {number} tick u32
   * @param {number} nowMs
   * @returns {number} the unwrapped tick
   */
  onSnapshot(tick, nowMs) {
    const t = this.unwrapper.unwrap(tick);
    const sample = t - nowMs * this.ticksPerMs;
    if (this.lastTick !== null && t > this.lastTick) {
      const gap = Math.round((t - this.lastTick) / this.snapshotIntervalTicks()) - 1;
      if (gap > 0) this.skipped += gap;
    }
    this.lastTick = t;
    if (this.arrivalOffset === null || this.arrivalAt === null) {
      this.arrivalOffset = sample;
    } else {
      const drifted = this.arrivalOffset - DRIFT_TICKS_PER_SECOND * ((nowMs - this.arrivalAt) / 1000) * (this.tickRate / 60);
      this.arrivalOffset = Math.max(sample, drifted);
    }
    this.arrivalAt = nowMs;
    // Lateness behind the quickest arrivals: a stall raises it at once; it comes down slowly,
    // and never to zero because of one bad gap.
    const lateness = Math.min(this.arrivalOffset - sample, this.tickRate);
    if (lateness > this.snapshotIntervalTicks()) this.late++;
    const k = lateness > this.jitterTicks ? JITTER_RISE : JITTER_FALL;
    this.jitterTicks += (lateness - this.jitterTicks) * k;
    // The server's tick now is the snapshot's plus half a round trip.
    this.blendServer(sample + (this.srttMs / 2) * this.ticksPerMs, 0.05);
    this.delayTicks += (this.targetDelayTicks() - this.delayTicks) * BLEND;
    return t;
  }

  /**
   * A pong arrived: the server was at `tick` half a round trip ago.
   * @param {number} tick u32
   * @param {number} rttMs
   * @param {number} nowMs
   */
  onPong(tick, rttMs, nowMs) {
    this.rttMs = rttMs;
    this.srttMs = this.srttMs === 0 ? rttMs : this.srttMs + (rttMs - this.srttMs) * 0.2;
    const t = this.unwrapper.unwrap(tick);
    this.blendServer(t + (rttMs / 2) * this.ticksPerMs - nowMs * this.ticksPerMs, 0.2);
  }

  /** @param {number} sample @param {number} weight */
  blendServer(sample, weight) {
    if (this.offset === null || Math.abs(sample - this.offset) > SNAP_SECONDS * this.tickRate) this.offset = sample;
    else this.offset += (sample - this.offset) * weight;
  }

  /**
   * @param {number} nowMs
   * @returns {number} estimated current server tick (unwrapped, fractional); 0 before any sample
   */
  serverTick(nowMs) {
    return this.offset === null ? 0 : nowMs * this.ticksPerMs + this.offset;
  }

  /**
   * Where the render timeline should be: the arrival timeline minus the delay.
   * @param {number} nowMs
   */
  renderTarget(nowMs) {
    if (this.arrivalOffset === null) return 0;
    return nowMs * this.ticksPerMs + this.arrivalOffset - this.delayTicks;
  }

  /**
   * The tick remote entities are drawn at. It never goes backwards: it runs a little faster or
   * slower than real time (at most `MAX_RATE_CHANGE` either way) to close on its target, and
   * jumps only forward, when it is more than a second behind (the first snapshot, a reconnect).
   * Call it once per frame.
   * @param {number} nowMs
   * @returns {number}
   */
  renderTick(nowMs) {
    const target = this.renderTarget(nowMs);
    if (this.arrivalOffset === null) return 0;
    if (this.rendered === null || target - this.rendered > SNAP_SECONDS * this.tickRate) {
      this.rendered = Math.max(this.rendered ?? target, target);
      this.renderAt = nowMs;
      this.rate = 1;
      return this.rendered;
    }
    const elapsed = Math.max(0, nowMs - this.renderAt);
    const error = target - this.rendered;
    // Close a tick of error in about CATCH_UP_MS.
    const wanted = 1 + error / (CATCH_UP_MS * this.ticksPerMs);
    this.rate = Math.min(1 + MAX_RATE_CHANGE, Math.max(1 - MAX_RATE_CHANGE, wanted));
    this.rendered += elapsed * this.ticksPerMs * this.rate;
    this.renderAt = nowMs;
    return this.rendered;
  }
}
