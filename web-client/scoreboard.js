// The scoreboard (always visible, compact) and the names it gives to entity ids.

/** @typedef {import('./messages.js').ScoreEntry} ScoreEntry */

/**
 * Entries sorted for display: kills descending, then deaths ascending, then name.
 * @param {ScoreEntry[]} entries
 * @returns {ScoreEntry[]}
 */
export function rankEntries(entries) {
  return [...entries].sort((a, b) => b.kills - a.kills || a.deaths - b.deaths || a.name.localeCompare(b.name));
}

/**
 * One line of a score table: name (a bot marked ⚙), kills, deaths.
 * @param {{name: string, kills: number, deaths: number, bot: boolean}} e
 * @param {string} className
 * @returns {HTMLElement}
 */
export function scoreRow(e, className) {
  const row = document.createElement('div');
  row.className = className;
  const name = document.createElement('span');
  name.textContent = e.bot ? `${e.name} ⚙` : e.name;
  const k = document.createElement('span');
  k.textContent = String(e.kills);
  const d = document.createElement('span');
  d.textContent = String(e.deaths);
  row.append(name, k, d);
  return row;
}

export class Scoreboard {
  /** @param {HTMLElement} el */
  constructor(el) {
    this.el = el;
    /** @type {ScoreEntry[]} */
    this.entries = [];
    /** @type {Map<number, string>} */
    this.names = new Map();
  }

  /** @param {ScoreEntry[]} entries */
  set(entries) {
    this.entries = entries;
    this.names = new Map(entries.map((e) => [e.entity, e.name]));
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
    const rows = rankEntries(this.entries).slice(0, 12);
    this.el.replaceChildren();
    const head = document.createElement('div');
    head.className = 'sb-row sb-head';
    head.innerHTML = '<span>player</span><span>K</span><span>D</span>';
    this.el.append(head);
    for (const e of rows) {
      const row = scoreRow(e, 'sb-row' + (e.entity === ownId ? ' sb-own' : '') + (e.bot ? ' sb-bot' : ''));
      // Spectators follow a player by clicking its row.
      row.dataset.entity = String(e.entity);
      this.el.append(row);
    }
  }
}
