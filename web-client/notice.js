// Server notices (ServerMsg::Notice): the text in a banner at the top of the page, with a countdown
// when the notice says how many seconds are left.

/** How long a notice without a countdown stays on screen. */
const SHOW_MS = 10000;

export class NoticeBanner {
  /** @param {HTMLElement} el */
  constructor(el) {
    this.el = el;
    this.text = '';
    /** When the countdown reaches zero (ms, performance.now() time), or null for none. */
    this.endsAt = /** @type {number | null} */ (null);
    this.shownAt = 0;
  }

  /**
   * @param {number} nowMs
   * @param {string} text
   * @param {number | null} secondsLeft
   */
  show(nowMs, text, secondsLeft) {
    this.text = text;
    this.shownAt = nowMs;
    this.endsAt = secondsLeft === null ? null : nowMs + secondsLeft * 1000;
    this.render(nowMs);
  }

  /** @param {number} nowMs */
  render(nowMs) {
    let line = '';
    if (this.text && this.endsAt !== null) {
      const left = Math.max(0, Math.ceil((this.endsAt - nowMs) / 1000));
      line = `${this.text} (${left} s left)`;
    } else if (this.text && nowMs - this.shownAt < SHOW_MS) {
      line = this.text;
    }
    if (this.el.textContent !== line) this.el.textContent = line;
    this.el.hidden = !line;
  }

  /** Hides the notice (a new session starts). */
  clear() {
    this.text = '';
    this.endsAt = null;
    this.el.textContent = '';
    this.el.hidden = true;
  }
}
