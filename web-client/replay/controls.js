// @ts-check
// The replay's control bar, over the bottom of the canvas: play/pause, the time, the seek bar
// (a range input of the match's ticks, with a marker button over it for each kill), the speeds
// and the camera (free, or a player of the scoreboard followed). Mouse, touch and keyboard all
// work on it, being native buttons, a range and a select; the keys of the whole page (Space, K,
// F, ...) are the viewer's (viewer.js).

import { SPEEDS, timeText } from './clock.js';

/**
 * @typedef {import('./stream_index.js').Kill} Kill
 * @typedef {import('../netcode/messages.js').ScoreEntry} ScoreEntry
 * @typedef {{onToggle: () => void, onSeek: (tick: number) => void, onSpeed: (speed: number) => void,
 *   onFollow: (id: number | null) => void, onKill: (k: number) => void}} ControlHandlers
 * @typedef {{tick: number, firstTick: number, lastTick: number, tickRate: number, playing: boolean,
 *   speed: number, follow: number | null}} ControlState
 */

/**
 * @param {string} tag
 * @param {Record<string, string>} attrs
 * @param {string} [text]
 * @returns {HTMLElement}
 */
function el(tag, attrs, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

export class ReplayControls {
  /**
   * @param {HTMLElement} parent where the bar goes
   * @param {{firstTick: number, lastTick: number, tickRate: number, kills: Kill[]}} match
   * @param {ControlHandlers} handlers
   * @param {(id: number) => string} nameOf
   */
  constructor(parent, match, handlers, nameOf) {
    this.match = match;
    this.handlers = handlers;
    this.root = el('div', { id: 'replay-bar', role: 'toolbar', 'aria-label': 'Replay controls' });
    this.play = /** @type {HTMLButtonElement} */ (el('button', { type: 'button', id: 'replay-play', title: 'Play or pause (Space, K)' }, 'Pause'));
    this.time = el('span', { id: 'replay-time' });
    const seek = el('div', { class: 'replay-seek' });
    const span = Math.max(1, match.lastTick - match.firstTick);
    this.range = /** @type {HTMLInputElement} */ (el('input', {
      type: 'range', id: 'replay-seek', min: '0', max: String(span), step: '1', value: '0', 'aria-label': 'Seek',
    }));
    /** While the range is held, the clock does not move it. */
    this.dragging = false;
    const marks = el('div', { class: 'replay-kills' });
    this.markers = match.kills.map((k, i) => {
      const at = (k.tick - match.firstTick) / match.tickRate;
      const b = /** @type {HTMLButtonElement} */ (el('button', {
        type: 'button', class: 'replay-kill', 'data-kill': String(i), 'data-tick': String(k.tick),
        title: `${timeText(at)} ${nameOf(k.killer)} killed ${nameOf(k.victim)}`, 'aria-label': `Kill at ${timeText(at)}`,
      }));
      b.style.left = `${(100 * (k.tick - match.firstTick)) / span}%`;
      b.addEventListener('click', () => handlers.onKill(i));
      marks.append(b);
      return b;
    });
    seek.append(this.range, marks);
    this.speeds = SPEEDS.map((s) => {
      const b = /** @type {HTMLButtonElement} */ (el('button', { type: 'button', class: 'replay-speed', 'data-speed': String(s), 'aria-pressed': 'false' }, `${s}x`));
      b.addEventListener('click', () => handlers.onSpeed(s));
      return b;
    });
    const speeds = el('div', { class: 'replay-speeds', role: 'group', 'aria-label': 'Speed' });
    speeds.append(...this.speeds);
    this.follow = /** @type {HTMLSelectElement} */ (el('select', { id: 'replay-follow', 'aria-label': 'Camera', title: 'Camera (F cycles)' }));
    this.followKey = '';
    this.root.append(this.play, this.time, seek, speeds, this.follow);
    parent.append(this.root);

    this.play.addEventListener('click', () => handlers.onToggle());
    this.range.addEventListener('input', () => handlers.onSeek(match.firstTick + Number(this.range.value)));
    this.range.addEventListener('pointerdown', () => (this.dragging = true));
    for (const end of ['pointerup', 'pointercancel', 'change']) this.range.addEventListener(end, () => (this.dragging = false));
    this.follow.addEventListener('change', () => handlers.onFollow(this.follow.value === '' ? null : Number(this.follow.value)));
  }

  /**
   * Shows the replay's state.
   * @param {ControlState} s
   * @param {ScoreEntry[]} players the scoreboard at this tick, in its order
   */
  update(s, players) {
    const label = s.playing ? 'Pause' : 'Play';
    if (this.play.textContent !== label) this.play.textContent = label;
    this.play.setAttribute('aria-pressed', String(s.playing));
    const line = `${timeText((s.tick - s.firstTick) / s.tickRate)} / ${timeText((s.lastTick - s.firstTick) / s.tickRate)}`;
    if (this.time.textContent !== line) this.time.textContent = line;
    if (!this.dragging) this.range.value = String(Math.round(s.tick - s.firstTick));
    for (const b of this.speeds) b.setAttribute('aria-pressed', String(Number(b.dataset.speed) === s.speed));
    const key = players.map((p) => `${p.entity}:${p.name}`).join(',');
    if (key !== this.followKey) {
      this.followKey = key;
      const options = [el('option', { value: '' }, 'Free camera')];
      for (const p of players) options.push(el('option', { value: String(p.entity) }, `Follow ${p.name}`));
      this.follow.replaceChildren(...options);
    }
    const want = s.follow === null ? '' : String(s.follow);
    if (this.follow.value !== want) {
      // A followed entity not on the scoreboard (it left) still shows as followed.
      if (!Array.from(this.follow.options).some((o) => o.value === want)) this.follow.append(el('option', { value: want }, `Follow #${want}`));
      this.follow.value = want;
    }
  }
}
