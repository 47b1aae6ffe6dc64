// The end-of-match results screen (ServerMsg::MatchEnd): every line of the match that just ended,
// for a few seconds, with the leaderboard panel beside it updating as the result is stored.

import { scoreRow } from './scoreboard.js';

/** @typedef {import('./messages.js').MatchEndMsg} MatchEndMsg */
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

  /** @param {number} nowMs @param {MatchEndMsg} result @param {string | null} ownName */
  show(nowMs, result, ownName) {
    this.last = result;
    this.shownAt = nowMs;
    this.el.replaceChildren();
    const title = document.createElement('div');
    title.className = 'rs-title';
    const secs = Math.max(0, Math.round((result.ended_ms - result.started_ms) / 1000));
    const length = `${Math.floor(secs / 60)}:${String(secs % 60).padStart(2, '0')}`;
    title.textContent = `Match over · ${result.map} · ${length}`;
    this.el.append(title);
    const head = document.createElement('div');
    head.className = 'rs-row rs-head';
    head.innerHTML = '<span>player</span><span>K</span><span>D</span>';
    this.el.append(head);
    for (const s of result.scores.slice(0, 16)) {
      this.el.append(scoreRow(s, 'rs-row' + (s.name === ownName && !s.bot ? ' rs-own' : '') + (s.bot ? ' rs-bot' : '')));
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
