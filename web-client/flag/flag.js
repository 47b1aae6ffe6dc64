// @ts-check
// The capture the flag page: joins (`?name=` or the form), names the game's schema in its Hello,
// decodes snapshots with the netcode package in the schema the Welcome carries, sends WASD/arrows
// as inputs on the server's tick, and draws the field: the two halves, the bases, the flags (a
// carried one on its carrier), the runners in their own colours with their labels (remote ones
// interpolated a little behind the server, the own one at its newest state), and the team scores
// from the `team_score` entities. `window.tickwire` is the automation hook.

import { ByteHistory, InputClock, RateMeter, ServerClock, applyDelta, hashHex, interpolateWorld } from '../netcode/index.js';
import { cleanName } from '../messages.js';
import { Connection, gameSocketProtocols, gameSocketUrl, rttFromNonce } from '../net.js';
import { attachInput } from '../input.js';
import { FLAG_SCHEMA, cssColor, flagProblem, flagWorld, hudLine } from './flag_schema.js';

/**
 * @typedef {import('../messages.js').ServerMsg} ServerMsg
 * @typedef {import('../messages.js').WelcomeMsg} WelcomeMsg
 * @typedef {import('../messages.js').ScoreEntry} ScoreEntry
 * @typedef {import('../netcode/world.js').World} World
 * @typedef {import('./flag_schema.js').FlagWorld} FlagWorld
 * @typedef {import('./flag_schema.js').Team} Team
 * @typedef {{welcome: WelcomeMsg, world: World | null, previous: World | null,
 *   timeline: {t: number, world: World}[], clock: ServerClock, inputClock: InputClock, seq: number}} Session
 *   one Welcome's worth of state: the newest world and the one before it (the delta's baselines),
 *   the last snapshots on the server's tick line (for interpolation), the clocks, the input seq
 * @typedef {{id: number, x: number, y: number, team: Team, carrying: boolean, screenX: number, screenY: number}} ShownRunner
 * @typedef {{id: number, x: number, y: number, team: Team, carrier: number, home: boolean, onCarrier: boolean,
 *   screenX: number, screenY: number}} ShownFlag
 *   a flag as drawn: `screenX`/`screenY` is the middle of its pennant, in CSS pixels
 */

/** Snapshots kept for interpolation. */
const TIMELINE = 16;
/** Radius of a runner, world units (the server's), and the least it is drawn, CSS pixels. */
const RADIUS = 14;
const MIN_RADIUS_PX = 7;
const TEAM_COLORS = { red: '#ff2a2a', blue: '#2a6bff' };
const COLORS = { field: '#0e1116', outside: '#07090c', border: '#3a4658', middle: '#2c3442', pole: '#e8e8e8',
  halves: { red: '#ff2a2a12', blue: '#2a6bff12' }, label: '#d8dee9', own: '#ffffff' };

const $ = (/** @type {string} */ id) => /** @type {HTMLElement} */ (document.getElementById(id));
const canvas = /** @type {HTMLCanvasElement} */ ($('field'));
const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
const input = attachInput(window, canvas);
const meters = { snapshots: new RateMeter(1000), bytesIn: new RateMeter(1000), sizes: new ByteHistory(5000) };

/** @type {Session | null} */
let session = null;
/** @type {Connection | null} */
let conn = null;
/** @type {ScoreEntry[]} */
let scores = [];
/** The team scores last shown, to announce a capture. */
let teamScores = { red: 0, blue: 0 };
/** The runners' ids and teams the scoreboard was last drawn with. */
let rowTeams = '';
let pingMs = 0;
let lastHud = 0;
/** @type {{tick: number, runners: ShownRunner[], flags: ShownFlag[]}} */
let shown = { tick: 0, runners: [], flags: [] };
const timers = { now: () => performance.now(), setTimeout: (/** @type {() => void} */ cb, /** @type {number} */ ms) => setTimeout(cb, ms), clearTimeout: (/** @type {any} */ id) => clearTimeout(id) };

/** A runner's label from the newest world, else the scoreboard's name. */
function nameOf(/** @type {number} */ id) {
  const s = session;
  const r = s?.world ? flagWorld(s.welcome.schema, s.world).runners.find((x) => x.id === id) : undefined;
  return r?.label ?? scores.find((e) => e.entity === id)?.name ?? `#${id}`;
}

/** One input on the input clock's tick: the movement keys, nothing else (no aim, no fire). */
function sendInput() {
  const s = session;
  if (!s || s.welcome.spectator) return;
  const { move_x, move_y } = input.sample();
  s.seq = (s.seq + 1) >>> 0;
  conn?.send({ type: 'Input', seq: s.seq, move_x, move_y, aim: 0, fire: false, view_tick: Math.max(0, Math.floor(shown.tick)) >>> 0 });
}

/** Shows `text` in the feed for a few seconds. @param {string} text */
function feed(text) {
  const el = $('feed');
  el.textContent = text;
  const at = performance.now();
  el.dataset.at = String(at);
  setTimeout(() => { if (el.dataset.at === String(at)) el.textContent = ''; }, 4000);
}

/** The team score banner, and a capture announced when a score grows. @param {FlagWorld} w */
function showTeamScores(w) {
  for (const team of /** @type {Team[]} */ (['red', 'blue'])) {
    if (w.scores[team] > teamScores[team]) feed(`${team.toUpperCase()} captures!`);
  }
  if (w.scores.red !== teamScores.red || w.scores.blue !== teamScores.blue || !$('teams').textContent) {
    teamScores = { ...w.scores };
    const span = (/** @type {string} */ text, /** @type {string} */ cls) => Object.assign(document.createElement('span'), { textContent: text, className: cls });
    $('teams').replaceChildren(span(`RED ${w.scores.red}`, 'red'), span(' : ', 'sep'), span(`${w.scores.blue} BLUE`, 'blue'));
  }
}

/** @param {ServerMsg} msg @param {number} bytes */
function onMessage(msg, bytes) {
  const now = performance.now();
  meters.bytesIn.add(now, bytes);
  if (msg.type === 'Welcome') {
    session?.inputClock.stop();
    const problem = flagProblem(msg.schema);
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
    const w = flagWorld(s.welcome.schema, world);
    showTeamScores(w);
    // The scoreboard colours its rows by team, which the world tells: redraw it when that changes.
    const key = w.runners.map((r) => `${r.id}${r.team}`).join();
    if (key !== rowTeams) {
      rowTeams = key;
      renderScores();
    }
  } else if (msg.type === 'Pong') {
    pingMs = rttFromNonce(msg.nonce, now);
    session?.clock.onPong(msg.tick, pingMs, now);
  } else if (msg.type === 'Scoreboard') {
    scores = msg.entries;
    renderScores();
  } else if (msg.type === 'Event') {
    // Today's kill feed carries the game's tags: the defender, then the carrier.
    feed(`${nameOf(msg.event.killer)} tagged ${nameOf(msg.event.victim)}`);
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

/**
 * A flag on a pole whose foot is at (`x`, `y`), CSS pixels; returns the middle of its pennant.
 * @param {number} x @param {number} y @param {Team} team @param {boolean} carried
 * @returns {[number, number]}
 */
function drawFlag(x, y, team, carried) {
  const [pole, w, h] = carried ? [26, 18, 12] : [22, 16, 11];
  ctx.strokeStyle = COLORS.pole;
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(x, y);
  ctx.lineTo(x, y - pole);
  ctx.stroke();
  ctx.lineWidth = 1;
  ctx.fillStyle = TEAM_COLORS[team];
  ctx.fillRect(x + 1, y - pole, w, h);
  ctx.strokeStyle = COLORS.outside;
  ctx.strokeRect(x + 1, y - pole, w, h);
  return [x + 1 + w / 2, y - pole + h / 2];
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
    const scale = Math.min((w * 0.96) / width, ((h - 60) * 0.94) / height);
    const [ox, oy] = [(w - width * scale) / 2, (h - height * scale) / 2];
    const at = (/** @type {number} */ x, /** @type {number} */ y) => [ox + x * scale, oy + y * scale];
    ctx.fillStyle = COLORS.field;
    ctx.fillRect(ox, oy, width * scale, height * scale);
    ctx.fillStyle = COLORS.halves.red;
    ctx.fillRect(ox, oy, (width / 2) * scale, height * scale);
    ctx.fillStyle = COLORS.halves.blue;
    ctx.fillRect(ox + (width / 2) * scale, oy, (width / 2) * scale, height * scale);
    ctx.strokeStyle = COLORS.middle;
    ctx.setLineDash([6, 6]);
    ctx.beginPath();
    ctx.moveTo(ox + (width / 2) * scale, oy);
    ctx.lineTo(ox + (width / 2) * scale, oy + height * scale);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.strokeStyle = COLORS.border;
    ctx.strokeRect(ox, oy, width * scale, height * scale);

    const rt = s.clock.renderTick(now);
    const remote = flagWorld(s.welcome.schema, sampleWorld(s, rt) ?? s.world);
    const newest = flagWorld(s.welcome.schema, s.world);
    const ownId = s.welcome.spectator ? null : s.welcome.entity_id;
    for (const base of newest.bases) {
      const [bx, by] = at(base.x, base.y);
      ctx.fillStyle = `${TEAM_COLORS[base.team]}22`;
      ctx.strokeStyle = TEAM_COLORS[base.team];
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.arc(bx, by, base.radius * scale, 0, Math.PI * 2);
      ctx.fill();
      ctx.stroke();
      ctx.lineWidth = 1;
    }
    // The own runner as the server last had it; the others as interpolated.
    const runners = [...remote.runners.filter((r) => r.id !== ownId), ...newest.runners.filter((r) => r.id === ownId)];
    const r = Math.max(RADIUS * scale, MIN_RADIUS_PX);
    ctx.textAlign = 'center';
    ctx.font = '12px system-ui, sans-serif';
    shown = { tick: rt, runners: [], flags: [] };
    /** @type {Map<number, [number, number]>} */
    const drawnAt = new Map();
    for (const runner of runners) {
      const [x, y] = at(runner.x, runner.y);
      drawnAt.set(runner.id, [x, y]);
      shown.runners.push({ id: runner.id, x: runner.x, y: runner.y, team: runner.team, carrying: runner.carrying, screenX: x, screenY: y });
      ctx.fillStyle = cssColor(runner.color);
      ctx.beginPath();
      ctx.arc(x, y, r, 0, Math.PI * 2);
      ctx.fill();
      ctx.strokeStyle = runner.id === ownId ? COLORS.own : TEAM_COLORS[runner.team];
      ctx.lineWidth = runner.id === ownId ? 3 : 1.5;
      ctx.stroke();
      ctx.lineWidth = 1;
      ctx.fillStyle = runner.id === ownId ? COLORS.own : COLORS.label;
      ctx.fillText(runner.id === ownId ? `${runner.label} (you)` : runner.label, x, y + r + 14);
    }
    // Flags last, over the runners: a carried one on its carrier as drawn, the others where they
    // lie (they jump rather than move, so the newest place).
    for (const flag of newest.flags) {
      const carrier = flag.carrier ? drawnAt.get(flag.carrier) : undefined;
      const [fx, fy] = carrier ? [carrier[0] + 2, carrier[1] - 2] : at(flag.x, flag.y);
      const [px, py] = drawFlag(fx, fy, flag.team, !!carrier);
      shown.flags.push({ ...flag, onCarrier: !!carrier, screenX: px, screenY: py });
    }
    if (now - lastHud > 250) {
      lastHud = now;
      $('hud').textContent = `${hudLine(newest, ownId)} · ping ${Math.round(pingMs)} ms`;
    }
  }
  requestAnimationFrame(frame);
}

function renderScores() {
  const s = session;
  const ownId = s?.welcome.entity_id;
  const teams = new Map(s?.world ? flagWorld(s.welcome.schema, s.world).runners.map((r) => [r.id, r.team]) : []);
  const rows = [...scores].sort((a, b) => b.kills - a.kills || a.deaths - b.deaths || a.name.localeCompare(b.name));
  const line = (/** @type {string[]} */ cells, /** @type {string} */ cls) => {
    const row = document.createElement('div');
    row.className = cls;
    for (const c of cells) row.append(Object.assign(document.createElement('span'), { textContent: c }));
    return row;
  };
  $('scores').replaceChildren(line(['runner', 'caps', 'tagged'], 'row head'),
    ...rows.map((e) => line([e.name, String(e.kills), String(e.deaths)], `row ${teams.get(e.entity) ?? ''}${e.entity === ownId ? ' own' : ''}`)));
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
  conn = new Connection({ url: gameSocketUrl(location), protocols: gameSocketProtocols(location), name, schema: FLAG_SCHEMA.hash,
    onMessage, onStatus, onDisconnect: () => { session?.inputClock.stop(); session = null; } });
  conn.start();
}

/** What `world()` gives: the newest snapshot's entities with their fields, in world units. */
function world() {
  const s = session;
  if (!s || !s.world) return [];
  const w = flagWorld(s.welcome.schema, s.world);
  return [
    ...w.runners.map((r) => ({ kind: 'runner', ...r })),
    ...w.flags.map((f) => ({ kind: 'flag', ...f })),
    ...w.bases.map((b) => ({ kind: 'base', ...b })),
    ...w.teams.map((t) => ({ kind: 'team_score', ...t })),
  ].sort((a, b) => a.id - b.id);
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
    teams: $('teams').textContent,
    statusText: $('status').hidden ? '' : $('status').textContent,
  };
}

/** @type {any} */ (window).tickwire = {
  stats,
  world,
  /** The runners and flags as last drawn: world units, and their place on the canvas in CSS pixels. */
  shown: () => ({ renderTick: shown.tick, runners: shown.runners.map((r) => ({ ...r })), flags: shown.flags.map((f) => ({ ...f })) }),
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
