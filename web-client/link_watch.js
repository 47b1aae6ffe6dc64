// The link watch: notices that snapshots stopped coming (the link stalled, or the page went
// offline) long before the socket reports anything, and when they come back. While the link is
// stalled the page says so and sends no inputs: a stalled link holds every input sent into it and
// delivers them together when it clears, too late for the server to apply. When snapshots come
// back the input clock starts again in step, and its first input carries the player's current
// wish: what the page owes the server, collapsed into one input. Time comes in as arguments.

/** Snapshots missing for this long mean the link stalled (well above a 250 ms hiccup). */
export const STALL_MS = 600;

/** What the page shows while the link is stalled. */
export const STALL_TEXT = 'Connection lost, reconnecting…';

export class LinkWatch {
  /** @param {number} [stallMs] */
  constructor(stallMs = STALL_MS) {
    this.stallMs = stallMs;
    /** When the last snapshot came, ms; null before the first one of a session. */
    this.lastAt = /** @type {number | null} */ (null);
    /** True while snapshots are missing. */
    this.stalled = false;
    /** Stalls seen since the page opened. */
    this.stalls = 0;
    /** How long after the last snapshot the latest stall was noticed, ms. */
    this.noticedAfterMs = 0;
  }

  /**
   * A new session: no snapshot yet, nothing stalled. A server that sends few snapshots a second
   * (`snapshotRate`) leaves gaps of its own: a stall is then three of them missing.
   * @param {number} [snapshotRate] snapshots a second
   */
  reset(snapshotRate) {
    this.lastAt = null;
    this.stalled = false;
    if (snapshotRate) this.stallMs = Math.max(STALL_MS, 3000 / snapshotRate);
  }

  /**
   * A snapshot came.
   * @param {number} now
   * @returns {boolean} true when it ends a stall
   */
  onSnapshot(now) {
    this.lastAt = now;
    const resumed = this.stalled;
    this.stalled = false;
    return resumed;
  }

  /**
   * Looks at the time since the last snapshot.
   * @param {number} now
   * @returns {boolean} true when a stall starts now
   */
  check(now) {
    if (this.stalled || this.lastAt === null || now - this.lastAt < this.stallMs) return false;
    this.stalled = true;
    this.stalls++;
    this.noticedAfterMs = now - this.lastAt;
    return true;
  }
}
