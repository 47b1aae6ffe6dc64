// The leaderboard panel: the top players across matches (ServerMsg::Leaderboard), pushed by the
// server whenever the database changes: rank, player, rating, the totals of each of the schema's
// score columns, matches played. Toggled with L, and shown with the results screen.

/**
 * @typedef {import('./netcode/messages.js').LeaderboardEntry} LeaderboardEntry
 * @typedef {import('./netcode/schema.js').ScoreColumn} ScoreColumn
 */

/**
 * The CSS grid of a leaderboard of `columns` score columns.
 * @param {number} columns
 * @returns {string}
 */
export function boardGrid(columns) {
  return `1.8em minmax(3em, 1fr) 3.6em${' 3em'.repeat(columns)} 3.2em`;
}

export class LeaderboardPanel {
  /** @param {HTMLElement} el */
  constructor(el) {
    this.el = el;
    /** @type {LeaderboardEntry[]} */
    this.rows = [];
    /** The schema's score columns. @type {ScoreColumn[]} */
    this.columns = [];
    /** Boards received so far (for automation). */
    this.updates = 0;
    /** Shown by the player's choice (L). */
    this.open = false;
    /** Shown because the results screen is up. */
    this.forced = false;
    /** @type {string | null} */
    this.ownName = null;
  }

  /** @param {LeaderboardEntry[]} rows @param {ScoreColumn[]} columns the schema's */
  set(rows, columns) {
    this.rows = rows;
    this.columns = columns;
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
    const grid = boardGrid(this.columns.length);
    head.style.gridTemplateColumns = grid;
    for (const text of ['#', 'player', 'rating', ...this.columns.map((c) => c.name), 'played']) {
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
      row.style.gridTemplateColumns = grid;
      for (const value of [r.rank, r.name, r.rating, ...r.totals, r.matches]) {
        const cell = document.createElement('span');
        cell.textContent = String(value);
        row.append(cell);
      }
      this.el.append(row);
    }
  }
}
