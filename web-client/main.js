// Wiring: the join form, the connection, the per-session game state, the fixed-step input loop
// and the frame loop, and the automation hook `window.tickwire`.

import { applyBody } from './delta.js';
import { cleanName } from './messages.js';
import { Connection, gameSocketUrl, rttFromNonce } from './net.js';
import { Predictor, POS_SCALE, tickDt } from './predict.js';
import { InterpBuffer } from './interp.js';
import { ServerClock } from './clock.js';
import { Renderer } from './render.js';
import { Hud } from './hud.js';
import { Scoreboard, rankEntries } from './scoreboard.js';
import { SpectatorCamera } from './spectator.js';
import { KillFeed } from './killfeed.js';
import { NoticeBanner } from './notice.js';
import { Lobby } from './lobby.js';
import { LeaderboardPanel } from './leaderboard.js';
import { ResultsScreen } from './results.js';
import { attachInput } from './input.js';
import { ByteHistory, RateMeter } from './stats.js';

/** @typedef {import('./messages.js').ServerMsg} ServerMsg */
/** @typedef {import('./messages.js').WelcomeMsg} WelcomeMsg */
/** @typedef {import('./delta.js').WorldState} WorldState */

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

const canvas = /** @type {HTMLCanvasElement} */ ($('game'));
const renderer = new Renderer(canvas);
const hud = new Hud($('hud'), /** @type {HTMLCanvasElement} */ ($('netgraph')));
const scoreboard = new Scoreboard($('scoreboard'));
const killfeed = new KillFeed($('killfeed'));
const notice = new NoticeBanner($('notice'));
const board = new LeaderboardPanel($('leaderboard'));
const results = new ResultsScreen($('results'), board);
const input = attachInput(window, canvas, {
  onToggleNetGraph: () => hud.toggleGraph(),
  onToggleLeaderboard: () => board.toggle(),
});

const GRAPH_WINDOW_MS = 5000;
const MAX_STEPS_PER_FRAME = 5;

/** Everything that lives as long as the page. */
const meters = {
  snapshots: new RateMeter(1000),
  bytesIn: new RateMeter(1000),
  frames: new RateMeter(1000),
  graph: new ByteHistory(GRAPH_WINDOW_MS),
};

/**
 * Everything that lives as long as one session (one Welcome); replaced on reconnect, since the
 * next connection starts from no baseline and a new input sequence.
 * @typedef {{welcome: WelcomeMsg, world: WorldState | null, previous: WorldState | null,
 *   lastAck: number, clock: ServerClock,
 *   interp: InterpBuffer, predictor: Predictor, ownDead: boolean, acc: number, aim: number,
 *   camera: SpectatorCamera | null}} Session
 */
/** @type {Session | null} */
let session = null;
/** @type {Connection | null} */
let conn = null;
let pingMs = 0;
let lastFrame = performance.now();
let lastHud = 0;

/** @param {WelcomeMsg} welcome @param {number} now @returns {Session} */
function newSession(welcome, now) {
  const clock = new ServerClock(welcome.tick_rate, welcome.snapshot_rate);
  clock.onWelcome(welcome.tick, now);
  return {
    welcome,
    world: null,
    // The world before `world`: deltas may predict motion from it.
    previous: null,
    lastAck: 0,
    clock,
    interp: new InterpBuffer(Math.max(32, welcome.snapshot_rate * 2)),
    predictor: new Predictor(welcome.map, tickDt(welcome.tick_rate)),
    ownDead: false,
    acc: 0,
    aim: 0,
    // A spectator has no entity: a camera of its own instead.
    camera: welcome.spectator ? new SpectatorCamera(welcome.map.width / 2, welcome.map.height / 2) : null,
  };
}

/** @param {ServerMsg} msg @param {number} bytes */
function onMessage(msg, bytes) {
  const now = performance.now();
  meters.bytesIn.add(now, bytes);
  switch (msg.type) {
    case 'Welcome':
      // A resumed seat keeps its spectator camera's place across a reconnect.
      session = newSession(msg, now);
      document.body.classList.toggle('spectating', msg.spectator);
      notice.clear();
      showStatus('');
      // Every session asks for the leaderboard: the server sends it now and on every change.
      conn?.send({ type: 'Subscribe', leaderboard: true });
      break;
    case 'Snapshot':
      if (session) onSnapshot(session, msg.ack, msg.body, bytes, now);
      break;
    case 'Pong': {
      pingMs = rttFromNonce(msg.nonce, now);
      session?.clock.onPong(msg.tick, pingMs, now);
      break;
    }
    case 'Scoreboard':
      scoreboard.set(msg.entries);
      renderScoreboard();
      break;
    case 'Event': {
      const ownId = session?.welcome.entity_id;
      const { killer, victim } = msg.event;
      killfeed.add(now, scoreboard.nameOf(killer), scoreboard.nameOf(victim), killer === ownId || victim === ownId);
      break;
    }
    case 'Kick':
      // The close that follows carries the same code; net.js turns it into a status message.
      console.warn(`tickwire: kicked (${msg.code}): ${msg.reason}`);
      break;
    case 'Notice':
      notice.show(now, msg.text, msg.seconds_left);
      break;
    case 'Leaderboard':
      board.set(msg.rows);
      break;
    case 'MatchEnd':
      results.show(now, msg, board.ownName);
      break;
  }
}

/**
 * @param {Session} s
 * @param {number} ack
 * @param {Uint8Array} body
 * @param {number} bytes
 * @param {number} now
 */
function onSnapshot(s, ack, body, bytes, now) {
  let world;
  try {
    world = applyBody(body, s.world, s.previous);
  } catch (e) {
    // Without the right baseline no later delta can be applied: start over with a full snapshot.
    console.error('tickwire: bad snapshot:', e);
    conn?.restart(`Bad snapshot (${e instanceof Error ? e.message : e})`);
    return;
  }
  s.previous = s.world;
  s.world = world;
  s.lastAck = ack;
  meters.snapshots.add(now);
  meters.graph.add(now, bytes);
  const t = s.clock.onSnapshot(world.tick, now);
  s.interp.push(t, world.entities);

  const own = world.entities.find((e) => e.id === s.welcome.entity_id);
  if (!own) return;
  const pos = /** @type {[number, number]} */ ([own.x / POS_SCALE, own.y / POS_SCALE]);
  const p = s.predictor;
  if (own.hp === 0) {
    // Dead: hold still where the server says until respawn.
    p.frozen = true;
    p.reset(pos);
    s.ownDead = true;
  } else if (s.ownDead || !p.ready) {
    // Spawned or respawned: start predicting from the server's position.
    p.frozen = false;
    p.reset(pos);
    s.ownDead = false;
  } else {
    p.reconcile(ack, own.x, own.y);
  }
}

function onDisconnect() {
  session = null;
}

/** The scoreboard, marking the own entity, or the one a spectator follows. */
function renderScoreboard() {
  const s = session;
  scoreboard.render(s ? (s.camera ? s.camera.following : s.welcome.entity_id) : null);
}

/** @param {import('./net.js').NetStatus} st */
function onStatus(st) {
  if (st.state === 'playing') showStatus('');
  else if (st.state === 'failed') {
    showStatus(st.text, true);
    showJoin(true);
  } else showStatus(st.text);
}

/** @param {string} text @param {boolean} [error] */
function showStatus(text, error = false) {
  const el = $('status');
  el.textContent = text;
  el.hidden = !text;
  el.classList.toggle('error', error);
}

/** @param {boolean} visible */
function showJoin(visible) {
  $('join').hidden = !visible;
  input.enabled = !visible;
  // The room list sits beside the join form; in play it opens with M.
  if (visible) lobby.open();
  else lobby.close();
}

/** @param {string} rawName */
function join(rawName) {
  const name = cleanName(rawName) || 'player';
  try {
    localStorage.setItem('tickwire.name', name);
  } catch {
    // Storage can be disabled; the name is only a convenience.
  }
  showJoin(false);
  board.ownName = name;
  conn?.stop();
  conn = new Connection({ url: gameSocketUrl(location), name, onMessage, onStatus, onDisconnect });
  conn.start();
}

/** @param {number} now */
function frame(now) {
  const elapsed = Math.min(250, Math.max(0, now - lastFrame));
  lastFrame = now;
  meters.frames.add(now);
  const s = session;
  /** @type {import('./render.js').OwnView | null} */
  let own = null;
  let camera = { x: 0, y: 0 };
  if (s && s.camera) {
    // A spectator: no prediction and no inputs; the camera pans or follows.
    const sampled = input.sample();
    s.camera.pan(sampled.move_x, sampled.move_y, elapsed);
    const entities = s.interp.sample(s.clock.renderTick(now), 0);
    camera = s.camera.position(entities, s.welcome.map);
    renderer.draw({ map: s.welcome.map, camera, entities, own: null, names: scoreboard.names });
    $('banner').hidden = true;
    const label = s.camera.label((id) => scoreboard.nameOf(id));
    if ($('spectating').textContent !== label) $('spectating').textContent = label;
    $('spectating').hidden = false;
  } else if (s) {
    $('spectating').hidden = true;
    const p = s.predictor;
    const tickMs = 1000 / s.welcome.tick_rate;
    const sampled = input.sample();
    if (p.ready) {
      const here = p.renderPosition(s.acc / tickMs);
      const sp = renderer.toScreen(here.x, here.y);
      if (sampled.mouseX || sampled.mouseY) s.aim = Math.atan2(sampled.mouseY - sp.y, sampled.mouseX - sp.x);
      s.acc += elapsed;
      let steps = 0;
      while (s.acc >= tickMs && steps < MAX_STEPS_PER_FRAME) {
        const move = { move_x: sampled.move_x, move_y: sampled.move_y, aim: Math.fround(s.aim), fire: sampled.fire };
        const seq = p.step(move);
        conn?.send({ type: 'Input', seq, ...move });
        s.acc -= tickMs;
        steps++;
      }
      // Far behind (a hidden tab): drop the time rather than flood the server.
      if (s.acc >= tickMs) s.acc %= tickMs;
      p.decay(elapsed);
      const at = p.renderPosition(s.acc / tickMs);
      const ownState = s.world?.entities.find((e) => e.id === s.welcome.entity_id);
      own = { id: s.welcome.entity_id, x: at.x, y: at.y, angle: s.aim, hp: ownState ? ownState.hp : 0 };
      camera = { x: at.x, y: at.y };
    } else {
      camera = { x: s.welcome.map.width / 2, y: s.welcome.map.height / 2 };
    }
    const entities = s.interp.sample(s.clock.renderTick(now), s.welcome.entity_id);
    renderer.draw({ map: s.welcome.map, camera, entities, own, names: scoreboard.names });
    $('banner').hidden = !s.ownDead;
  } else {
    renderer.draw({ map: null, camera, entities: [], own: null, names: scoreboard.names });
    $('banner').hidden = true;
    $('spectating').hidden = true;
  }
  if (now - lastHud > 250) {
    lastHud = now;
    const st = stats();
    hud.update({
      pingMs: st.pingMs,
      serverTick: st.serverTick,
      snapshotsPerSec: st.snapshotsPerSec,
      kbpsIn: st.kbpsIn,
      entitiesInView: st.entities,
      fps: meters.frames.perSecond(now),
      delayMs: s ? (s.clock.delayTicks * 1000) / s.welcome.tick_rate : 0,
      predictionErrorPx: st.predictionErrorPx,
    });
    killfeed.render(now);
    notice.render(now);
    results.render(now);
  }
  hud.drawGraph(meters.graph.points, now, GRAPH_WINDOW_MS);
  requestAnimationFrame(frame);
}

/** Figures for automation and the HUD. */
function stats() {
  const now = performance.now();
  const s = session;
  const p = s?.predictor;
  return {
    connected: !!(conn && conn.isOpen() && s),
    serverTick: s ? Math.floor(s.clock.serverTick(now)) >>> 0 : 0,
    entities: s?.world ? s.world.entities.length : 0,
    worldTick: s?.world ? s.world.tick : null,
    pingMs,
    kbpsIn: (meters.bytesIn.perSecond(now) * 8) / 1000,
    snapshotsPerSec: meters.snapshots.perSecond(now),
    ownEntityId: s && !s.camera ? s.welcome.entity_id : null,
    spectator: !!s?.camera,
    following: s?.camera ? s.camera.following : null,
    room: s ? s.welcome.room : null,
    ownPosition: p && p.ready ? { x: p.pos[0], y: p.pos[1] } : null,
    predictionErrorPx: p ? p.lastError : 0,
  };
}

/** @type {any} */ (window).tickwire = {
  stats,
  /** The latest server snapshot's entities, x/y in 1/16 units exactly as decoded. */
  world: () => (session?.world ? session.world.entities.map((e) => ({ ...e })) : []),
  /** The input seq the server last acknowledged. */
  lastAck: () => (session ? session.lastAck : 0),
  /** The scoreboard as last received. */
  scores: () => scoreboard.entries.map((e) => ({ ...e })),
  /** The leaderboard as last pushed, how many boards came, and whether the panel shows. */
  leaderboard: () => ({ rows: board.rows.map((r) => ({ ...r })), updates: board.updates, visible: board.visible() }),
  /** The last match result received, and whether the results screen shows it. */
  results: () => ({ last: results.last, visible: results.visible(performance.now()) }),
};

const lobby = new Lobby({ root: $('lobby'), currentRoom: () => session?.welcome.room ?? null });
window.addEventListener('keydown', (e) => {
  if (e.code === 'KeyM' && !e.repeat && $('join').hidden) lobby.toggle();
});

// Spectators follow a player: Tab (Shift+Tab back) cycles through the scoreboard, 1-9 pick its
// rows, a click on a name picks that player.
window.addEventListener('keydown', (e) => {
  const cam = session?.camera;
  if (!cam || e.target instanceof HTMLInputElement) return;
  const ranked = rankEntries(scoreboard.entries);
  if (e.code === 'Tab') {
    e.preventDefault();
    cam.cycle(ranked, e.shiftKey ? -1 : 1);
  } else if (/^Digit[1-9]$/.test(e.code)) {
    const row = ranked[Number(e.code.slice(5)) - 1];
    if (row) cam.follow(row.entity);
  } else return;
  renderScoreboard();
});
$('scoreboard').addEventListener('click', (e) => {
  const cam = session?.camera;
  const row = e.target instanceof Element ? e.target.closest('[data-entity]') : null;
  if (!cam || !(row instanceof HTMLElement)) return;
  cam.follow(Number(row.dataset.entity));
  renderScoreboard();
});

const form = /** @type {HTMLFormElement} */ ($('join-form'));
const nameInput = /** @type {HTMLInputElement} */ ($('name'));
try {
  nameInput.value = localStorage.getItem('tickwire.name') ?? '';
} catch {
  // See join().
}
form.addEventListener('submit', (e) => {
  e.preventDefault();
  join(nameInput.value);
});

const page = new URLSearchParams(location.search);
const fromUrl = page.get('name');
// A spectator needs no name: `/?room=3&spectate=1` starts watching at once.
if (page.get('spectate') === '1' || page.get('spectate') === 'true') join(fromUrl ?? 'spectator');
else if (fromUrl !== null && cleanName(fromUrl)) join(fromUrl);
else {
  showJoin(true);
  nameInput.focus();
}
requestAnimationFrame(frame);
