// @ts-check
// The tag page: joins (`?name=` or the form) through the netcode package's connection, naming
// tag's schema in its Hello; snapshots are decoded in the schema the Welcome carries, the keys go
// out on the server's tick as whatever input fields the schema declares, events become feed
// lines and the scoreboard shows the schema's columns; it draws the field: the base, the runners (remote ones interpolated a little
// behind the server, the own one at its newest state), the one who is "it" red with a ring and
// an "IT" label, names from the scoreboard. `window.tickwire` is the automation hook.

import { ByteHistory, Connection, RateMeter, cleanName, gameSocketProtocols, gameSocketUrl, hashHex, interpolateWorld } from '../netcode/index.js';
import { attachInput } from '../input.js';
import { TAG_SCHEMA, eventLine, hudLine, tagInput, tagProblem, tagWorld } from './tag_schema.js';

/**
 * @typedef {import('../netcode/messages.js').WelcomeMsg} WelcomeMsg
 * @typedef {import('../netcode/messages.js').ScoreEntry} ScoreEntry
 * @typedef {import('../netcode/connection.js').Session} NetSession
 * @typedef {import('../netcode/world.js').World} World
 * @typedef {import('./tag_schema.js').TagWorld} TagWorld
 * @typedef {{welcome: WelcomeMsg, net: NetSession, world: World | null, timeline: {t: number, world: World}[]}} Session
 *   one Welcome's worth of state: the connection's session (clocks, worlds), the newest world, the
 *   last snapshots on the server's tick line (for interpolation)
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
let lastHud = 0;
/** @type {{tick: number, runners: {id: number, x: number, y: number, it: boolean, screenX: number, screenY: number}[]}} */
let shown = { tick: 0, runners: [] };
const timers = { now: () => performance.now(), setTimeout: (/** @type {() => void} */ cb, /** @type {number} */ ms) => setTimeout(cb, ms), clearTimeout: (/** @type {any} */ id) => clearTimeout(id) };

const nameOf = (/** @type {number} */ id) => names.get(id) ?? `#${id}`;

/** The connection's callbacks: the session, snapshots, scores and events. */
const handlers = {
  /** @param {import('../netcode/messages.js').ServerMsg} _msg @param {number} bytes */
  onMessage(_msg, bytes) {
    meters.bytesIn.add(performance.now(), bytes);
  },
  /** @param {WelcomeMsg} msg @param {NetSession} net */
  onWelcome(msg, net) {
    const problem = tagProblem(msg.schema);
    if (problem) {
      session = null;
      conn?.fail(`This page cannot show this server's game: ${problem}.`);
      return;
    }
    session = { welcome: msg, net, world: null, timeline: [] };
  },
  /** @param {import('../netcode/connection.js').Snapshot} snap */
  onSnapshot(snap) {
    const s = session;
    if (!s) return;
    const now = performance.now();
    s.world = snap.world;
    s.timeline.push({ t: snap.t, world: snap.world });
    if (s.timeline.length > TIMELINE) s.timeline.shift();
    meters.snapshots.add(now);
    meters.sizes.add(now, snap.bytes);
  },
  /** @param {ScoreEntry[]} entries */
  onScoreboard(entries) {
    scores = entries;
    names = new Map(scores.map((e) => [e.entity, e.name]));
    renderScores();
  },
  /** @param {import('../netcode/messages.js').GameEvent} event */
  onEvent(event) {
    $('feed').textContent = eventLine(event, nameOf);
  },
  /** The keys as the schema's input fields, once per server tick. */
  input() {
    return session ? tagInput(session.welcome.schema, input.sample()) : null;
  },
  viewTick: () => shown.tick,
};

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
    const rt = s.net.clock.renderTick(now);
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
      $('hud').textContent = `${hudLine(newest, nameOf, ownId, own?.byColumn)} · ping ${Math.round(conn?.pingMs ?? 0)} ms`;
    }
  }
  requestAnimationFrame(frame);
}

function renderScores() {
  const ownId = session?.welcome.entity_id;
  const columns = session?.welcome.schema.desc.scores ?? [];
  const rows = [...scores].sort((a, b) => b.rating - a.rating || a.name.localeCompare(b.name));
  const line = (/** @type {string[]} */ cells, /** @type {string} */ cls) => {
    const row = document.createElement('div');
    row.className = cls;
    for (const c of cells) row.append(Object.assign(document.createElement('span'), { textContent: c }));
    return row;
  };
  $('scores').replaceChildren(line(['runner', ...columns.map((c) => c.name)], 'row head'),
    ...rows.map((e) => line([e.name, ...e.columns.map(String)], e.entity === ownId ? 'row own' : 'row')));
}

/** @param {import('../netcode/connection.js').NetStatus} st */
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
    ...handlers, onStatus, onDisconnect: () => { session = null; }, timers });
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
    serverTick: s ? Math.floor(s.net.clock.serverTick(now)) : 0,
    worldTick: s?.world ? s.world.tick : null,
    entities: s?.world ? s.world.entities.length : 0,
    pingMs: conn?.pingMs ?? 0,
    kbpsIn: (meters.bytesIn.perSecond(now) * 8) / 1000,
    snapshotsPerSec: meters.snapshots.perSecond(now),
    inputsSent: s ? s.net.inputs.sent : 0,
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
  /** The scoreboard: each line's columns also by name. */
  scores: () => scores.map((e) => ({ ...e.byColumn, ...e, columns: [...e.columns] })),
};

const fromUrl = new URLSearchParams(location.search).get('name');
if (fromUrl !== null && cleanName(fromUrl)) join(fromUrl);
else $('join').hidden = false;
$('join-form').addEventListener('submit', (e) => {
  e.preventDefault();
  join(/** @type {HTMLInputElement} */ ($('name')).value);
});
requestAnimationFrame(frame);
