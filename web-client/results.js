// The end-of-match results screen (ServerMsg::MatchEnd): every line of the match that just ended
// (the schema's score columns, then the rating), best first, for a few seconds, with the
// leaderboard panel beside it updating as the result is stored.

import { headRow, scoreRow } from './scoreboard.js';

/**
 * @typedef {import('./netcode/messages.js').MatchEndMsg} MatchEndMsg
 * @typedef {import('./netcode/schema.js').ScoreColumn} ScoreColumn
 */
/** @typedef {import('./leaderboard.js').LeaderboardPanel} LeaderboardPanel */

/** How long the results stay on screen. */
export const RESULTS_MS = 8000;

export class ResultsScreen {
  /** @param {HTMLElement} el @param {LeaderboardPanel} board */
  constructor(el, board) {
    this.el = el;
    this.board = board;
    /** @type {MatchEndMsg | null} */
    this.last = null;
    this.shownAt = -Infinity;
  }

  /**
   * @param {number} nowMs @param {MatchEndMsg} result @param {string | null} ownName
   * @param {ScoreColumn[]} columns the schema's score columns
   */
  show(nowMs, result, ownName, columns) {
    this.last = result;
    this.shownAt = nowMs;
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
    this.render(nowMs);
  }

  /** Whether the results are on screen at `nowMs`. */
  visible(nowMs) {
    return this.last !== null && nowMs - this.shownAt < RESULTS_MS;
  }

  /** @param {number} nowMs */
  render(nowMs) {
    const visible = this.visible(nowMs);
    this.el.hidden = !visible;
    this.board.force(visible);
  }
}
