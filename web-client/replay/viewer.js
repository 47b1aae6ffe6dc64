// @ts-check
// The replay viewer's page (`/?replay=ID`, `&key=K` for a private room's recording): the bundled
// page without a connection. It fetches the match's viewer stream (load.js), plays it through the
// live page's interpolation and renderer on a replay clock (player.js), and shows the control bar
// (controls.js), the scoreboard as it stood at the tick shown, and a free or following camera.
// Keys: Space or K play/pause, J and L 10 s back and on, - and = slower and faster, F (Shift+F
// back) follows the next player, Esc frees the camera, WASD/arrows (or a drag) pan it, Tab shows
// or hides the scoreboard. `window.tickwire.replay` is the automation hook.

import { Renderer } from '../render.js';
import { Scoreboard } from '../scoreboard.js';
import { SpectatorCamera } from '../spectator.js';
import { arenaMap } from '../arena_map.js';
import { axesFromKeys } from '../input.js';
import { ReplayControls } from './controls.js';
import { SPEEDS } from './clock.js';
import { loadReplay } from './load.js';
import { ReplayPlayer } from './player.js';

/**
 * @typedef {import('./stream_index.js').StreamIndex} StreamIndex
 * @typedef {import('../interp.js').RenderEntity} RenderEntity
 */

/** Seconds J and L jump. */
const JUMP_SECONDS = 10;
/** Pan keys. */
const PAN_KEYS = new Set(['KeyW', 'KeyA', 'KeyS', 'KeyD', 'ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight']);

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

/**
 * @param {string} text
 * @param {boolean} [error]
 */
function showStatus(text, error = false) {
  const el = $('status');
  el.textContent = text;
  el.hidden = !text;
  el.classList.toggle('error', error);
}

/**
 * Starts the viewer for match `id`.
 * @param {string} id
 * @param {string | null} key
 */
export async function startReplayViewer(id, key) {
  const css = document.createElement('link');
  css.rel = 'stylesheet';
  css.href = './replay/replay.css';
  document.head.append(css);
  document.body.classList.add('replay');
  document.title = `Replay of match ${id} · tickwire`;
  /** @type {{error: string | null, loaded: boolean}} */
  const status = { error: null, loaded: false };
  /** @type {any} */ (window).tickwire = { replay: idleApi(status) };
  showStatus(`Loading the recording of match ${id}…`);
  /** @type {StreamIndex} */
  let index;
  try {
    index = await loadReplay(id, key);
  } catch (e) {
    status.error = e instanceof Error ? e.message : String(e);
    console.error(`tickwire: ${status.error}`);
    showStatus(status.error, true);
    return;
  }
  showStatus('');
  status.loaded = true;
  play(index);
}

/**
 * The hook before a replay plays (loading, or refused).
 * @param {{error: string | null, loaded: boolean}} status
 */
function idleApi(status) {
  return {
    state: () => ({ loaded: status.loaded, error: status.error }),
    shown: () => ({ tick: 0, entities: [] }),
    view: () => null,
  };
}

/** @param {StreamIndex} index */
function play(index) {
  const player = new ReplayPlayer(index);
  const { clock } = player;
  const map = arenaMap(index.welcome);
  const canvas = /** @type {HTMLCanvasElement} */ ($('game'));
  const renderer = new Renderer(canvas);
  const scoreboard = new Scoreboard($('scoreboard'));
  scoreboard.setShown(window.innerWidth >= 700);
  const columns = index.schema.desc.scores;
  const camera = new SpectatorCamera(map.width / 2, map.height / 2);
  /** Every name the match had, for the kill markers' titles (the last scoreboard's first). */
  const everyName = new Map();
  for (const b of index.scoreboards) for (const e of b.entries) everyName.set(e.entity, e.name);
  const nameOf = (/** @type {number} */ id) => everyName.get(id) ?? `#${id}`;

  const follow = (/** @type {number | null} */ id) => {
    camera.follow(id);
    scoreboard.render(camera.following);
  };
  const controls = new ReplayControls($('ui'), { ...index, kills: index.kills }, {
    onToggle: () => clock.toggle(),
    onSeek: (tick) => player.seek(tick),
    onSpeed: (speed) => clock.setSpeed(speed),
    onFollow: follow,
    onKill: (k) => player.seekToKill(k),
  }, nameOf);

  /** @type {Set<string>} */
  const held = new Set();
  window.addEventListener('keydown', (e) => {
    const t = e.target;
    // Typing goes to the field; a focused button's or select's Space and Enter are its own, and
    // the seek bar's and select's arrows move them. The rest are the viewer's keys everywhere.
    if (t instanceof HTMLTextAreaElement || (t instanceof HTMLInputElement && t.type !== 'range')) return;
    if ((t instanceof HTMLButtonElement || t instanceof HTMLSelectElement) && (e.code === 'Space' || e.code === 'Enter')) return;
    if ((t instanceof HTMLInputElement || t instanceof HTMLSelectElement) && e.code.startsWith('Arrow')) return;
    if (PAN_KEYS.has(e.code)) {
      e.preventDefault();
      held.add(e.code);
      return;
    }
    const once = !e.repeat;
    if (e.code === 'Space' || e.code === 'KeyK') {
      e.preventDefault();
      if (once) clock.toggle();
    } else if (e.code === 'KeyJ' || e.code === 'KeyL') {
      player.seek(clock.tick + (e.code === 'KeyJ' ? -1 : 1) * JUMP_SECONDS * index.tickRate);
    } else if (e.code === 'Minus' || e.code === 'Equal') {
      const at = SPEEDS.indexOf(/** @type {any} */ (clock.speed));
      const next = SPEEDS[Math.min(SPEEDS.length - 1, Math.max(0, at + (e.code === 'Minus' ? -1 : 1)))];
      clock.setSpeed(next);
    } else if (e.code === 'KeyF') {
      if (once) {
        camera.cycle(scoreboard.ranked(), e.shiftKey ? -1 : 1);
        scoreboard.render(camera.following);
      }
    } else if (e.code === 'Escape') follow(null);
    else if (e.code === 'Tab') {
      e.preventDefault();
      if (once) scoreboard.setShown(!scoreboard.shown);
    }
  });
  window.addEventListener('keyup', (e) => held.delete(e.code));
  window.addEventListener('blur', () => held.clear());
  $('scoreboard').addEventListener('click', (e) => {
    const row = e.target instanceof Element ? e.target.closest('[data-entity]') : null;
    if (row instanceof HTMLElement) follow(Number(row.dataset.entity));
  });

  // A drag (mouse or touch) pans the free camera.
  /** @type {{id: number, x: number, y: number} | null} */
  let drag = null;
  canvas.addEventListener('pointerdown', (e) => {
    drag = { id: e.pointerId, x: e.clientX, y: e.clientY };
    canvas.setPointerCapture?.(e.pointerId);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!drag || drag.id !== e.pointerId) return;
    const z = renderer.view.zoom || 1;
    if (camera.following !== null) Object.assign(camera, renderer.camera);
    camera.following = null;
    camera.x -= (e.clientX - drag.x) / z;
    camera.y -= (e.clientY - drag.y) / z;
    drag.x = e.clientX;
    drag.y = e.clientY;
  });
  for (const end of ['pointerup', 'pointercancel']) canvas.addEventListener(end, () => (drag = null));

  /** @type {RenderEntity[]} */
  let shown = [];
  /** @type {import('../netcode/messages.js').ScoreEntry[] | null} */
  let board = null;
  let last = performance.now();
  let frames = 0;
  /** Why playing stopped, if a snapshot did not apply. @type {string | null} */
  let failed = null;
  const frame = (/** @type {number} */ now) => {
    const elapsed = Math.min(250, Math.max(0, now - last));
    last = now;
    frames++;
    try {
      player.advance(elapsed);
    } catch (e) {
      // A damaged body: the stream's index read, but a snapshot does not apply.
      const text = `This recording cannot be played on: ${e instanceof Error ? e.message : String(e)}.`;
      console.error(`tickwire: ${text}`);
      showStatus(text, true);
      clock.playing = false;
      failed = text;
      return;
    }
    const axes = axesFromKeys(held);
    camera.pan(axes.move_x, axes.move_y, elapsed);
    shown = player.sample();
    const atTick = player.scoreboard();
    if (atTick !== board) {
      board = atTick;
      scoreboard.set(board, columns);
      scoreboard.render(camera.following);
    }
    const centre = camera.position(shown, map);
    renderer.draw({ map, camera: centre, entities: shown, own: null, names: scoreboard.names });
    // The free camera stays where the view stops at the map's edges, so that a pan back moves at once.
    if (camera.following === null) Object.assign(camera, renderer.camera);
    controls.update({ ...stateNow(), tickRate: index.tickRate }, scoreboard.ranked());
    const label = camera.following === null
      ? 'Replay · free camera · drag or WASD to pan · F follows a player'
      : `Replay · following ${nameOf(camera.following)} · F next · Esc free camera`;
    if ($('spectating').textContent !== label) $('spectating').textContent = label;
    $('spectating').hidden = false;
    requestAnimationFrame(frame);
  };

  const stateNow = () => ({
    loaded: true,
    error: failed,
    tick: Math.floor(clock.tick),
    exactTick: clock.tick,
    firstTick: index.firstTick,
    lastTick: index.lastTick,
    playing: clock.playing,
    speed: clock.speed,
    follow: camera.following,
  });
  /** @type {any} */ (window).tickwire = {
    replay: {
      /** The replay's state: ticks are the match's; `kills` the ticks of the seek bar's markers. */
      state: () => ({ ...stateNow(), tickRate: index.tickRate, kills: index.kills.map((k) => k.tick), frames, seeks: player.seeks, lastSeekApplied: player.lastSeekApplied }),
      /** The entities drawn in the last frame (world units), and the tick they were drawn at. */
      shown: () => ({ tick: clock.tick, entities: shown.filter((e) => e.hp !== 0).map((e) => ({ id: e.id, kind: e.kind, x: e.x, y: e.y })) }),
      /** What the canvas shows: the camera's centre, the world units across and down, the map's size. */
      view: () => ({
        camera: { ...renderer.camera },
        zoom: renderer.view.zoom,
        worldWidth: renderer.view.worldWidth,
        worldHeight: renderer.view.worldHeight,
        map: { width: map.width, height: map.height },
      }),
      /** The scoreboard at the tick shown. */
      scores: () => (board ?? []).map((e) => ({ entity: e.entity, name: e.name, ...e.byColumn })),
    },
  };
  requestAnimationFrame(frame);
}
