// The leaderboard panel: the top players across matches (ServerMsg::Leaderboard), pushed by the
// server whenever the database changes. Toggled with L, and shown with the results screen.

/** @typedef {import('./messages.js').LeaderboardEntry} LeaderboardEntry */

export class LeaderboardPanel {
  /** @param {HTMLElement} el */
  constructor(el) {
    this.el = el;
    /** @type {LeaderboardEntry[]} */
    this.rows = [];
    /** Boards received so far (for automation). */
    this.updates = 0;
    /** Shown by the player's choice (L). */
    this.open = false;
    /** Shown because the results screen is up. */
    this.forced = false;
    /** @type {string | null} */
    this.ownName = null;
  }

  /** @param {LeaderboardEntry[]} rows */
  set(rows) {
    this.rows = rows;
    this.updates++;
    this.render();
  }

  toggle() {
    this.open = !this.open;
    this.render();
  }

  /** @param {boolean} forced */
  force(forced) {
    if (this.forced === forced) return;
    this.forced = forced;
    this.render();
  }

  /** Whether the panel is on screen. */
  visible() {
    return this.open || this.forced;
  }

  render() {
    this.el.hidden = !this.visible();
    if (this.el.hidden) return;
    this.el.replaceChildren();
    const title = document.createElement('div');
    title.className = 'lb-title';
    title.textContent = 'Leaderboard';
    const head = document.createElement('div');
    head.className = 'lb-row lb-head';
    for (const text of ['#', 'player', 'rating', 'K', 'D', 'matches']) {
      const cell = document.createElement('span');
      cell.textContent = text;
      head.append(cell);
    }
    this.el.append(title, head);
    if (this.rows.length === 0) {
      const empty = document.createElement('div');
      empty.className = 'lb-empty';
      empty.textContent = 'No finished matches yet';
      this.el.append(empty);
    }
    for (const r of this.rows) {
      const row = document.createElement('div');
      row.className = 'lb-row' + (r.name === this.ownName ? ' lb-own' : '');
      for (const value of [r.rank, r.name, r.rating, r.kills, r.deaths, r.matches]) {
        const cell = document.createElement('span');
        cell.textContent = String(value);
        row.append(cell);
      }
      this.el.append(row);
    }
  }
}
