// @ts-check
// The tag page: joins (`?name=` or the form), names tag's schema in its Hello, decodes snapshots
// with the netcode package in the schema the Welcome carries, sends WASD/arrows as inputs on the
// server's tick, and draws the field: the base, the runners (remote ones interpolated a little
// behind the server, the own one at its newest state), the one who is "it" red with a ring and
// an "IT" label, names from the scoreboard. `window.tickwire` is the automation hook.

import { ByteHistory, InputClock, RateMeter, ServerClock, applyDelta, hashHex, interpolateWorld } from '../netcode/index.js';
import { cleanName } from '../messages.js';
import { Connection, gameSocketProtocols, gameSocketUrl, rttFromNonce } from '../net.js';
import { attachInput } from '../input.js';
import { TAG_SCHEMA, hudLine, tagProblem, tagWorld } from './tag_schema.js';

/**
 * @typedef {import('../messages.js').ServerMsg} ServerMsg
 * @typedef {import('../messages.js').WelcomeMsg} WelcomeMsg
 * @typedef {import('../messages.js').ScoreEntry} ScoreEntry
 * @typedef {import('../netcode/world.js').World} World
 * @typedef {import('./tag_schema.js').TagWorld} TagWorld
 * @typedef {{welcome: WelcomeMsg, world: World | null, previous: World | null,
 *   timeline: {t: number, world: World}[], clock: ServerClock, inputClock: InputClock, seq: number}} Session
 *   one Welcome's worth of state: the newest world and the one before it (the delta's baselines),
 *   the last snapshots on the server's tick line (for interpolation), the clocks, the input seq
 */

/** Snapshots kept for interpolation. */
const TIMELINE = 16;
/** Radius of a runner, world units: two runners touch at the server's reach (28). */
const RADIUS = 14;
const COLORS = { field: '#0e1116', outside: '#07090c', border: '#3a4658', base: '#1f3a2c', baseEdge: '#3ee08f',
  runner: '#4aa3ff', own: '#3ee08f', it: '#ff2d2d', name: '#d8dee9' };

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const canvas = /** @type {HTMLCanvasElement} */ ($('field'));
const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
const input = attachInput(window, canvas);
const meters = { snapshots: new RateMeter(1000), bytesIn: new RateMeter(1000), sizes: new ByteHistory(5000) };

/** @type {Session | null} */
let session = null;
/** @type {Connection | null} */
let conn = null;
/** @type {Map<number, string>} */
let names = new Map();
/** @type {ScoreEntry[]} */
let scores = [];
let pingMs = 0;
let lastHud = 0;
/** @type {{tick: number, runners: {id: number, x: number, y: number, it: boolean, screenX: number, screenY: number}[]}} */
let shown = { tick: 0, runners: [] };
const timers = { now: () => performance.now(), setTimeout: (/** @type {() => void} */ cb, /** @type {number} */ ms) => setTimeout(cb, ms), clearTimeout: (/** @type {any} */ id) => clearTimeout(id) };

const nameOf = (/** @type {number} */ id) => names.get(id) ?? `#${id}`;

/** One input on the input clock's tick: the movement keys, nothing else (tag has no aim or fire). */
function sendInput() {
  const s = session;
  if (!s || s.welcome.spectator) return;
  const { move_x, move_y } = input.sample();
  s.seq = (s.seq + 1) >>> 0;
  conn?.send({ type: 'Input', seq: s.seq, move_x, move_y, aim: 0, fire: false, view_tick: Math.max(0, Math.floor(shown.tick)) >>> 0 });
}

/** @param {ServerMsg} msg @param {number} bytes */
function onMessage(msg, bytes) {
  const now = performance.now();
  meters.bytesIn.add(now, bytes);
  if (msg.type === 'Welcome') {
    session?.inputClock.stop();
    const problem = tagProblem(msg.schema);
    if (problem) {
      session = null;
      conn?.fail(`This page cannot show this server's game: ${problem}.`);
      return;
    }
    const clock = new ServerClock(msg.tick_rate, msg.snapshot_rate);
    clock.onWelcome(msg.tick, now);
    session = { welcome: msg, world: null, previous: null, timeline: [], clock, inputClock: new InputClock(msg.tick_rate, sendInput, timers), seq: 0 };
    if (!msg.spectator) session.inputClock.start();
  } else if (msg.type === 'Snapshot' && session) {
    const s = session;
    s.inputClock.setPace(msg.pace);
    let world;
    try {
      if (msg.schema !== null && msg.schema !== s.welcome.schema.hash) throw new Error('a snapshot of another schema');
      world = applyDelta(s.welcome.schema, msg.body, { baseline: s.world, previous: s.previous });
    } catch (e) {
      conn?.restart(`Bad snapshot (${e instanceof Error ? e.message : e})`);
      return;
    }
    [s.previous, s.world] = [s.world, world];
    s.timeline.push({ t: s.clock.onSnapshot(world.tick, now), world });
    if (s.timeline.length > TIMELINE) s.timeline.shift();
    meters.snapshots.add(now);
    meters.sizes.add(now, bytes);
  } else if (msg.type === 'Pong') {
    pingMs = rttFromNonce(msg.nonce, now);
    session?.clock.onPong(msg.tick, pingMs, now);
  } else if (msg.type === 'Scoreboard') {
    scores = msg.entries;
    names = new Map(scores.map((e) => [e.entity, e.name]));
    renderScores();
  } else if (msg.type === 'Event') {
    const text = `${nameOf(msg.event.killer)} tagged ${nameOf(msg.event.victim)}`;
    $('feed').textContent = text;
  }
}

/**
 * The world at render tick `rt`: the two snapshots around it blended by the package (no
 * extrapolation: past the newest, the newest).
 * @param {Session} s @param {number} rt
 * @returns {World | null}
 */
function sampleWorld(s, rt) {
  const line = s.timeline;
  if (!line.length) return null;
  let i = line.length - 1;
  while (i > 0 && line[i].t > rt) i--;
  const a = line[i];
  const b = line[i + 1];
  if (!b || rt <= a.t) return a.world;
  return interpolateWorld(s.welcome.schema, a.world, b.world, (rt - a.t) / (b.t - a.t));
}

/** @param {number} now */
function frame(now) {
  const dpr = window.devicePixelRatio || 1;
  const [w, h] = [window.innerWidth, window.innerHeight];
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    [canvas.width, canvas.height] = [Math.round(w * dpr), Math.round(h * dpr)];
  }
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = COLORS.outside;
  ctx.fillRect(0, 0, w, h);
  const s = session;
  if (s && s.world) {
    const { width, height } = s.welcome.map;
    const scale = (Math.min(w, h - 40) * 0.94) / Math.max(width, height);
    const [ox, oy] = [(w - width * scale) / 2, (h - height * scale) / 2];
    const at = (/** @type {number} */ x, /** @type {number} */ y) => [ox + x * scale, oy + y * scale];
    ctx.fillStyle = COLORS.field;
    ctx.fillRect(ox, oy, width * scale, height * scale);
    ctx.strokeStyle = COLORS.border;
    ctx.strokeRect(ox, oy, width * scale, height * scale);
    const rt = s.clock.renderTick(now);
    const remote = tagWorld(s.welcome.schema, sampleWorld(s, rt) ?? s.world);
    const newest = tagWorld(s.welcome.schema, s.world);
    const ownId = s.welcome.spectator ? null : s.welcome.entity_id;
    // The own runner as the server last had it; the others as interpolated.
    const runners = [...remote.runners.filter((r) => r.id !== ownId), ...newest.runners.filter((r) => r.id === ownId)];
    const base = newest.base;
    if (base) {
      const [bx, by] = at(base.x - base.half, base.y - base.half);
      ctx.fillStyle = COLORS.base;
      ctx.fillRect(bx, by, base.half * 2 * scale, base.half * 2 * scale);
      ctx.strokeStyle = COLORS.baseEdge;
      ctx.strokeRect(bx, by, base.half * 2 * scale, base.half * 2 * scale);
    }
    const r = RADIUS * scale;
    ctx.textAlign = 'center';
    ctx.font = '12px system-ui, sans-serif';
    shown = { tick: rt, runners: [] };
    for (const runner of runners) {
      const [x, y] = at(runner.x, runner.y);
      shown.runners.push({ id: runner.id, x: runner.x, y: runner.y, it: runner.it, screenX: x, screenY: y });
      ctx.fillStyle = runner.it ? COLORS.it : runner.id === ownId ? COLORS.own : COLORS.runner;
      ctx.beginPath();
      ctx.arc(x, y, r, 0, Math.PI * 2);
      ctx.fill();
      // The facing: a dot near the edge (the centre keeps the runner's colour).
      ctx.fillStyle = COLORS.outside;
      ctx.beginPath();
      ctx.arc(x + Math.cos(runner.angle) * r * 0.6, y + Math.sin(runner.angle) * r * 0.6, r * 0.25, 0, Math.PI * 2);
      ctx.fill();
      if (runner.it) {
        ctx.strokeStyle = COLORS.it;
        ctx.lineWidth = 3;
        ctx.beginPath();
        ctx.arc(x, y, r + 7, 0, Math.PI * 2);
        ctx.stroke();
        ctx.lineWidth = 1;
        ctx.fillStyle = COLORS.it;
        ctx.font = 'bold 14px system-ui, sans-serif';
        ctx.fillText('IT', x, y - r - 12);
        ctx.font = '12px system-ui, sans-serif';
      }
      ctx.fillStyle = runner.id === ownId ? COLORS.own : COLORS.name;
      ctx.fillText(runner.id === ownId ? `${nameOf(runner.id)} (you)` : nameOf(runner.id), x, y + r + 16);
    }
    if (now - lastHud > 250) {
      lastHud = now;
      const own = scores.find((e) => e.entity === ownId);
      $('hud').textContent = `${hudLine(newest, nameOf, ownId, own)} · ping ${Math.round(pingMs)} ms`;
    }
  }
  requestAnimationFrame(frame);
}

function renderScores() {
  const ownId = session?.welcome.entity_id;
  const rows = [...scores].sort((a, b) => b.kills - a.kills || a.deaths - b.deaths || a.name.localeCompare(b.name));
  const line = (/** @type {string[]} */ cells, /** @type {string} */ cls) => {
    const row = document.createElement('div');
    row.className = cls;
    for (const c of cells) row.append(Object.assign(document.createElement('span'), { textContent: c }));
    return row;
  };
  $('scores').replaceChildren(line(['runner', 'tags', 'tagged'], 'row head'),
    ...rows.map((e) => line([e.name, String(e.kills), String(e.deaths)], e.entity === ownId ? 'row own' : 'row')));
}

/** @param {import('../net.js').NetStatus} st */
function onStatus(st) {
  $('status').textContent = st.state === 'playing' ? '' : st.text;
  $('status').hidden = st.state === 'playing' || !st.text;
  $('status').classList.toggle('error', st.state === 'failed');
}

/** @param {string} raw */
function join(raw) {
  const name = cleanName(raw) || 'runner';
  $('join').hidden = true;
  conn?.stop();
  conn = new Connection({ url: gameSocketUrl(location), protocols: gameSocketProtocols(location), name, schema: TAG_SCHEMA.hash,
    onMessage, onStatus, onDisconnect: () => { session?.inputClock.stop(); session = null; } });
  conn.start();
}

/** What `world()` gives: the newest snapshot's runners and base, in world units. */
function world() {
  const s = session;
  if (!s || !s.world) return [];
  const w = tagWorld(s.welcome.schema, s.world);
  return [...w.runners.map((r) => ({ kind: 'runner', ...r })), ...(w.base ? [{ kind: 'base', ...w.base }] : [])].sort((a, b) => a.id - b.id);
}

function stats() {
  const now = performance.now();
  const s = session;
  return {
    connected: !!(conn && conn.isOpen() && s),
    ownEntityId: s && !s.welcome.spectator ? s.welcome.entity_id : null,
    room: s ? s.welcome.room : null,
    serverTick: s ? Math.floor(s.clock.serverTick(now)) : 0,
    worldTick: s?.world ? s.world.tick : null,
    entities: s?.world ? s.world.entities.length : 0,
    pingMs,
    kbpsIn: (meters.bytesIn.perSecond(now) * 8) / 1000,
    snapshotsPerSec: meters.snapshots.perSecond(now),
    inputsSent: s ? s.inputClock.sent : 0,
    bytesPerSnapshot: meters.sizes.points.length ? meters.sizes.points.reduce((sum, p) => sum + p.bytes, 0) / meters.sizes.points.length : 0,
    renderTick: shown.tick,
    hud: $('hud').textContent,
    statusText: $('status').hidden ? '' : $('status').textContent,
  };
}

/** @type {any} */ (window).tickwire = {
  stats,
  world,
  /** The runners as last drawn: world units, and their centre on the canvas in CSS pixels. */
  shown: () => ({ renderTick: shown.tick, runners: shown.runners.map((r) => ({ ...r })) }),
  schema: () => {
    const sc = session?.welcome.schema;
    return sc ? { game: sc.desc.game, version: sc.desc.version, hash: hashHex(sc), kinds: sc.desc.kinds.map((k) => k.name) } : null;
  },
  scores: () => scores.map((e) => ({ ...e })),
};

const fromUrl = new URLSearchParams(location.search).get('name');
if (fromUrl !== null && cleanName(fromUrl)) join(fromUrl);
else $('join').hidden = false;
$('join-form').addEventListener('submit', (e) => {
  e.preventDefault();
  join(/** @type {HTMLInputElement} */ ($('name')).value);
});
requestAnimationFrame(frame);
