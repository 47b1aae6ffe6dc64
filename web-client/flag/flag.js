// @ts-check
// The capture the flag page: joins (`?name=` or the form) through the netcode package's
// connection, naming the game's schema in its Hello; snapshots are decoded in the schema the
// Welcome carries, the keys go out on the server's tick as a record of the schema's input fields,
// the game's events become feed lines with the players' names (and a pickup, which the server
// sends to its carrier alone, a line to that player), and the scoreboard shows the schema's
// columns. It draws the field: the two halves, the bases (the map's features, from the Welcome),
// the flags (a carried one on its carrier), the runners in their own colours with their labels
// (remote ones interpolated a little behind the server, the own one at its newest state), and the
// team scores from the `team_score` entities. `window.tickwire` is the automation hook.

import { ByteHistory, Connection, RateMeter, cleanName, gameSocketProtocols, gameSocketUrl, hashHex, interpolateWorld } from '../netcode/index.js';
import { attachInput } from '../input.js';
import { FLAG_SCHEMA, cssColor, eventLine, flagInput, flagMap, flagProblem, flagWorld, hudLine, personalLine } from './flag_schema.js';

/**
 * @typedef {import('../netcode/messages.js').WelcomeMsg} WelcomeMsg
 * @typedef {import('../netcode/messages.js').ScoreEntry} ScoreEntry
 * @typedef {import('../netcode/messages.js').GameEvent} GameEvent
 * @typedef {import('../netcode/connection.js').Session} NetSession
 * @typedef {import('../netcode/world.js').World} World
 * @typedef {import('./flag_schema.js').FlagWorld} FlagWorld
 * @typedef {import('./flag_schema.js').FlagMap} FlagMap
 * @typedef {import('./flag_schema.js').Team} Team
 * @typedef {{welcome: WelcomeMsg, net: NetSession, map: FlagMap, world: World | null, timeline: {t: number, world: World}[]}} Session
 *   one Welcome's worth of state: the connection's session (clocks, worlds), the map (its bases),
 *   the newest world, the last snapshots on the server's tick line (for interpolation)
 * @typedef {{id: number, x: number, y: number, team: Team, carrying: boolean, screenX: number, screenY: number}} ShownRunner
 * @typedef {{id: number, x: number, y: number, team: Team, carrier: number, home: boolean, onCarrier: boolean,
 *   screenX: number, screenY: number}} ShownFlag
 *   a flag as drawn: `screenX`/`screenY` is the middle of its pennant, in CSS pixels
 * @typedef {{kind: string, fields: GameEvent['fields'], text: string, personal: boolean, at: number}} Heard
 *   an event as the page took it: its feed line (or its line to the player alone), when
 */

/** Snapshots kept for interpolation. */
const TIMELINE = 16;
/** Radius of a runner, world units (the server's), and the least it is drawn, CSS pixels. */
const RADIUS = 14;
const MIN_RADIUS_PX = 7;
/** Feed lines shown at once, and how long each stays, ms. */
const FEED_LINES = 5;
const FEED_MS = 8000;
/** How long the line to the player alone stays, ms. */
const PERSONAL_MS = 5000;
/** Events kept for `window.tickwire.events()`. */
const HEARD_MAX = 100;
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
/** The team scores last shown. */
let teamScores = { red: -1, blue: -1 };
/** The runners' ids and teams the scoreboard was last drawn with. */
let rowTeams = '';
let lastHud = 0;
/** @type {Heard[]} */
let heard = [];
/** @type {{tick: number, runners: ShownRunner[], flags: ShownFlag[]}} */
let shown = { tick: 0, runners: [], flags: [] };
const timers = { now: () => performance.now(), setTimeout: (/** @type {() => void} */ cb, /** @type {number} */ ms) => setTimeout(cb, ms), clearTimeout: (/** @type {any} */ id) => clearTimeout(id) };

/** The own runner's entity id, null for a spectator or without a session. */
const ownId = () => (session && !session.welcome.spectator ? session.welcome.entity_id : null);

/** A runner's label from the newest world, else the scoreboard's name. */
function nameOf(/** @type {number} */ id) {
  const s = session;
  const r = s?.world ? flagWorld(s.welcome.schema, s.world).runners.find((x) => x.id === id) : undefined;
  return r?.label ?? scores.find((e) => e.entity === id)?.name ?? `#${id}`;
}

/** The feed's lines still fresh, newest last, and the line to the player alone. */
function renderFeed() {
  const now = performance.now();
  const fresh = heard.filter((h) => !h.personal && now - h.at < FEED_MS).slice(-FEED_LINES);
  $('feed').replaceChildren(...fresh.map((h) => Object.assign(document.createElement('div'), { textContent: h.text })));
  const mine = heard.filter((h) => h.personal && now - h.at < PERSONAL_MS).at(-1);
  $('you').textContent = mine ? mine.text : '';
  $('you').hidden = !mine;
}

/** The team score banner, redrawn when a score changes. @param {FlagWorld} w */
function showTeamScores(w) {
  if (w.scores.red === teamScores.red && w.scores.blue === teamScores.blue) return;
  teamScores = { ...w.scores };
  const span = (/** @type {string} */ text, /** @type {string} */ cls) => Object.assign(document.createElement('span'), { textContent: text, className: cls });
  $('teams').replaceChildren(span(`RED ${w.scores.red}`, 'red'), span(' : ', 'sep'), span(`${w.scores.blue} BLUE`, 'blue'));
}

/** The connection's callbacks: the session, snapshots, scores and events. */
const handlers = {
  /** @param {import('../netcode/messages.js').ServerMsg} _msg @param {number} bytes */
  onMessage(_msg, bytes) {
    meters.bytesIn.add(performance.now(), bytes);
  },
  /** @param {WelcomeMsg} msg @param {NetSession} net */
  onWelcome(msg, net) {
    const problem = flagProblem(msg.schema);
    if (problem) {
      session = null;
      conn?.fail(`This page cannot show this server's game: ${problem}.`);
      return;
    }
    session = { welcome: msg, net, map: flagMap(msg), world: null, timeline: [] };
    teamScores = { red: -1, blue: -1 };
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
    const w = flagWorld(s.welcome.schema, snap.world);
    showTeamScores(w);
    // The scoreboard colours its rows by team, which the world tells: redraw it when that changes.
    const key = w.runners.map((r) => `${r.id}${r.team}`).join();
    if (key !== rowTeams) {
      rowTeams = key;
      renderScores();
    }
  },
  /** @param {ScoreEntry[]} entries */
  onScoreboard(entries) {
    scores = entries;
    renderScores();
  },
  /** @param {GameEvent} event */
  onEvent(event) {
    const mine = personalLine(event, ownId());
    heard.push({ kind: event.kind, fields: event.fields, text: mine ?? eventLine(event, nameOf), personal: mine !== null, at: performance.now() });
    if (heard.length > HEARD_MAX) heard = heard.slice(-HEARD_MAX);
    renderFeed();
  },
  /** The keys as the schema's input fields, once per server tick. */
  input() {
    return session ? flagInput(session.welcome.schema, input.sample()) : null;
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
    const { width, height } = s.map;
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
    // The bases are the map's: they came once, with the Welcome.
    for (const base of s.map.bases) {
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

    const rt = s.net.clock.renderTick(now);
    const remote = flagWorld(s.welcome.schema, sampleWorld(s, rt) ?? s.world);
    const newest = flagWorld(s.welcome.schema, s.world);
    const own = ownId();
    // The own runner as the server last had it; the others as interpolated.
    const runners = [...remote.runners.filter((r) => r.id !== own), ...newest.runners.filter((r) => r.id === own)];
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
      ctx.strokeStyle = runner.id === own ? COLORS.own : TEAM_COLORS[runner.team];
      ctx.lineWidth = runner.id === own ? 3 : 1.5;
      ctx.stroke();
      ctx.lineWidth = 1;
      ctx.fillStyle = runner.id === own ? COLORS.own : COLORS.label;
      ctx.fillText(runner.id === own ? `${runner.label} (you)` : runner.label, x, y + r + 14);
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
      $('hud').textContent = `${hudLine(newest, own)} · ping ${Math.round(conn?.pingMs ?? 0)} ms`;
      renderFeed();
    }
  }
  requestAnimationFrame(frame);
}

/** The scoreboard: a row per runner, coloured by team, with the schema's columns, best rating first. */
function renderScores() {
  const s = session;
  const own = ownId();
  const columns = s?.welcome.schema.desc.scores ?? [];
  const teams = new Map(s?.world ? flagWorld(s.welcome.schema, s.world).runners.map((r) => [r.id, r.team]) : []);
  const rows = [...scores].sort((a, b) => b.rating - a.rating || a.name.localeCompare(b.name));
  const line = (/** @type {string[]} */ cells, /** @type {string} */ cls) => {
    const row = document.createElement('div');
    row.className = cls;
    row.style.gridTemplateColumns = `1fr repeat(${cells.length - 1}, 5.2em)`;
    for (const c of cells) row.append(Object.assign(document.createElement('span'), { textContent: c }));
    return row;
  };
  $('scores').replaceChildren(line(['runner', ...columns.map((c) => c.name)], 'row head'),
    ...rows.map((e) => line([e.name, ...e.columns.map(String)], `row ${teams.get(e.entity) ?? ''}${e.entity === own ? ' own' : ''}`)));
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
  conn = new Connection({ url: gameSocketUrl(location), protocols: gameSocketProtocols(location), name, schema: FLAG_SCHEMA.hash,
    ...handlers, onStatus, onDisconnect: () => { session = null; }, timers });
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
    ownEntityId: ownId(),
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
    teams: $('teams').textContent,
    feed: Array.from($('feed').children, (c) => c.textContent ?? ''),
    you: $('you').hidden ? '' : $('you').textContent,
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
    if (!sc) return null;
    const d = sc.desc;
    return { game: d.game, version: d.version, hash: hashHex(sc), kinds: d.kinds.map((k) => k.name), input: d.input.fields.map((f) => f.name),
      events: d.events.map((k) => k.name), scores: d.scores.map((c) => c.name) };
  },
  /** The scoreboard: each line's columns also by name. */
  scores: () => scores.map((e) => ({ ...e.byColumn, ...e, columns: [...e.columns] })),
  /** The Welcome's map: its name, size and the bases of its features. */
  map: () => (session ? { ...session.map, bases: session.map.bases.map((b) => ({ ...b })) } : null),
  /** The game's events heard so far (the last 100), oldest first: kind, fields, the line shown, and whether it was the player's alone. */
  events: () => heard.map((h) => ({ kind: h.kind, fields: { ...h.fields }, text: h.text, personal: h.personal })),
};

const fromUrl = new URLSearchParams(location.search).get('name');
if (fromUrl !== null && cleanName(fromUrl)) join(fromUrl);
else $('join').hidden = false;
$('join-form').addEventListener('submit', (e) => {
  e.preventDefault();
  join(/** @type {HTMLInputElement} */ ($('name')).value);
});
requestAnimationFrame(frame);
