// @ts-check
// The game connection, for any game: one WebSocket at a time, Hello on open (naming the schema
// the page was built for, when it was built for one; a join token travels in the handshake's
// Sec-WebSocket-Protocol header), a Ping every second, and reconnection with backoff when it
// drops (except after a version or schema mismatch and the other closes `describeClose` marks
// final, or when stopped). The Welcome's resume token is kept in the tab's sessionStorage and
// sent in the next Hello, so that a dropped connection (or a reload) comes back to the same seat.
//
// Each Welcome starts a session: the room's schema, the server clock (fed by pongs and
// snapshots), the worlds the snapshots build (each body applied to the last two; a body that
// cannot be applied restarts the connection for a full snapshot), and the input clock, which asks
// the game for its input values once per server tick and sends them as a record of the schema's
// input fields, numbered. Messages are decoded in the session's schema and handed to callbacks;
// no game logic lives here.

import { applyDelta } from './delta_apply.js';
import { ServerClock } from './clock.js';
import { DecodeError } from './error.js';
import { InputClock } from './input_clock.js';
import { PROTOCOL_VERSION, decodeServerMsg, encodeClientMsg, inputMsg } from './messages.js';
import { readRecord } from './record.js';
import { RECONNECTING, RESUME_REFUSED, SESSION_REPLACED, VERSION_MISMATCH, backoffMs, describeClose, describeRefusal } from './close.js';

/**
 * @typedef {import('./messages.js').ServerMsg} ServerMsg
 * @typedef {import('./messages.js').ClientMsg} ClientMsg
 * @typedef {import('./messages.js').WelcomeMsg} WelcomeMsg
 * @typedef {import('./messages.js').SnapshotMsg} SnapshotMsg
 * @typedef {import('./messages.js').EventMsg} EventMsg
 * @typedef {import('./messages.js').GameEvent} GameEvent
 * @typedef {import('./messages.js').ScoreEntry} ScoreEntry
 * @typedef {import('./messages.js').LeaderboardEntry} LeaderboardEntry
 * @typedef {import('./messages.js').MatchEndMsg} MatchEndMsg
 * @typedef {import('./messages.js').NoticeMsg} NoticeMsg
 * @typedef {import('./messages.js').KickMsg} KickMsg
 * @typedef {import('./schema.js').Schema} Schema
 * @typedef {import('./world.js').World} World
 * @typedef {import('./world.js').FieldValue} FieldValue
 * @typedef {import('./record.js').RecordValues} RecordValues
 * @typedef {import('./input_clock.js').Timers} Timers
 * @typedef {{getItem(k: string): string | null, setItem(k: string, v: string): void, removeItem(k: string): void}} TabStorage
 * @typedef {{state: 'connecting' | 'open' | 'playing' | 'waiting' | 'failed' | 'stopped',
 *   text: string, attempt: number, retryAt?: number}} NetStatus
 *   what the page should show: `text` is empty while playing
 * @typedef {{welcome: WelcomeMsg, schema: Schema, clock: ServerClock, inputs: InputClock,
 *   world: World | null, previous: World | null, seq: number, lastAck: number}} Session
 *   one Welcome's worth of state: the room's schema, the clocks, the newest world and the one
 *   before it (a delta's baselines), the last input seq sent and the last one acknowledged
 * @typedef {{msg: SnapshotMsg, world: World, previous: World | null, t: number, bytes: number}} Snapshot
 *   a snapshot applied: the world it describes, the one before, its time on the server's tick
 *   line (ServerClock.onSnapshot), its size in bytes
 * @typedef {{seq: number, values: RecordValues, data: Uint8Array}} SentInput
 *   an input sent: its seq, its values as the server will read them (quantized), its record
 * @typedef {{
 *   url: string, name: string, token?: string | null, protocols?: string[], schema?: bigint | null,
 *   onStatus: (status: NetStatus) => void,
 *   onMessage?: (msg: ServerMsg, bytes: number) => void,
 *   onWelcome?: (welcome: WelcomeMsg, session: Session) => void,
 *   onSnapshot?: (snapshot: Snapshot, session: Session) => void,
 *   onEvent?: (event: GameEvent, msg: EventMsg) => void,
 *   onScoreboard?: (entries: ScoreEntry[]) => void,
 *   onLeaderboard?: (rows: LeaderboardEntry[]) => void,
 *   onMatchEnd?: (result: MatchEndMsg) => void,
 *   onNotice?: (notice: NoticeMsg) => void,
 *   onKick?: (kick: KickMsg) => void,
 *   onPong?: (rttMs: number, tick: number) => void,
 *   onDisconnect?: () => void,
 *   input?: () => Record<string, FieldValue | undefined> | null,
 *   onInput?: (sent: SentInput, session: Session) => void,
 *   viewTick?: () => number,
 *   autoInputs?: () => boolean,
 *   admissionCheck?: boolean, fetchImpl?: typeof fetch,
 *   WebSocketImpl?: typeof WebSocket, now?: () => number, timers?: Timers, storage?: TabStorage,
 * }} ConnectionOptions
 *   `schema`: the hash of the schema the page was built for, named in every Hello (a server of
 *   another game closes with 4014); null or absent: any.
 *   `token`: a join token from the game's backend, sent in Sec-WebSocket-Protocol.
 *   `input`: the game's input values, asked once per server tick while a player (not a spectator)
 *   plays; null sends nothing that tick. `onInput`: each input sent (prediction takes it here).
 *   `viewTick`: the server tick of the remote world the page shows (lag compensation).
 *   `autoInputs`: whether a Welcome starts the input clock (default: yes); `startInputs` and
 *   `stopInputs` do it by hand.
 *   `admissionCheck`: before each socket, ask the server's admission check (`/ws/check`, with
 *   `fetchImpl`) whether it would let the socket in; a refusal is shown with its reason and
 *   retried only when it can pass (`describeRefusal`). A browser's WebSocket never sees why an
 *   upgrade was refused, so without it a refusal reads as "cannot reach the server".
 * @typedef {{status: number, reason: string, retryAfter: number | null}} Refusal
 *   the server's answer to the admission check when it would refuse the socket
 */

/** Query parameters of the page that the game socket is given as they are. */
const FORWARDED_PARAMS = ['room', 'key', 'spectate'];

/** The subprotocol after which the join token travels (crates/server/src/join_token.rs). */
export const TOKEN_PROTOCOL = 'tickwire.token';

/** Where a tab keeps its resume token (sessionStorage: per tab, gone with the tab). */
export const RESUME_KEY = 'tickwire.resume';

/** A connection that has not been welcomed this long after it was opened is given up and retried. */
export const CONNECT_TIMEOUT_MS = 5000;

/** How often a ping goes out, ms. */
export const PING_MS = 1000;

/**
 * The WebSocket subprotocols that carry a join token in the handshake's Sec-WebSocket-Protocol
 * header, out of the socket's URL (which proxies and access logs keep); none without a token.
 * @param {string | null | undefined} token
 * @returns {string[] | undefined}
 */
export function tokenProtocols(token) {
  return token ? [TOKEN_PROTOCOL, token] : undefined;
}

/**
 * The subprotocols for the page's join token (`/?token=…`, from a game's own backend).
 * @param {{search?: string}} location
 * @returns {string[] | undefined}
 */
export function gameSocketProtocols(location) {
  return tokenProtocols(new URLSearchParams(location.search ?? '').get('token'));
}

/**
 * The WebSocket URL of the game on the page's host: wss:// when the page is https. A room
 * (`/?room=3`, with `key=K` for a private room) and spectating (`/?room=3&spectate=1`) in the
 * page's address are passed on to the socket (a join token goes in `gameSocketProtocols`).
 * @param {{protocol: string, host: string, search?: string}} location
 * @returns {string}
 */
export function gameSocketUrl(location) {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const page = new URLSearchParams(location.search ?? '');
  const query = new URLSearchParams();
  for (const key of FORWARDED_PARAMS) {
    const value = page.get(key);
    if (value) query.set(key, value);
  }
  const rest = query.toString();
  return `${scheme}//${location.host}/ws${rest ? `?${rest}` : ''}`;
}

/**
 * The URL of the server's admission check for the socket at `url` (`ws://host/ws?room=3` is
 * asked at `http://host/ws/check?room=3`): the same query, over HTTP(S).
 * @param {string} url
 * @returns {string}
 */
export function admissionCheckUrl(url) {
  const u = new URL(url);
  u.protocol = u.protocol === 'wss:' ? 'https:' : 'http:';
  u.pathname = `${u.pathname.replace(/\/$/, '')}/check`;
  return u.toString();
}

/**
 * Reads the admission check's answer: null when the server would let the socket in, else its
 * refusal.
 * @param {unknown} answer the JSON body
 * @returns {Refusal | null}
 */
export function readAdmission(answer) {
  const a = /** @type {{ok?: unknown, status?: unknown, reason?: unknown, retry_after?: unknown}} */ (answer ?? {});
  if (a.ok === true || typeof a.status !== 'number') return null;
  return {
    status: a.status,
    reason: typeof a.reason === 'string' ? a.reason : '',
    retryAfter: typeof a.retry_after === 'number' ? a.retry_after : null,
  };
}

/**
 * The socket URL for a resume: `url` with the `resume` flag, which lets the resume token stand in
 * for an expired join token (the token itself travels in the Hello, not in the URL).
 * @param {string} url
 * @returns {string}
 */
export function resumeUrl(url) {
  return `${url}${url.includes('?') ? '&' : '?'}resume`;
}

/**
 * Round-trip time of a pong whose nonce was `Math.floor(now) >>> 0` when the ping left.
 * @param {number} nonce
 * @param {number} nowMs
 * @returns {number} ms
 */
export function rttFromNonce(nonce, nowMs) {
  return ((Math.floor(nowMs) >>> 0) - nonce) >>> 0;
}

/** @returns {TabStorage} the tab's sessionStorage, or a map that lives as long as the page */
function tabStorage() {
  try {
    if (globalThis.sessionStorage) return globalThis.sessionStorage;
  } catch {
    // Storage can be disabled; then the token lives as long as the page.
  }
  const map = new Map();
  return {
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}

/** One game connection, kept open (reconnecting) until `stop` or a final close. */
export class Connection {
  /** @param {ConnectionOptions} opts */
  constructor(opts) {
    this.opts = opts;
    this.url = opts.url;
    this.protocols = tokenProtocols(opts.token) ?? opts.protocols;
    this.name = opts.name;
    /** The hash of the schema the page decodes, named in every Hello (null: any). */
    this.schema = opts.schema ?? null;
    this.WebSocketImpl = opts.WebSocketImpl ?? globalThis.WebSocket;
    this.now = opts.now ?? (() => performance.now());
    /** @type {Timers} */
    this.timers = opts.timers ?? {
      now: () => this.now(),
      setTimeout: (cb, ms) => setTimeout(cb, ms),
      clearTimeout: (id) => clearTimeout(id),
    };
    this.storage = opts.storage ?? tabStorage();
    /** @type {WebSocket | null} */
    this.ws = null;
    this.attempt = 0;
    this.stopped = false;
    this.welcomed = false;
    /** The current session (from a Welcome until the connection drops), or null. @type {Session | null} */
    this.session = null;
    /** The last round-trip time measured, ms. */
    this.pingMs = 0;
    /** @type {any} */
    this.retryTimer = null;
    /** @type {any} */
    this.pingTimer = null;
    /** @type {any} */
    this.connectTimer = null;
    /** Admission checks asked; an answer to an older one than the newest is ignored. */
    this.checks = 0;
  }

  /** Opens the connection (and keeps it open until `stop`). */
  start() {
    this.stopped = false;
    this.connect();
  }

  /** Closes the connection for good (1000: the server frees the seat; the token is forgotten). */
  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.keepResumeToken('');
    this.teardown(1000, 'leaving');
    this.opts.onStatus({ state: 'stopped', text: 'Disconnected.', attempt: this.attempt });
  }

  /** The resume token of this tab's seat, if it has one. @returns {string | null} */
  resumeToken() {
    try {
      return this.storage.getItem(RESUME_KEY) || null;
    } catch {
      return null;
    }
  }

  /** @param {string} token an empty token forgets the seat */
  keepResumeToken(token) {
    try {
      if (token) this.storage.setItem(RESUME_KEY, token);
      else this.storage.removeItem(RESUME_KEY);
    } catch {
      // Without storage a reload joins afresh; a dropped connection still resumes (see connect).
    }
  }

  /** @returns {boolean} */
  isOpen() {
    return !!this.ws && this.ws.readyState === 1;
  }

  /**
   * Sends a message if the socket is open; drops it otherwise (inputs are not worth queueing).
   * @param {ClientMsg} msg
   * @returns {boolean} whether it was sent
   */
  send(msg) {
    if (!this.isOpen()) return false;
    /** @type {WebSocket} */ (this.ws).send(encodeClientMsg(msg));
    return true;
  }

  /**
   * Sends one input now, numbered after the last: the game's values written as a record of the
   * session's input fields (quantized as the server reads them), with the page's view tick.
   * `onInput` hears of it. Nothing without a session, or for a spectator.
   * @param {Record<string, FieldValue | undefined>} values
   * @returns {SentInput | null}
   */
  sendInput(values) {
    const s = this.session;
    if (!s || s.welcome.spectator) return null;
    s.seq = (s.seq + 1) >>> 0;
    const view = Math.max(0, Math.floor(this.opts.viewTick?.() ?? 0)) >>> 0;
    const msg = inputMsg(s.schema, s.seq, view, values);
    /** @type {SentInput} */
    const sent = { seq: s.seq, values: readRecord(s.schema.input, msg.data), data: msg.data };
    this.send(msg);
    this.opts.onInput?.(sent, s);
    return sent;
  }

  /** Starts (or restarts, in step) the input clock: the first input leaves at once. */
  startInputs() {
    const s = this.session;
    if (s && !s.welcome.spectator && this.opts.input) s.inputs.start();
  }

  /** Stops the input clock until `startInputs`. */
  stopInputs() {
    this.session?.inputs.stop();
  }

  /** Whether the input clock runs. @returns {boolean} */
  inputsRunning() {
    return !!this.session && this.session.inputs.running();
  }

  /**
   * Drops the current socket and reconnects (e.g. after a snapshot that cannot be applied).
   * @param {string} why
   */
  restart(why) {
    // Not 1000: the server holds the seat, and the next connection takes it back.
    this.teardown(RECONNECTING, why.slice(0, 100));
    this.scheduleRetry({ text: `${why}. Reconnecting…`, retry: true, minDelayMs: 0 });
  }

  /**
   * Closes the connection for good after something the page cannot play with (a Welcome of a
   * game it cannot draw), showing `text`. A normal close (1000): the server frees the seat.
   * @param {string} text
   */
  fail(text) {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.teardown(1000, 'unsupported game');
    this.opts.onStatus({ state: 'failed', text, attempt: this.attempt });
  }

  /** Opens a socket (the Hello goes when it opens), after the admission check when asked. */
  connect() {
    clearTimeout(this.retryTimer);
    this.welcomed = false;
    const resume = this.resumeToken();
    const text = resume ? 'Reconnecting…' : this.attempt ? `Reconnecting (attempt ${this.attempt + 1})…` : 'Connecting…';
    this.opts.onStatus({ state: 'connecting', text, attempt: this.attempt });
    const url = resume ? resumeUrl(this.url) : this.url;
    if (!this.opts.admissionCheck) {
      this.openSocket(url, resume);
      return;
    }
    const asked = ++this.checks;
    void this.askAdmission(url).then((answer) => {
      if (this.stopped || asked !== this.checks) return;
      if (answer === 'unreachable') {
        this.scheduleRetry({ text: 'Cannot reach the server. Retrying…', retry: true, minDelayMs: 0 });
      } else if (answer === null) {
        this.openSocket(url, resume);
      } else {
        const what = describeRefusal(answer.status, answer.reason, answer.retryAfter);
        if (what.retry) this.scheduleRetry(what);
        else this.opts.onStatus({ state: 'failed', text: what.text, attempt: this.attempt });
      }
    });
  }

  /**
   * Asks the server's admission check about the socket at `url`: null when it would let it in
   * (or has no check: an older server), its refusal, or 'unreachable' when no answer came.
   * @param {string} url
   * @returns {Promise<Refusal | null | 'unreachable'>}
   */
  async askAdmission(url) {
    const fetchImpl = this.opts.fetchImpl ?? globalThis.fetch;
    const token = this.protocols && this.protocols[0] === TOKEN_PROTOCOL ? this.protocols[1] : null;
    /** @type {Record<string, string>} */
    const headers = token ? { authorization: `Bearer ${token}` } : {};
    let resp;
    try {
      resp = await fetchImpl(admissionCheckUrl(url), { headers, cache: 'no-store' });
    } catch {
      return 'unreachable';
    }
    if (!resp.ok) return null;
    try {
      return readAdmission(await resp.json());
    } catch {
      return null;
    }
  }

  /**
   * Opens the socket at `url`, offering the seat's `resume` token in its Hello.
   * @param {string} url @param {string | null} resume
   */
  openSocket(url, resume) {
    let opened = false;
    /** @type {{code: number, reason: string} | null} */
    let kick = null;
    let ws;
    try {
      ws = this.protocols ? new this.WebSocketImpl(url, this.protocols) : new this.WebSocketImpl(url);
    } catch (e) {
      this.scheduleRetry({ text: `Cannot open a connection to ${this.url}: ${e}`, retry: true, minDelayMs: 0 });
      return;
    }
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    // A server that accepts TCP but never answers (or a proxy that hangs) must not stall us.
    this.connectTimer = setTimeout(() => {
      if (this.ws !== ws || this.welcomed) return;
      this.teardown(1000, 'timeout');
      this.scheduleRetry({
        text: opened ? 'The server did not answer. Retrying…' : 'Cannot reach the server. Retrying…',
        retry: true,
        minDelayMs: 0,
      });
    }, CONNECT_TIMEOUT_MS);
    ws.onopen = () => {
      opened = true;
      this.opts.onStatus({ state: 'open', text: 'Joining…', attempt: this.attempt });
      this.send({ type: 'Hello', protocol_version: PROTOCOL_VERSION, name: this.name, resume, schema: this.schema });
      this.ping();
      this.pingTimer = setInterval(() => this.ping(), PING_MS);
    };
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return;
      if (!(ev.data instanceof ArrayBuffer)) return; // the protocol is binary only
      let msg;
      try {
        msg = decodeServerMsg(new Uint8Array(ev.data), this.session?.schema ?? null);
      } catch (e) {
        const text = e instanceof DecodeError ? e.message : String(e);
        console.error('tickwire: undecodable server message:', text);
        this.restart(`Bad message from the server (${text})`);
        return;
      }
      if (msg.type === 'Kick') kick = { code: msg.code, reason: msg.reason };
      this.dispatch(msg, ev.data.byteLength);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.teardown();
      const code = kick ? kick.code : ev.code;
      const reason = kick ? kick.reason : ev.reason;
      if (this.stopped) return;
      // A refused token is spent: the next attempt joins afresh.
      if (code === RESUME_REFUSED || code === SESSION_REPLACED) this.keepResumeToken('');
      const what = describeClose(code, reason, opened);
      if (!what.retry || code === VERSION_MISMATCH) {
        this.opts.onStatus({ state: 'failed', text: what.text, attempt: this.attempt });
        return;
      }
      this.scheduleRetry(what);
    };
    ws.onerror = () => {
      // A close event always follows; it carries the code.
    };
  }

  /**
   * Hands a decoded message to the session and the callbacks.
   * @param {ServerMsg} msg @param {number} bytes
   */
  dispatch(msg, bytes) {
    const o = this.opts;
    const now = this.now();
    switch (msg.type) {
      case 'Welcome': {
        this.welcomed = true;
        this.keepResumeToken(msg.resume_token);
        clearTimeout(this.connectTimer);
        this.attempt = 0;
        this.session?.inputs.stop();
        const clock = new ServerClock(msg.tick_rate, msg.snapshot_rate);
        clock.onWelcome(msg.tick, now);
        /** @type {Session} */
        const session = {
          welcome: msg,
          schema: msg.schema,
          clock,
          inputs: new InputClock(msg.tick_rate, () => this.inputTick(), this.timers),
          world: null,
          previous: null,
          seq: 0,
          lastAck: 0,
        };
        this.session = session;
        o.onStatus({ state: 'playing', text: '', attempt: 0 });
        o.onMessage?.(msg, bytes);
        o.onWelcome?.(msg, session);
        // The page may have failed the game (or stopped the inputs) in its callback.
        if (this.session === session && !this.stopped && (o.autoInputs?.() ?? true)) this.startInputs();
        return;
      }
      case 'Snapshot':
        o.onMessage?.(msg, bytes);
        this.onSnapshot(msg, bytes, now);
        return;
      case 'Pong':
        this.pingMs = rttFromNonce(msg.nonce, now);
        this.session?.clock.onPong(msg.tick, this.pingMs, now);
        o.onMessage?.(msg, bytes);
        o.onPong?.(this.pingMs, msg.tick);
        return;
      default:
    }
    o.onMessage?.(msg, bytes);
    if (msg.type === 'Event') o.onEvent?.(msg.event, msg);
    else if (msg.type === 'Scoreboard') o.onScoreboard?.(msg.entries);
    else if (msg.type === 'Leaderboard') o.onLeaderboard?.(msg.rows);
    else if (msg.type === 'MatchEnd') o.onMatchEnd?.(msg);
    else if (msg.type === 'Notice') o.onNotice?.(msg);
    else if (msg.type === 'Kick') o.onKick?.(msg);
  }

  /**
   * Applies a snapshot's body to the session's worlds; a body of another schema, or one that
   * cannot be applied, restarts the connection (the next one starts from a full snapshot).
   * @param {SnapshotMsg} msg @param {number} bytes @param {number} now
   */
  onSnapshot(msg, bytes, now) {
    const s = this.session;
    if (!s) return;
    s.inputs.setPace(msg.pace);
    if (msg.schema !== null && msg.schema !== s.schema.hash) {
      // Never start a world from a body of another schema than the Welcome's: it would be garbage.
      const hex = (/** @type {bigint} */ v) => v.toString(16).padStart(16, '0');
      this.restart(`Snapshot of another schema (${hex(msg.schema)}, expected ${hex(s.schema.hash)})`);
      return;
    }
    let world;
    try {
      world = applyDelta(s.schema, msg.body, { baseline: s.world, previous: s.previous });
    } catch (e) {
      // Without the right baseline no later delta can be applied: start over with a full snapshot.
      console.error('tickwire: bad snapshot:', e);
      this.restart(`Bad snapshot (${e instanceof Error ? e.message : e})`);
      return;
    }
    s.previous = s.world;
    s.world = world;
    s.lastAck = msg.ack;
    const t = s.clock.onSnapshot(world.tick, now);
    this.opts.onSnapshot?.({ msg, world, previous: s.previous, t, bytes }, s);
  }

  /** The input clock's tick: the game's values, sent. */
  inputTick() {
    const values = this.opts.input?.();
    if (values) this.sendInput(values);
  }

  /** @param {{text: string, retry: boolean, minDelayMs: number}} what */
  scheduleRetry(what) {
    if (this.stopped) return;
    const delay = backoffMs(this.attempt, what.minDelayMs);
    this.attempt++;
    this.opts.onStatus({ state: 'waiting', text: what.text, attempt: this.attempt, retryAt: this.now() + delay });
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  /** Sends a ping whose nonce is the time, ms (the pong's round trip: `rttFromNonce`). */
  ping() {
    this.send({ type: 'Ping', nonce: Math.floor(this.now()) >>> 0 });
  }

  /**
   * Drops the socket (closing it with `code` when given) and the session.
   * @param {number} [code] @param {string} [reason]
   */
  teardown(code, reason) {
    clearInterval(this.pingTimer);
    clearTimeout(this.connectTimer);
    this.pingTimer = null;
    this.session?.inputs.stop();
    this.session = null;
    const ws = this.ws;
    const wasOpen = !!ws;
    this.ws = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      if (code !== undefined && ws.readyState <= 1) {
        try {
          ws.close(code, reason);
        } catch {
          // Closing an already failing socket can throw; it is gone either way.
        }
      }
    }
    if (wasOpen) this.opts.onDisconnect?.();
  }
}
