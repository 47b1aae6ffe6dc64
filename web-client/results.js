// The end-of-match results card (ServerMsg::MatchEnd): every line of the match that just ended
// (the schema's score columns, then the rating), best first, with the leaderboard panel updating
// as the result is stored. The next match starts at once, so the card sits in the panels' column
// (it hides neither the player nor the death banner) and leaves as soon as the player plays the
// new match (`dismiss`), or after a few seconds.

import { headRow, scoreRow } from './scoreboard.js';

/**
 * @typedef {import('./netcode/messages.js').MatchEndMsg} MatchEndMsg
 * @typedef {import('./netcode/schema.js').ScoreColumn} ScoreColumn
 */
/** @typedef {import('./leaderboard.js').LeaderboardPanel} LeaderboardPanel */

/** How long the results stay on screen at most. */
export const RESULTS_MS = 8000;
/** How long the results stay at least, however soon the player plays on. */
export const RESULTS_MIN_MS = 1500;

export class ResultsScreen {
  /** @param {HTMLElement} el @param {LeaderboardPanel} board */
  constructor(el, board) {
    this.el = el;
    this.board = board;
    /** @type {MatchEndMsg | null} */
    this.last = null;
    this.shownAt = -Infinity;
    this.dismissed = false;
  }

  /**
   * @param {number} nowMs @param {MatchEndMsg} result @param {string | null} ownName
   * @param {ScoreColumn[]} columns the schema's score columns
   */
  show(nowMs, result, ownName, columns) {
    this.last = result;
    this.shownAt = nowMs;
    this.dismissed = false;
    this.el.replaceChildren();
    const title = document.createElement('div');
    title.className = 'rs-title';
    const secs = Math.max(0, Math.round((result.ended_ms - result.started_ms) / 1000));
    const length = `${Math.floor(secs / 60)}:${String(secs % 60).padStart(2, '0')}`;
    title.textContent = `Match over · ${result.map} · ${length}`;
    this.el.append(title);
    this.el.append(headRow('player', [...columns.map((c) => c.name), 'rating'], 'rs-row rs-head'));
    for (const s of result.scores.slice(0, 16)) {
      const cls = 'rs-row' + (s.name === ownName && !s.bot ? ' rs-own' : '') + (s.bot ? ' rs-bot' : '');
      this.el.append(scoreRow(s, [...s.columns, s.rating], cls));
    }
    const next = document.createElement('div');
    next.className = 'rs-next';
    next.textContent = 'The next match is under way.';
    this.el.append(next);
    this.render(nowMs);
  }

  /**
   * The player plays the new match: the card goes (once it has been up for a moment).
   * @param {number} nowMs
   */
  dismiss(nowMs) {
    if (this.last !== null && !this.dismissed && nowMs - this.shownAt >= RESULTS_MIN_MS) {
      this.dismissed = true;
      this.render(nowMs);
    }
  }

  /** Whether the results are on screen at `nowMs`. @param {number} nowMs */
  visible(nowMs) {
    return this.last !== null && !this.dismissed && nowMs - this.shownAt < RESULTS_MS;
  }

  /** @param {number} nowMs */
  render(nowMs) {
    const visible = this.visible(nowMs);
    this.el.hidden = !visible;
    this.board.force(visible);
  }
}
