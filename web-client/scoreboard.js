// The scoreboard (compact; Tab shows or hides it, and it starts hidden on a narrow screen) and the
// names it gives to entity ids. Its columns are the schema's score columns, in the schema's order
// (the arena's: kills, deaths).

/**
 * @typedef {import('./netcode/messages.js').ScoreEntry} ScoreEntry
 * @typedef {import('./netcode/schema.js').ScoreColumn} ScoreColumn
 */

/**
 * Entries sorted for display: column by column in the schema's order, each the way its weight
 * counts (a positive weight: more first; a negative one: fewer first; zero: not sorted by), then
 * by name. For the arena: kills descending, then deaths ascending, then name.
 * @param {ScoreEntry[]} entries
 * @param {ScoreColumn[]} [columns] the schema's score columns (none: by rating)
 * @returns {ScoreEntry[]}
 */
export function rankEntries(entries, columns = []) {
  return [...entries].sort((a, b) => {
    for (let i = 0; i < columns.length; i++) {
      const d = Math.sign(columns[i].weight) * ((b.columns[i] ?? 0) - (a.columns[i] ?? 0));
      if (d) return d;
    }
    return b.rating - a.rating || a.name.localeCompare(b.name);
  });
}

/**
 * The CSS grid of a score table: the name, then one narrow cell per value.
 * @param {number} values
 * @returns {string}
 */
export function scoreGrid(values) {
  return `1fr${' 3.2em'.repeat(values)}`;
}

/**
 * One line of a score table: name (a bot marked ⚙), then `values`.
 * @param {{name: string, bot: boolean}} e
 * @param {number[]} values
 * @param {string} className
 * @returns {HTMLElement}
 */
export function scoreRow(e, values, className) {
  const row = document.createElement('div');
  row.className = className;
  row.style.gridTemplateColumns = scoreGrid(values.length);
  const name = document.createElement('span');
  name.textContent = e.bot ? `${e.name} ⚙` : e.name;
  row.append(name);
  for (const v of values) {
    const cell = document.createElement('span');
    cell.textContent = String(v);
    row.append(cell);
  }
  return row;
}

/**
 * The head line of a score table: `first`, then a label per column.
 * @param {string} first @param {string[]} labels @param {string} className
 * @returns {HTMLElement}
 */
export function headRow(first, labels, className) {
  const head = document.createElement('div');
  head.className = className;
  head.style.gridTemplateColumns = scoreGrid(labels.length);
  for (const text of [first, ...labels]) {
    const cell = document.createElement('span');
    cell.textContent = text;
    head.append(cell);
  }
  return head;
}

export class Scoreboard {
  /** @param {HTMLElement} el */
  constructor(el) {
    this.el = el;
    /** @type {ScoreEntry[]} */
    this.entries = [];
    /** The schema's score columns. @type {ScoreColumn[]} */
    this.columns = [];
    /** @type {Map<number, string>} */
    this.names = new Map();
    /** Whether the player wants it on screen. */
    this.shown = true;
  }

  /** Shows or hides the board. @param {boolean} shown */
  setShown(shown) {
    this.shown = shown;
    this.el.hidden = !shown;
  }

  /** @param {ScoreEntry[]} entries @param {ScoreColumn[]} columns the schema's */
  set(entries, columns) {
    this.entries = entries;
    this.columns = columns;
    this.names = new Map(entries.map((e) => [e.entity, e.name]));
  }

  /** The entries in display order. @returns {ScoreEntry[]} */
  ranked() {
    return rankEntries(this.entries, this.columns);
  }

  /**
   * @param {number} id
   * @returns {string}
   */
  nameOf(id) {
    return this.names.get(id) ?? `#${id}`;
  }

  /** @param {number | null} ownId the row to mark: the own entity, or the one a spectator follows */
  render(ownId) {
    const rows = this.ranked().slice(0, 12);
    // No lines (no session): no board at all.
    if (rows.length === 0) {
      this.el.replaceChildren();
      return;
    }
    this.el.replaceChildren(headRow('player', this.columns.map((c) => c.name), 'sb-row sb-head'));
    for (const e of rows) {
      const row = scoreRow(e, e.columns, 'sb-row' + (e.entity === ownId ? ' sb-own' : '') + (e.bot ? ' sb-bot' : ''));
      // Spectators follow a player by clicking its row.
      row.dataset.entity = String(e.entity);
      this.el.append(row);
    }
  }
}
