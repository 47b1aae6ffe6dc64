// Server notices (ServerMsg::Notice): the text in a banner at the top of the page, with a countdown
// when the notice says how many seconds are left: the notice's own number counts down in place
// (countdown.js), once. The page clears it when its connection closes.

import { noticeLine, secondsLeft } from './countdown.js';

/** How long a notice without a countdown stays on screen. */
const SHOW_MS = 10000;

export class NoticeBanner {
  /** @param {HTMLElement} el */
  constructor(el) {
    this.el = el;
    this.text = '';
    /** When the countdown reaches zero (ms, performance.now() time), or null for none. */
    this.endsAt = /** @type {number | null} */ (null);
    /** The notice's `seconds_left` when it came. */
    this.seconds = 0;
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
    this.seconds = secondsLeft ?? 0;
    this.endsAt = secondsLeft === null ? null : nowMs + secondsLeft * 1000;
    this.render(nowMs);
  }

  /** @param {number} nowMs */
  render(nowMs) {
    let line = '';
    if (this.text && this.endsAt !== null) {
      line = noticeLine(this.text, this.seconds, secondsLeft(this.endsAt, nowMs));
    } else if (this.text && nowMs - this.shownAt < SHOW_MS) {
      line = this.text;
    }
    if (this.el.textContent !== line) this.el.textContent = line;
    this.el.hidden = !line;
  }

  /** Hides the notice (a new session starts, or the connection closed). */
  clear() {
    this.text = '';
    this.endsAt = null;
    this.el.textContent = '';
    this.el.hidden = true;
  }
}
