// The game connection: one WebSocket at a time to /ws, Hello on open, a Ping every second, and
// reconnection with backoff when it drops (except after a version or schema mismatch, or when
// stopped). The Hello names the schema the page was built for, when it was built for one.
// The Welcome's resume token is kept in the tab's sessionStorage and sent in the next Hello, so
// that a dropped connection (or a reload) comes back to the same seat, entity and score.
// Messages are decoded here and handed to the caller; no game logic lives in this file.

import { DecodeError } from './codec.js';
import { PROTOCOL_VERSION, decodeServerMsg, encodeClientMsg } from './messages.js';
import { RECONNECTING, RESUME_REFUSED, SESSION_REPLACED, VERSION_MISMATCH, backoffMs, describeClose } from './close.js';

/**
 * @typedef {import('./messages.js').ServerMsg} ServerMsg
 * @typedef {import('./messages.js').ClientMsg} ClientMsg
 * @typedef {{state: 'connecting' | 'open' | 'playing' | 'waiting' | 'failed' | 'stopped',
 *   text: string, attempt: number, retryAt?: number}} NetStatus
 */

/** Query parameters of the page that the game socket is given as they are. */
const FORWARDED_PARAMS = ['room', 'key', 'spectate'];

/** The subprotocol after which the join token travels (crates/server/src/join_token.rs). */
export const TOKEN_PROTOCOL = 'tickwire.token';

/** Where a tab keeps its resume token (sessionStorage: per tab, gone with the tab). */
export const RESUME_KEY = 'tickwire.resume';

/**
 * The WebSocket subprotocols that carry the page's join token (`/?token=…`, from a game's own
 * backend) in the handshake's Sec-WebSocket-Protocol header, out of the socket's URL (which
 * proxies and access logs keep); none without a token.
 * @param {{search?: string}} location
 * @returns {string[] | undefined}
 */
export function gameSocketProtocols(location) {
  const token = new URLSearchParams(location.search ?? '').get('token');
  return token ? [TOKEN_PROTOCOL, token] : undefined;
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
 * The socket URL for a resume: `url` with the `resume` flag, which lets the resume token stand in
 * for an expired join token (the token itself travels in the Hello, not in the URL).
 * @param {string} url
 * @returns {string}
 */
export function resumeUrl(url) {
  return `${url}${url.includes('?') ? '&' : '?'}resume`;
}

/** @returns {{getItem(k: string): string | null, setItem(k: string, v: string): void, removeItem(k: string): void}} */
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

/** A connection that has not been welcomed this long after it was opened is given up and retried. */
export const CONNECT_TIMEOUT_MS = 5000;

export class Connection {
  /**
   * @param {{url: string, name: string, protocols?: string[], schema?: bigint | null,
   *   onMessage: (msg: ServerMsg, bytes: number) => void,
   *   onStatus: (status: NetStatus) => void,
   *   onDisconnect?: () => void,
   *   WebSocketImpl?: typeof WebSocket, now?: () => number,
   *   storage?: {getItem(k: string): string | null, setItem(k: string, v: string): void, removeItem(k: string): void}}} opts
   */
  constructor(opts) {
    this.url = opts.url;
    this.protocols = opts.protocols;
    this.name = opts.name;
    /** The hash of the schema the page decodes, named in every Hello (null: any). */
    this.schema = opts.schema ?? null;
    this.onMessage = opts.onMessage;
    this.onStatus = opts.onStatus;
    this.onDisconnect = opts.onDisconnect ?? (() => {});
    this.WebSocketImpl = opts.WebSocketImpl ?? globalThis.WebSocket;
    this.now = opts.now ?? (() => performance.now());
    this.storage = opts.storage ?? tabStorage();
    /** @type {WebSocket | null} */
    this.ws = null;
    this.attempt = 0;
    this.stopped = false;
    this.welcomed = false;
    /** @type {any} */
    this.retryTimer = null;
    /** @type {any} */
    this.pingTimer = null;
    /** @type {any} */
    this.connectTimer = null;
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
    this.onStatus({ state: 'stopped', text: 'Disconnected.', attempt: this.attempt });
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
    this.onStatus({ state: 'failed', text, attempt: this.attempt });
  }

  connect() {
    clearTimeout(this.retryTimer);
    this.welcomed = false;
    let opened = false;
    /** @type {{code: number, reason: string} | null} */
    let kick = null;
    const resume = this.resumeToken();
    const text = resume ? 'Reconnecting…' : this.attempt ? `Reconnecting (attempt ${this.attempt + 1})…` : 'Connecting…';
    this.onStatus({ state: 'connecting', text, attempt: this.attempt });
    let ws;
    try {
      const url = resume ? resumeUrl(this.url) : this.url;
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
      this.onStatus({ state: 'open', text: 'Joining…', attempt: this.attempt });
      this.send({ type: 'Hello', protocol_version: PROTOCOL_VERSION, name: this.name, resume, schema: this.schema });
      this.ping();
      this.pingTimer = setInterval(() => this.ping(), 1000);
    };
    ws.onmessage = (ev) => {
      if (this.ws !== ws) return;
      if (!(ev.data instanceof ArrayBuffer)) return; // the protocol is binary only
      let msg;
      try {
        msg = decodeServerMsg(new Uint8Array(ev.data));
      } catch (e) {
        const text = e instanceof DecodeError ? e.message : String(e);
        console.error('tickwire: undecodable server message:', text);
        this.restart(`Bad message from the server (${text})`);
        return;
      }
      if (msg.type === 'Welcome') {
        this.welcomed = true;
        this.keepResumeToken(msg.resume_token);
        clearTimeout(this.connectTimer);
        this.attempt = 0;
        this.onStatus({ state: 'playing', text: '', attempt: 0 });
      } else if (msg.type === 'Kick') {
        kick = { code: msg.code, reason: msg.reason };
      }
      this.onMessage(msg, ev.data.byteLength);
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
        this.onStatus({ state: 'failed', text: what.text, attempt: this.attempt });
        return;
      }
      this.scheduleRetry(what);
    };
    ws.onerror = () => {
      // A close event always follows; it carries the code.
    };
  }

  /** @param {{text: string, retry: boolean, minDelayMs: number}} what */
  scheduleRetry(what) {
    if (this.stopped) return;
    const delay = backoffMs(this.attempt, what.minDelayMs);
    this.attempt++;
    this.onStatus({ state: 'waiting', text: what.text, attempt: this.attempt, retryAt: this.now() + delay });
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  ping() {
    this.send({ type: 'Ping', nonce: Math.floor(this.now()) >>> 0 });
  }

  /** @param {number} [code] @param {string} [reason] */
  teardown(code, reason) {
    clearInterval(this.pingTimer);
    clearTimeout(this.connectTimer);
    this.pingTimer = null;
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
    if (wasOpen) this.onDisconnect();
  }
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
