// @ts-check
// Network and frame statistics over sliding windows: rates per second and a byte history for
// the net graph. Time comes in as arguments (ms).

export class RateMeter {
  /** @param {number} [windowMs] */
  constructor(windowMs = 1000) {
    this.windowMs = windowMs;
    /** @type {{t: number, v: number}[]} */
    this.samples = [];
    this.sum = 0;
  }

  /** @param {number} nowMs @param {number} [value] */
  add(nowMs, value = 1) {
    this.samples.push({ t: nowMs, v: value });
    this.sum += value;
    this.trim(nowMs);
  }

  /** @param {number} nowMs */
  trim(nowMs) {
    while (this.samples.length && this.samples[0].t <= nowMs - this.windowMs) {
      this.sum -= this.samples[0].v;
      this.samples.shift();
    }
  }

  /**
   * @param {number} nowMs
   * @returns {number} sum of values per second over the window
   */
  perSecond(nowMs) {
    this.trim(nowMs);
    return (this.sum * 1000) / this.windowMs;
  }

  reset() {
    this.samples = [];
    this.sum = 0;
  }
}

/** Bytes of each snapshot over the last seconds, for the net graph. */
export class ByteHistory {
  /** @param {number} [windowMs] */
  constructor(windowMs = 5000) {
    this.windowMs = windowMs;
    /** @type {{t: number, bytes: number}[]} */
    this.points = [];
  }

  /** @param {number} nowMs @param {number} bytes */
  add(nowMs, bytes) {
    this.points.push({ t: nowMs, bytes });
    while (this.points.length && this.points[0].t < nowMs - this.windowMs) this.points.shift();
  }
}
