// Wiring: the join form, the connection (the netcode package's: it runs the session's clocks,
// worlds and input cadence, and asks the server's admission check before each socket), the
// per-session game state, the arena's input (keys and mouse, or touch sticks) and prediction, the
// frame loop, the panels (HUD, net graph, scoreboard, match timer, notices, results), effects and
// sounds, and the automation hook `window.tickwire`.

import { Connection, cleanName, gameSocketProtocols, gameSocketUrl } from './netcode/index.js';
import { ARENA_SCHEMA, arenaProblem } from './arena_schema.js';
import { arenaEntities, quantized } from './arena_entities.js';
import { arenaMap } from './arena_map.js';
import { OwnPlayer } from './own_player.js';
import { InterpBuffer, TOP_SPEED } from './interp.js';
import { Renderer } from './render.js';
import { Hud } from './hud.js';
import { LANES, NetGraph, NetHistory } from './netgraph.js';
import { attachTouch, isTouchScreen } from './touch.js';
import { clockText, matchSecondsLeft, respawnText } from './countdown.js';
import { Effects } from './effects.js';
import { Sound } from './sound.js';
import { RESPAWN_DELAY_SECS } from './movement.js';
import { Scoreboard } from './scoreboard.js';
import { SpectatorCamera } from './spectator.js';
import { KillFeed } from './killfeed.js';
import { NoticeBanner } from './notice.js';
import { Lobby } from './lobby.js';
import { LeaderboardPanel } from './leaderboard.js';
import { ResultsScreen } from './results.js';
import { attachInput } from './input.js';
import { LinkWatch, STALL_TEXT } from './link_watch.js';
import { ShotPredictor } from './shots.js';
import { SmoothView } from './smooth.js';
import { ByteHistory, RateMeter } from './netcode/stats.js';

/** @typedef {import('./netcode/messages.js').ServerMsg} ServerMsg */
/** @typedef {import('./netcode/messages.js').WelcomeMsg} WelcomeMsg */
/** @typedef {import('./netcode/messages.js').GameEvent} GameEvent */
/** @typedef {import('./netcode/connection.js').Session} NetSession */
/** @typedef {import('./netcode/connection.js').Snapshot} Snapshot */
/** @typedef {import('./netcode/connection.js').SentInput} SentInput */
/** @typedef {import('./netcode/clock.js').ServerClock} ServerClock */
/** @typedef {import('./netcode/input_clock.js').InputClock} InputClock */
/** @typedef {import('./netcode/world.js').World} World */
/** @typedef {import('./arena_entities.js').ArenaEntity} ArenaEntity */
/** @typedef {import('./arena_map.js').ArenaMap} ArenaMap */

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));

const canvas = /** @type {HTMLCanvasElement} */ ($('game'));
const renderer = new Renderer(canvas);
const hud = new Hud($('hud'));
const netGraph = new NetGraph(/** @type {HTMLCanvasElement} */ ($('netgraph')));
const scoreboard = new Scoreboard($('scoreboard'));
const killfeed = new KillFeed($('killfeed'));
const notice = new NoticeBanner($('notice'));
const board = new LeaderboardPanel($('leaderboard'));
const results = new ResultsScreen($('results'), board);
const sound = new Sound(pageStorage());
// The audio is made now, before a game starts, not on its first key (see `Sound.prepare`).
setTimeout(() => sound.prepare(), 0);
const input = attachInput(window, canvas, {
  onToggleNetGraph: () => togglePanel('net'),
  onToggleLeaderboard: () => togglePanel('board'),
  onToggleSound: () => togglePanel('sound'),
  onKey: () => sound.unlock(),
});
/** Whether this is a touch screen: twin sticks instead of keys and mouse. */
const touchScreen = isTouchScreen(window);
const touch = attachTouch(canvas, $('sticks'));
document.body.classList.toggle('touch', touchScreen);
$('touch-help').textContent = 'Left thumb: move · right thumb: aim and fire (tap to shoot)';
// A narrow screen starts with the scoreboard hidden (Tab, or its button, shows it).
scoreboard.setShown(window.innerWidth >= 700);

const GRAPH_WINDOW_MS = 5000;
/** How often the page looks for a stalled link, ms. */
const LINK_CHECK_MS = 100;
/** How often the net graph samples its levels (ping is sampled with each pong), ms. */
const LEVEL_SAMPLE_MS = 100;
/** How long the touch controls' help shows after a join, ms. */
const TOUCH_HELP_MS = 10000;

/** The page's localStorage, or null where storage is off. */
function pageStorage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** Everything that lives as long as the page. */
const meters = {
  snapshots: new RateMeter(1000),
  bytesIn: new RateMeter(1000),
  frames: new RateMeter(1000),
  graph: new ByteHistory(GRAPH_WINDOW_MS),
  corrections: new RateMeter(1000),
  // The net graph's lanes.
  lanes: new NetHistory(GRAPH_WINDOW_MS),
  lastSnapshotAt: /** @type {number | null} */ (null),
  lastLevelsAt: 0,
};
/** Whether snapshots stopped coming: a stalled link. */
const linkWatch = new LinkWatch();

/**
 * Everything that lives as long as one session (one Welcome); replaced on reconnect, since the
 * next connection starts from no baseline and a new input sequence. The clocks and the worlds are
 * the connection's session's.
 * @typedef {{welcome: WelcomeMsg, map: ArenaMap, world: World | null, entities: ArenaEntity[],
 *   lastAck: number, clock: ServerClock, inputClock: InputClock, shownTick: number, feel: Feel,
 *   lastShot: {drawnTick: number, viewTick: number} | null, shots: ShotPredictor, smooth: SmoothView,
 *   interp: InterpBuffer, predictor: OwnPlayer, ownDead: boolean, aim: number,
 *   camera: SpectatorCamera | null, effects: Effects, respawnTick: number | null,
 *   match: {endsTick: number | null, ticks: number}, joinedAt: number}} Session
 *   `respawnTick`: the server tick the own player respawns at while dead; `match`: when the
 *   match under way ends (a server tick; null for endless matches or before the rooms API said)
 */
/** @type {Session | null} */
let session = null;
/** @type {Connection | null} */
let conn = null;
let lastFrame = performance.now();
let lastHud = 0;

/** @param {WelcomeMsg} welcome @param {NetSession} net @returns {Session} */
function newSession(welcome, net) {
  const map = arenaMap(welcome);
  return {
    welcome,
    // The walls come with the map's features.
    map,
    world: null,
    // The latest world's entities as the page reads them (world units, radians).
    entities: [],
    lastAck: 0,
    clock: net.clock,
    interp: new InterpBuffer(welcome.schema, Math.max(32, welcome.snapshot_rate * 2), welcome.tick_rate),
    feel: newFeel(),
    shots: new ShotPredictor(welcome.tick_rate, map),
    smooth: new SmoothView(),
    predictor: new OwnPlayer(welcome.schema, map, welcome.tick_rate),
    inputClock: net.inputs,
    // The server tick of the remote world last drawn: sent with inputs for lag compensation.
    shownTick: 0,
    // What was on screen when the last own shot was sent: the render tick of the frame drawn
    // and the view tick the input carried.
    lastShot: null,
    ownDead: false,
    aim: 0,
    // A spectator has no entity: a camera of its own instead.
    camera: welcome.spectator ? new SpectatorCamera(map.width / 2, map.height / 2) : null,
    effects: new Effects(),
    respawnTick: null,
    match: { endsTick: null, ticks: 0 },
    joinedAt: performance.now(),
  };
}

/**
 * What the remote entities looked like frame to frame, for the net graph and the tests.
 * @typedef {{renderTick: number, wentBack: number, bigJumps: number, respawns: number,
 *   maxStepRatio: number, last: Map<number, {x: number, y: number, kind: string}>, lastAt: number}} Feel
 * @returns {Feel}
 */
function newFeel() {
  return { renderTick: 0, wentBack: 0, bigJumps: 0, respawns: 0, maxStepRatio: 0, last: new Map(), lastAt: 0 };
}

/**
 * Checks a frame's remote entities against the last frame: the render tick must not go back, and
 * no entity may move further than twice its top speed allows in the frame's time, but for the
 * jumps the server marks (respawns) or that are teleports.
 * @param {Feel} feel
 * @param {number} renderTick
 * @param {import('./interp.js').RenderEntity[]} entities
 * @param {number} now
 */
function watchFeel(feel, renderTick, entities, now) {
  if (renderTick < feel.renderTick) feel.wentBack++;
  feel.renderTick = renderTick;
  const dt = (now - feel.lastAt) / 1000;
  /** @type {Map<number, {x: number, y: number, kind: string}>} */
  const next = new Map();
  for (const e of entities) {
    next.set(e.id, { x: e.x, y: e.y, kind: e.kind });
    const p = feel.last.get(e.id);
    if (!p || dt <= 0 || dt > 0.25) continue;
    if (e.respawn) feel.respawns++;
    if (e.jump) continue;
    const step = Math.hypot(e.x - p.x, e.y - p.y);
    const ratio = step / ((TOP_SPEED[e.kind] ?? TOP_SPEED.player) * dt);
    if (ratio > feel.maxStepRatio) feel.maxStepRatio = ratio;
    if (ratio > 2) feel.bigJumps++;
  }
  feel.last = next;
  feel.lastAt = now;
}

/** The page's clock and timers, late-bound so that tests can replace them. */
const timers = {
  now: () => performance.now(),
  setTimeout: (/** @type {() => void} */ cb, /** @type {number} */ ms) => setTimeout(cb, ms),
  clearTimeout: (/** @type {any} */ id) => clearTimeout(id),
};

/** The score columns of the room's schema (none before a Welcome). */
function scoreColumns() {
  return session?.welcome.schema.desc.scores ?? [];
}

/** True while the page is hidden (another tab, minimised). */
function pageHidden() {
  return typeof document !== 'undefined' && document.visibilityState === 'hidden';
}

/**
 * The arena's input values (the schema's input fields by name), on the input clock's tick: the
 * keys, the aim, the fire button. None before the own player's position is known.
 * @param {{move_x: number, move_y: number, fire: boolean} | null} [forced] instead of the keys
 * @returns {{move_x: number, move_y: number, aim: number, fire: boolean} | null}
 */
function inputValues(forced = null) {
  const s = session;
  if (!s || !s.predictor.ready) return null;
  if (forced) return { move_x: forced.move_x, move_y: forced.move_y, aim: s.aim, fire: forced.fire };
  const keys = input.sample();
  const thumbs = touch.sticks.sample();
  if (thumbs.aim !== null) s.aim = thumbs.aim;
  else if (thumbs.aimAt && touch.sticks.right) {
    const here = renderer.toScreen(s.predictor.pos[0], s.predictor.pos[1]);
    s.aim = Math.atan2(thumbs.aimAt.y - here.y, thumbs.aimAt.x - here.x);
  }
  const values = {
    move_x: keys.move_x || (input.enabled ? thumbs.move_x : 0),
    move_y: keys.move_y || (input.enabled ? thumbs.move_y : 0),
    aim: s.aim,
    fire: keys.fire || (input.enabled && thumbs.fire),
  };
  // The next match is under way once the player plays it: the results card goes.
  if (values.move_x || values.move_y || values.fire) results.dismiss(timers.now());
  return values;
}

/**
 * An input sent (its values as the server reads them): predicted, and its shot too.
 * @param {SentInput} sent
 */
function onInputSent(sent) {
  const s = session;
  if (!s) return;
  s.predictor.input(sent.seq, sent.values);
  const shot = { fire: sent.values.fire === true, aim: Number(sent.values.aim) };
  const before = s.shots.predicted;
  s.shots.onInput(shot, { x: s.predictor.pos[0], y: s.predictor.pos[1] }, !s.ownDead, timers.now());
  if (s.shots.predicted > before) {
    s.lastShot = { drawnTick: s.feel.renderTick, viewTick: s.shownTick };
    sound.play('shot');
  }
}

/** A hidden page sends one neutral input and stops; back in view, it starts again in step. */
function onVisibilityChange() {
  const s = session;
  // A spectator sends no inputs.
  if (!s || s.camera || !conn) return;
  if (pageHidden()) {
    const neutral = inputValues({ move_x: 0, move_y: 0, fire: false });
    if (neutral) conn.sendInput(neutral);
    conn.stopInputs();
  } else if (!conn.inputsRunning() && !linkWatch.stalled) {
    conn.startInputs();
  }
}

/**
 * Snapshots stopped: the page says so and stops sending inputs, which the stalled link would
 * only hold and deliver together, too late to apply.
 */
function onLinkStalled() {
  const s = session;
  if (!s) return;
  showStatus(STALL_TEXT);
  if (!s.camera) conn?.stopInputs();
}

/**
 * Snapshots came back: the notice goes, and the input clock starts again in step; its first
 * input, sent at once, carries what the player wants now.
 * @param {Session} s
 */
function onLinkBack(s) {
  if ($('status').textContent === STALL_TEXT) showStatus('');
  if (!s.camera && !pageHidden() && conn && !conn.inputsRunning()) conn.startInputs();
}

/** Every message: counted for the net graph. @param {ServerMsg} msg @param {number} bytes */
function onMessage(msg, bytes) {
  meters.bytesIn.add(performance.now(), bytes);
}

/** A pong: the net graph's ping lane, from the connection's own figure. @param {number} rttMs */
function onPong(rttMs) {
  meters.lanes.add('ping', performance.now(), rttMs);
}

/**
 * Asks the rooms API when the match under way in the session's room ends: the match timer
 * counts down to it, and each match end moves it on by a match's length.
 * @param {Session} s
 */
async function learnMatchClock(s) {
  const key = new URLSearchParams(location.search).get('key');
  const query = key && new URLSearchParams(location.search).get('room') === String(s.welcome.room) ? `?key=${encodeURIComponent(key)}` : '';
  try {
    const resp = await fetch(`/rooms/${s.welcome.room}${query}`, { cache: 'no-store' });
    if (!resp.ok) return;
    const room = await resp.json();
    if (typeof room.match_ends_tick === 'number' && room.match_seconds > 0) {
      s.match = { endsTick: room.match_ends_tick, ticks: Math.round(room.match_seconds * s.welcome.tick_rate) };
    }
  } catch {
    // No timer then; the game plays on.
  }
}

/** @param {WelcomeMsg} msg @param {NetSession} net */
function onWelcome(msg, net) {
  // The Hello named the arena's schema, so a server of another game refuses it (4014); a
  // schema that still lacks what the page reads ends here, clearly.
  const problem = arenaProblem(msg.schema);
  if (problem) {
    session = null;
    console.error(`tickwire: ${problem}`);
    conn?.fail(`This page cannot show this server's game: ${problem}.`);
    return;
  }
  // A resumed seat keeps its spectator camera's place across a reconnect.
  session = newSession(msg, net);
  linkWatch.reset(msg.snapshot_rate);
  document.body.classList.toggle('spectating', msg.spectator);
  document.body.classList.add('playing');
  notice.clear();
  showStatus('');
  if (typeof fetch === 'function') void learnMatchClock(session);
  // Every session asks for the leaderboard: the server sends it now and on every change.
  conn?.send({ type: 'Subscribe', leaderboard: true });
}

/**
 * An event of the schema's: the arena's kill feed shows its "kill" events.
 * @param {GameEvent} event
 */
function onEvent(event) {
  if (event.kind !== 'kill') return;
  const now = performance.now();
  const ownId = session?.welcome.entity_id;
  const killer = Number(event.fields.killer);
  const victim = Number(event.fields.victim);
  killfeed.add(now, scoreboard.nameOf(killer), scoreboard.nameOf(victim), killer === ownId || victim === ownId);
}

/**
 * A snapshot the connection applied: the page's entities, interpolation, shots and the own
 * player's reconciliation.
 * @param {Snapshot} snap
 */
function onSnapshot(snap) {
  const s = session;
  if (!s) return;
  const now = performance.now();
  if (linkWatch.onSnapshot(now)) onLinkBack(s);
  const { msg, world, bytes } = snap;
  const { ack, repeats } = msg;
  s.world = world;
  const entities = arenaEntities(s.welcome.schema, world);
  s.entities = entities;
  s.lastAck = ack;
  meters.snapshots.add(now);
  meters.graph.add(now, bytes);
  meters.lanes.add('bytes', now, bytes);
  if (meters.lastSnapshotAt !== null) meters.lanes.add('gap', now, now - meters.lastSnapshotAt);
  meters.lastSnapshotAt = now;
  s.interp.push(snap.t, world);
  s.shots.onWorld(entities, now);
  const ownId = s.camera ? null : s.welcome.entity_id;
  for (const ev of s.effects.onWorld(entities, ownId, now)) {
    if (ev.id === ownId) sound.play(ev.what === 'death' ? 'death' : 'hurt');
    else sound.play(ev.what === 'death' ? 'death' : 'hit');
  }

  const own = entities.find((e) => e.id === s.welcome.entity_id);
  if (!own) return;
  const pos = /** @type {[number, number]} */ ([own.x, own.y]);
  const p = s.predictor;
  if (own.hp === 0) {
    // Dead: hold still where the server says until respawn.
    p.frozen = true;
    p.reset(pos);
    if (!s.ownDead) s.respawnTick = world.tick + RESPAWN_DELAY_SECS * s.welcome.tick_rate;
    s.ownDead = true;
  } else if (s.ownDead || !p.ready) {
    // Spawned or respawned: start predicting from the server's position.
    p.frozen = false;
    p.reset(pos);
    s.ownDead = false;
    s.respawnTick = null;
  } else {
    if (p.reconcile(ack, pos, repeats, msg.earlier).corrected) {
      meters.corrections.add(now);
      meters.lanes.add('corrections', now, p.lastCorrection);
    }
  }
}

/** The connection closed: what it showed of the session goes with it. */
function onDisconnect() {
  session = null;
  meters.lastSnapshotAt = null;
  document.body.classList.remove('playing');
  notice.clear();
  scoreboard.set([], scoreColumns());
  renderScoreboard();
}

/** The scoreboard, marking the own entity, or the one a spectator follows. */
function renderScoreboard() {
  const s = session;
  scoreboard.render(s ? (s.camera ? s.camera.following : s.welcome.entity_id) : null);
}

/** @param {import('./netcode/connection.js').NetStatus} st */
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
  $('backdrop').hidden = !visible;
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
  const protocols = gameSocketProtocols(location);
  conn = new Connection({
    url: gameSocketUrl(location),
    protocols,
    name,
    schema: ARENA_SCHEMA.hash,
    onMessage,
    onPong,
    onStatus,
    onDisconnect,
    onWelcome,
    onSnapshot,
    onEvent,
    onScoreboard: (entries) => {
      scoreboard.set(entries, scoreColumns());
      renderScoreboard();
    },
    onLeaderboard: (rows) => board.set(rows, scoreColumns()),
    onMatchEnd: (result) => {
      results.show(performance.now(), result, board.ownName, scoreColumns());
      // The next match started at once: the timer counts down to its end.
      const m = session?.match;
      if (m && m.endsTick !== null && m.ticks > 0) {
        const tick = session ? session.clock.serverTick(performance.now()) : 0;
        const behind = tick + m.ticks / 2 - m.endsTick;
        if (behind >= 0) m.endsTick += (Math.floor(behind / m.ticks) + 1) * m.ticks;
      }
    },
    onNotice: (n) => notice.show(performance.now(), n.text, n.seconds_left),
    // The close that follows carries the same code; the connection turns it into a status line.
    onKick: (k) => console.warn(`tickwire: kicked (${k.code}): ${k.reason}`),
    input: () => inputValues(),
    onInput: onInputSent,
    viewTick: () => session?.shownTick ?? 0,
    autoInputs: () => !pageHidden(),
    // The server says why it would refuse the socket (a browser's socket cannot tell).
    admissionCheck: typeof fetch === 'function',
    timers,
  });
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
    camera = s.camera.position(entities, s.map);
    renderer.draw({ map: s.map, camera, entities, own: null, names: scoreboard.names, effects: s.effects.active(now) });
    // The free camera stays where the view stops at the map's edges, so that a pan back moves at once.
    if (s.camera.following === null) Object.assign(s.camera, renderer.camera);
    $('banner').hidden = true;
    const label = s.camera.label((id) => scoreboard.nameOf(id));
    if ($('spectating').textContent !== label) $('spectating').textContent = label;
    $('spectating').hidden = false;
  } else if (s) {
    $('spectating').hidden = true;
    const p = s.predictor;
    const sampled = input.sample();
    if (p.ready) {
      // Inputs leave on the input clock; a frame only draws, between the last two ticks.
      const here = p.renderPosition(s.inputClock.alpha(now));
      const sp = renderer.toScreen(here.x, here.y);
      if ((sampled.mouseX || sampled.mouseY) && !touch.sticks.right) s.aim = Math.atan2(sampled.mouseY - sp.y, sampled.mouseX - sp.x);
      p.decay(elapsed);
      const at = p.renderPosition(s.inputClock.alpha(now));
      const ownState = s.entities.find((e) => e.id === s.welcome.entity_id);
      own = { id: s.welcome.entity_id, x: at.x, y: at.y, angle: s.aim, hp: ownState ? ownState.hp : 0 };
      camera = { x: at.x, y: at.y };
    } else {
      camera = { x: s.map.width / 2, y: s.map.height / 2 };
    }
    const renderTick = s.clock.renderTick(now);
    const remote = s.smooth.apply(s.interp.sample(renderTick, s.welcome.entity_id), elapsed / 1000);
    // Not the render tick: the world drawn (see InterpBuffer.viewTick).
    s.shownTick = s.interp.viewTick();
    watchFeel(s.feel, renderTick, remote, now);
    const entities = s.shots.merge(remote, now);
    renderer.draw({ map: s.map, camera, entities, own, names: scoreboard.names, effects: s.effects.active(now), flash: s.effects.flash(now) });
    ownOnScreen = own ? renderer.toScreen(own.x, own.y) : null;
    $('banner').hidden = !s.ownDead;
    if (s.ownDead && s.respawnTick !== null) {
      const left = (s.respawnTick - s.clock.serverTick(now)) / s.welcome.tick_rate;
      const line = respawnText(left);
      if ($('banner').textContent !== line) $('banner').textContent = line;
    }
  } else {
    renderer.draw({ map: null, camera, entities: [], own: null, names: scoreboard.names });
    $('banner').hidden = true;
    $('spectating').hidden = true;
  }
  if (!s || s.camera) ownOnScreen = null;
  if (s && now - meters.lastLevelsAt >= LEVEL_SAMPLE_MS) {
    meters.lastLevelsAt = now;
    const st = stats();
    meters.lanes.add('jitter', now, st.jitterMs);
    meters.lanes.add('buffer', now, st.bufferMs);
  }
  if (now - lastHud > 250) {
    lastHud = now;
    const st = stats();
    shown.figures = st;
    hud.update(
      {
        pingMs: st.pingMs,
        serverTick: st.serverTick,
        snapshotsPerSec: st.snapshotsPerSec,
        kbpsIn: st.kbpsIn,
        entitiesInView: st.entities,
        fps: meters.frames.perSecond(now),
        predictionErrorPx: st.predictionErrorPx,
      },
      netGraph.visible,
      touchScreen,
    );
    killfeed.render(now);
    notice.render(now);
    results.render(now);
    renderTimer(s, now);
    fadePanelsOver(ownOnScreen);
    $('touch-help').hidden = !(touchScreen && s && !s.camera && now - s.joinedAt < TOUCH_HELP_MS);
  }
  if (netGraph.visible) netGraph.draw(meters.lanes, now, netFooter(shown.figures));
  requestAnimationFrame(frame);
}

/** Where the own player was last drawn (CSS px), or null. @type {{x: number, y: number} | null} */
let ownOnScreen = null;

/** The panels that fade while the own player is under them. */
const FADING = ['scoreboard', 'results', 'leaderboard', 'killfeed', 'hud', 'netgraph', 'notice', 'timer', 'touch-help'];
/** How close (CSS px) the own player may come to a panel before it fades. */
const FADE_MARGIN = 24;

/**
 * Fades every panel the own player is under (the camera stops at the map's edges, so near one
 * the player is drawn off centre, where panels are).
 * @param {{x: number, y: number} | null} at
 */
function fadePanelsOver(at) {
  for (const id of FADING) {
    const el = $(id);
    let under = false;
    if (at && !el.hidden && el.getBoundingClientRect) {
      const r = el.getBoundingClientRect();
      under = r.width > 0 && at.x > r.left - FADE_MARGIN && at.x < r.right + FADE_MARGIN && at.y > r.top - FADE_MARGIN && at.y < r.bottom + FADE_MARGIN;
    }
    el.classList.toggle('under', under);
  }
}

/** The figures the HUD and the net graph showed last: one sample for both. */
const shown = { figures: /** @type {ReturnType<typeof stats> | null} */ (null) };

/**
 * The match timer: the time left in the match under way, when matches end.
 * @param {Session | null} s
 * @param {number} now
 */
function renderTimer(s, now) {
  const el = $('timer');
  const left = s ? matchSecondsLeft(s.match.endsTick, s.clock.serverTick(now), s.welcome.tick_rate) : null;
  el.hidden = left === null;
  if (left === null) return;
  const line = clockText(left);
  if (el.textContent !== line) el.textContent = line;
  el.classList.toggle('ending', left <= 10);
}

/**
 * The panels a key or a menu button shows or hides.
 * @param {'scores' | 'rooms' | 'board' | 'net' | 'sound'} which
 */
function togglePanel(which) {
  if (which === 'scores') {
    scoreboard.setShown(!scoreboard.shown);
    renderScoreboard();
  } else if (which === 'rooms') lobby.toggle();
  else if (which === 'board') board.toggle();
  else if (which === 'net') netGraph.toggle();
  else if (which === 'sound') sound.toggle();
  renderMenu();
}

/** The menu's buttons say which panels are open, and whether the sound is on. */
function renderMenu() {
  const pressed = {
    'menu-scores': scoreboard.shown,
    'menu-rooms': !$('lobby').hidden && $('join').hidden,
    'menu-board': board.open,
    'menu-net': netGraph.visible,
    'menu-sound': !sound.muted,
  };
  for (const [id, on] of Object.entries(pressed)) $(id).setAttribute('aria-pressed', String(on));
  $('menu-sound').textContent = sound.muted ? 'Sound off' : 'Sound on';
}

// A timer rather than the frame loop: a page whose frames stop still notices a stalled link.
setInterval(() => {
  if (session && linkWatch.check(performance.now())) onLinkStalled();
}, LINK_CHECK_MS);

/**
 * The net graph's footer: the figures that have no lane.
 * @param {ReturnType<typeof stats> | null} st
 * @returns {string}
 */
function netFooter(st) {
  if (!st) return '';
  return `interp ${st.delayMs.toFixed(0)} ms · late ${st.lateSnapshots} · skipped ${st.skippedSnapshots} · extrap ${st.extrapolatedMs.toFixed(0)} ms · rate ${st.playbackRate.toFixed(2)} · pace ${st.inputPace}% · err ${st.predictionErrorSteps}`;
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
    pingMs: conn ? conn.pingMs : 0,
    kbpsIn: (meters.bytesIn.perSecond(now) * 8) / 1000,
    snapshotsPerSec: meters.snapshots.perSecond(now),
    ownEntityId: s && !s.camera ? s.welcome.entity_id : null,
    spectator: !!s?.camera,
    following: s?.camera ? s.camera.following : null,
    room: s ? s.welcome.room : null,
    ownPosition: p && p.ready ? { x: p.pos[0], y: p.pos[1] } : null,
    predictionErrorPx: p ? p.lastError : 0,
    // Prediction error at the last acknowledged input, in quantization steps (1/16 unit): 0 is exact.
    predictionErrorSteps: p ? p.lastErrorSteps : 0,
    corrections: p ? p.corrections : 0,
    lastCorrectionUnits: p ? p.lastCorrection : 0,
    maxCorrectionUnits: p ? p.maxCorrection : 0,
    inputsSent: s ? s.inputClock.sent : 0,
    // Late timer firings that sent several inputs at once, and those so late that time was lost.
    inputBursts: s ? s.inputClock.bursts : 0,
    inputResyncs: s ? s.inputClock.resyncs : 0,
    inputPace: s ? s.inputClock.pace : 0,
    jitterMs: s ? (s.clock.jitterTicks * 1000) / s.welcome.tick_rate : 0,
    delayMs: s ? (s.clock.delayTicks * 1000) / s.welcome.tick_rate : 0,
    // How far the newest snapshot is ahead of what is drawn; 0 while extrapolating past it.
    bufferMs: s ? Math.max(0, (s.interp.depthTicks(s.feel.renderTick) * 1000) / s.welcome.tick_rate) : 0,
    extrapolatedMs: s ? (s.interp.extrapolatedTicks * 1000) / s.welcome.tick_rate : 0,
    holds: s ? s.interp.holds : 0,
    playbackRate: s ? s.clock.rate : 1,
    lateSnapshots: s ? s.clock.late : 0,
    skippedSnapshots: s ? s.clock.skipped : 0,
    bytesPerSnapshot: meters.graph.points.length
      ? meters.graph.points.reduce((sum, p) => sum + p.bytes, 0) / meters.graph.points.length
      : 0,
    renderTick: s ? s.feel.renderTick : 0,
    // The tick of the others' world drawn, which inputs carry (lag compensation).
    viewTick: s ? s.shownTick : 0,
    renderWentBack: s ? s.feel.wentBack : 0,
    bigJumps: s ? s.feel.bigJumps : 0,
    maxStepRatio: s ? s.feel.maxStepRatio : 0,
    respawnsSeen: s ? s.feel.respawns : 0,
    shotsPredicted: s ? s.shots.predicted : 0,
    // The frame on screen when the last own shot was sent (render tick), and its view tick.
    lastShot: s ? s.lastShot : null,
    shotsConfirmed: s ? s.shots.confirmed : 0,
    // Whether snapshots stopped coming (the page says the connection is lost), and how often.
    linkStalled: linkWatch.stalled,
    linkStalls: linkWatch.stalls,
    stallNoticedAfterMs: linkWatch.noticedAfterMs,
    statusText: $('status').hidden ? '' : $('status').textContent,
  };
}

/**
 * @param {import('./netcode/schema.js').Schema} schema
 * @returns {{game: string, version: number, hash: string, kinds: string[]}}
 */
function schemaInfo(schema) {
  const { game, version, kinds } = schema.desc;
  return { game, version, hash: schema.hash.toString(16).padStart(16, '0'), kinds: kinds.map((k) => k.name) };
}

/** @type {any} */ (window).tickwire = {
  stats,
  /** The latest server snapshot's entities as quantized: x/y in 1/16 units, angle in 1/256 turns. */
  world: () => (session ? session.entities.map(quantized) : []),
  /** The schema the server's Welcome carried: its game, version and hash (hex), kinds. */
  schema: () => (session ? schemaInfo(session.welcome.schema) : null),
  /** The input seq the server last acknowledged. */
  lastAck: () => (session ? session.lastAck : 0),
  /** The scoreboard as last received: each line's columns also by name (`kills`, `deaths`). */
  scores: () => scoreboard.entries.map((e) => ({ ...e.byColumn, ...e, columns: [...e.columns] })),
  /** The leaderboard as last pushed, how many boards came, and whether the panel shows. */
  leaderboard: () => ({ rows: board.rows.map((r) => ({ ...r })), updates: board.updates, visible: board.visible() }),
  /** The last match result received, and whether the results screen shows it. */
  results: () => ({ last: results.last, visible: results.visible(performance.now()) }),
  /** Starts the counters of corrections and of what remote entities did afresh. */
  resetFeel: () => {
    if (!session) return;
    session.predictor.maxCorrection = 0;
    session.predictor.corrections = 0;
    session.inputClock.bursts = 0;
    session.inputClock.resyncs = 0;
    Object.assign(session.feel, { wentBack: 0, bigJumps: 0, respawns: 0, maxStepRatio: 0 });
  },
  /**
   * Makes the page ignore stalls, sending every input through them as a page without the link
   * watch does: for tests of the server's flood limit against a client that catches up.
   */
  ignoreStalls: () => {
    linkWatch.stallMs = Infinity;
  },
  /** What the canvas shows: world units across and down, CSS px per unit, the camera's centre, the own player on screen. */
  view: () => ({
    worldWidth: renderer.view.worldWidth,
    worldHeight: renderer.view.worldHeight,
    zoom: renderer.view.zoom,
    camera: { ...renderer.camera },
    touch: touchScreen,
    // Where the own player was last drawn, in CSS px (null without one): the camera stops at the
    // map's edges, so it is not always the canvas's centre.
    own: ownOnScreen ? { ...ownOnScreen } : null,
  }),
  /** The match timer's seconds left (null when matches do not end) and what the HUD showed. */
  panels: () => ({
    timer: $('timer').hidden ? null : $('timer').textContent,
    hud: $('hud').textContent,
    banner: $('banner').hidden ? null : $('banner').textContent,
    notice: $('notice').hidden ? null : $('notice').textContent,
    lanes: LANES.map((l) => ({ key: l.key, points: meters.lanes.points(l.key).length, latest: meters.lanes.latest(l.key) })),
  }),
  /**
   * The remote entities as last drawn (world units), the render tick they were drawn at, and the
   * tick of the world drawn (the view tick inputs carry: behind the render tick when that ran past
   * the snapshots).
   */
  shown: () => ({
    renderTick: session ? session.feel.renderTick : 0,
    viewTick: session ? session.shownTick : 0,
    entities: session ? [...session.feel.last].map(([id, e]) => ({ id, ...e })) : [],
  }),
};

const lobby = new Lobby({
  root: $('lobby'),
  currentRoom: () => session?.welcome.room ?? null,
  // A room created from the join screen becomes the page's own address: Play joins it.
  onCreated: (join) => {
    if (!session && !$('join').hidden && typeof history !== 'undefined') {
      history.replaceState(null, '', join);
      nameInput.focus();
    }
  },
});
window.addEventListener('keydown', (e) => {
  if (e.code === 'KeyM' && !e.repeat && $('join').hidden) togglePanel('rooms');
});
for (const which of /** @type {const} */ (['scores', 'rooms', 'board', 'net', 'sound'])) {
  $(`menu-${which}`).addEventListener('click', () => {
    sound.unlock();
    if (which === 'rooms' && !$('join').hidden) return;
    togglePanel(which);
  });
}
window.addEventListener('pointerdown', () => sound.unlock());

// Tab shows or hides a player's scoreboard. Spectators follow a player: Tab (Shift+Tab back)
// cycles through the scoreboard, 1-9 pick its rows, a click on a name picks that player.
window.addEventListener('keydown', (e) => {
  if (e.target instanceof HTMLInputElement) return;
  const cam = session?.camera;
  if (!cam) {
    if (e.code === 'Tab' && $('join').hidden) {
      e.preventDefault();
      if (!e.repeat) togglePanel('scores');
    }
    return;
  }
  const ranked = scoreboard.ranked();
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
// The name form, should it show again (a refusal), keeps the name the address gave.
if (fromUrl !== null && cleanName(fromUrl)) nameInput.value = cleanName(fromUrl);
// A spectator needs no name: `/?room=3&spectate=1` starts watching at once.
if (page.get('spectate') === '1' || page.get('spectate') === 'true') join(fromUrl ?? 'spectator');
else if (fromUrl !== null && cleanName(fromUrl)) join(fromUrl);
else {
  showJoin(true);
  nameInput.focus();
}
if (typeof document !== 'undefined' && document.addEventListener) {
  document.addEventListener('visibilitychange', onVisibilityChange);
}
renderMenu();
requestAnimationFrame(frame);
