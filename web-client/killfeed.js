// The kill feed: the last few kills, newest on top, each fading after a few seconds.

const SHOW_MS = 6000;
const MAX_LINES = 5;

export class KillFeed {
  /** @param {HTMLElement} el */
  constructor(el) {
    this.el = el;
    /** @type {{t: number, killer: string, victim: string, own: boolean}[]} */
    this.lines = [];
  }

  /**
   * @param {number} nowMs
   * @param {string} killer
   * @param {string} victim
   * @param {boolean} own whether the player is involved
   */
  add(nowMs, killer, victim, own) {
    this.lines.unshift({ t: nowMs, killer, victim, own });
    this.lines.length = Math.min(this.lines.length, MAX_LINES);
    this.render(nowMs);
  }

  /** @param {number} nowMs */
  render(nowMs) {
    const keep = this.lines.filter((l) => nowMs - l.t < SHOW_MS);
    if (keep.length === this.lines.length && this.el.childElementCount === keep.length) return;
    this.lines = keep;
    this.el.replaceChildren(
      ...keep.map((l) => {
        const row = document.createElement('div');
        row.className = 'kf-row' + (l.own ? ' kf-own' : '');
        const a = document.createElement('b');
        a.textContent = l.killer;
        const b = document.createElement('b');
        b.textContent = l.victim;
        row.append(a, document.createTextNode(' ✦ '), b);
        return row;
      }),
    );
  }
}
