// The server tick clock: estimates the server's current tick from pongs and snapshot ticks, the
// timeline on which snapshots arrive, and the adaptive interpolation delay behind it.
// Time comes in as arguments (milliseconds, e.g. performance.now()); nothing here reads a clock.

/** Estimates further off than this many seconds are replaced, not blended. */
const SNAP_SECONDS = 1;
/** Weight of each new sample in the running estimates. */
const BLEND = 0.1;

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
    /** @type {number | null} tick of snapshots as they arrive = now * ticksPerMs + arrivalOffset */
    this.arrivalOffset = null;
    /** Mean absolute deviation of snapshot arrivals from the arrival timeline, in ticks. */
    this.jitterTicks = 0;
    /** Latest round-trip time, ms (0 until a pong). */
    this.rttMs = 0;
    /** Smoothed round-trip time, ms. */
    this.srttMs = 0;
    /** Current interpolation delay, in ticks. */
    this.delayTicks = this.targetDelayTicks();
  }

  /** Ticks between two snapshots. */
  snapshotIntervalTicks() {
    return this.tickRate / this.snapshotRate;
  }

  /** @returns {number} ~2 snapshot intervals plus twice the jitter, capped at 0.5 s */
  targetDelayTicks() {
    const d = 2 * this.snapshotIntervalTicks() + 2 * this.jitterTicks;
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
    if (this.arrivalOffset === null || Math.abs(sample - this.arrivalOffset) > SNAP_SECONDS * this.tickRate) {
      this.arrivalOffset = sample;
      this.jitterTicks = 0;
    } else {
      const dev = sample - this.arrivalOffset;
      this.jitterTicks += (Math.abs(dev) - this.jitterTicks) * BLEND;
      this.arrivalOffset += dev * BLEND;
    }
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
   * @param {number} nowMs
   * @returns {number} the tick remote entities are drawn at: arrival timeline minus the delay
   */
  renderTick(nowMs) {
    if (this.arrivalOffset === null) return 0;
    return nowMs * this.ticksPerMs + this.arrivalOffset - this.delayTicks;
  }
}
