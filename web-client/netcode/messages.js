// @ts-check
// The game protocol's messages, v5 (crates/protocol/src/message.rs): decode what the server
// sends, encode what the client sends. Messages are plain objects tagged by `type`, with the
// wire's field names; what the game's schema says of them is decoded alongside: an event's kind
// name and fields, score columns by name, the map's features as a world.
//
// Decoding never throws anything but a DecodeError (a SchemaError for a Welcome whose schema
// breaks the schema's rules, a BaselineError for map features written against a world), and
// checks every length against the bytes left and its limit before allocating.

import { Reader, Writer } from './bincode.js';
import { applyDelta } from './delta_apply.js';
import { DecodeError } from './error.js';
import { MAX_RECORD_BYTES, readRecord, writeRecord } from './record.js';
import { MAX_SCORE_COLUMNS, compileSchema, readSchemaDesc } from './schema.js';
import { emptyWorld } from './world.js';

/** The protocol version this client speaks (crates/protocol PROTOCOL_VERSION). */
export const PROTOCOL_VERSION = 6;

/**
 * Zeros a ping carries (crates/protocol PING_PAD_BYTES): enough bytes to wake a server that reads
 * a player's small messages once a tick, so the pong leaves as soon as the ping arrives.
 */
export const PING_PAD_BYTES = 256;

/** The pad of every ping this client sends. */
const PING_PAD = new Uint8Array(PING_PAD_BYTES);
/** Inputs before the acknowledged one whose repeats a snapshot reports (protocol EARLIER_INPUTS). */
export const EARLIER_INPUTS = 32;
/** In a snapshot's `earlier`, an input the server dropped (protocol DROPPED). */
export const DROPPED = 65535;
/** Largest server message a client accepts, in bytes (codec::MAX_SERVER_MSG). */
export const MAX_SERVER_MSG = 4 << 20;
/** Most bytes of a map's features (a delta body): 64 KiB. */
export const MAX_MAP_FEATURES = 64 << 10;
/** Longest player name the server accepts, in characters. */
export const MAX_NAME_CHARS = 24;
/** Longest notice text the server sends, in characters (MAX_NOTICE_CHARS). */
export const MAX_NOTICE_CHARS = 200;
/** Most rows of a Leaderboard message (MAX_LEADERBOARD_ROWS). */
export const MAX_LEADERBOARD_ROWS = 100;
/** Most lines of a MatchEnd message (MAX_MATCH_SCORES). */
export const MAX_MATCH_SCORES = 16384;
/** Longest game or map name of a MatchEnd message, in characters (MAX_LABEL_CHARS). */
export const MAX_LABEL_CHARS = 64;

/**
 * @typedef {import('./schema.js').Schema} Schema
 * @typedef {import('./world.js').World} World
 * @typedef {import('./record.js').RecordValues} RecordValues
 * @typedef {import('./world.js').FieldValue} FieldValue
 *
 * @typedef {{type: 'Hello', protocol_version: number, name: string, resume: string | null, schema: bigint | null}} HelloMsg
 *   `schema`: the hash of the schema the page was built for (null: it decodes any)
 * @typedef {{type: 'Input', seq: number, view_tick: number, data: Uint8Array}} InputMsg
 *   `data`: a record of the schema's input fields (see {@link inputMsg})
 * @typedef {{type: 'Ping', nonce: number, pad?: Uint8Array}} PingMsg (`pad`: the zeros a ping
 *   is padded with; `PING_PAD_BYTES` of them when not given)
 * @typedef {{type: 'Subscribe', leaderboard: boolean}} SubscribeMsg
 * @typedef {HelloMsg | InputMsg | PingMsg | SubscribeMsg} ClientMsg
 *
 * @typedef {{name: string, width: number, height: number, features: Uint8Array, world: World}} MapInfo
 *   `features`: a full delta body of the map's static things; `world`: it, decoded
 * @typedef {{type: 'Welcome', protocol_version: number, client_id: number, entity_id: number,
 *   tick_rate: number, snapshot_rate: number, tick: number, map: MapInfo, room: number,
 *   resume_token: string, spectator: boolean, schema: Schema}} WelcomeMsg
 *   `schema`: the room's schema, checked and compiled
 * @typedef {{type: 'Snapshot', ack: number, repeats: number, pace: number, earlier: number[], schema: bigint | null,
 *   body: Uint8Array}} SnapshotMsg
 *   `schema`: for a full snapshot (no baseline), the hash of the schema `body` is written in; null
 *   for a delta, which is read in its baseline's schema
 * @typedef {{type: 'Pong', nonce: number, tick: number}} PongMsg
 * @typedef {{entity: number, name: string, bot: boolean, columns: number[],
 *   byColumn: Record<string, number>, rating: number}} ScoreEntry
 *   one scoreboard line: `columns` in the schema's order, `byColumn` the same by name, `rating`
 *   the sum of each column times its weight
 * @typedef {{type: 'Scoreboard', entries: ScoreEntry[]}} ScoreboardMsg
 * @typedef {{kind: string, fields: RecordValues}} GameEvent an event: its kind's name, its fields
 * @typedef {{type: 'Event', kind: number, data: Uint8Array, event: GameEvent}} EventMsg
 *   `kind` indexes the schema's events, `data` is its record, `event` both decoded
 * @typedef {{type: 'Kick', code: number, reason: string}} KickMsg
 * @typedef {{type: 'Notice', text: string, seconds_left: number | null}} NoticeMsg
 * @typedef {{rank: number, name: string, rating: number, matches: number, best: number, totals: number[],
 *   totalsByColumn: Record<string, number>}} LeaderboardEntry
 *   `best`: the best single-match rating; `totals`: each column summed over the player's matches
 * @typedef {{type: 'Leaderboard', rows: LeaderboardEntry[]}} LeaderboardMsg
 * @typedef {{name: string, bot: boolean, columns: number[], rating: number, byColumn: Record<string, number>}} MatchScore
 * @typedef {{type: 'MatchEnd', room: number, game: string, map: string, started_ms: number,
 *   ended_ms: number, scores: MatchScore[]}} MatchEndMsg
 *   `scores`: best rating first
 * @typedef {WelcomeMsg | SnapshotMsg | PongMsg | ScoreboardMsg | EventMsg | KickMsg | NoticeMsg
 *   | LeaderboardMsg | MatchEndMsg} ServerMsg
 */

/** The server messages whose decoding needs the room's schema (the Welcome's). */
const NEEDS_SCHEMA = new Set([3, 4, 7, 8]);

/**
 * Decodes one server message from exactly `bytes`. Scoreboards, events, leaderboards and match
 * results are read in `schema` (the Welcome's); without one they are refused.
 * @param {Uint8Array} bytes
 * @param {Schema | null} [schema]
 * @returns {ServerMsg}
 * @throws {DecodeError} on any malformed input
 */
export function decodeServerMsg(bytes, schema = null) {
  if (!(bytes instanceof Uint8Array)) throw new DecodeError('input is not a Uint8Array');
  if (bytes.length > MAX_SERVER_MSG) {
    throw new DecodeError(`message of ${bytes.length} bytes is over the limit of ${MAX_SERVER_MSG}`);
  }
  const r = new Reader(bytes);
  const variant = r.u32();
  if (NEEDS_SCHEMA.has(variant) && !schema) throw new DecodeError(`server message ${variant} before the room's schema`);
  const sc = /** @type {Schema} */ (schema);
  /** @type {ServerMsg} */
  let msg;
  switch (variant) {
    case 0:
      msg = readWelcome(r);
      break;
    case 1: {
      const ack = r.u32();
      const repeats = r.u16();
      const pace = r.i8();
      const n = r.len(1, EARLIER_INPUTS);
      const earlier = [];
      for (let i = 0; i < n; i++) earlier.push(r.u16());
      const hash = r.option(() => r.u64n());
      msg = { type: 'Snapshot', ack, repeats, pace, earlier, schema: hash, body: r.byteBuf() };
      break;
    }
    case 2:
      msg = { type: 'Pong', nonce: r.u32(), tick: r.u32() };
      break;
    case 3: {
      // Smallest entry: entity, empty name, bot, no columns: 4 bytes.
      const n = r.len(4);
      /** @type {ScoreEntry[]} */
      const entries = [];
      for (let i = 0; i < n; i++) {
        const entity = r.u32();
        const name = r.string();
        const bot = r.bool();
        const columns = readColumns(r, sc, 'score line');
        entries.push({ entity, name, bot, columns, byColumn: byColumn(sc, columns), rating: scoreRating(sc, columns) });
      }
      msg = { type: 'Scoreboard', entries };
      break;
    }
    case 4: {
      const kind = r.u16();
      const data = r.byteBuf(MAX_RECORD_BYTES);
      const layout = sc.events[kind];
      if (!layout) throw new DecodeError(`event kind ${kind} is not in the schema (${sc.events.length} kinds)`);
      msg = { type: 'Event', kind, data, event: { kind: sc.desc.events[kind].name, fields: readRecord(layout, data) } };
      break;
    }
    case 5:
      msg = { type: 'Kick', code: r.u16(), reason: r.string() };
      break;
    case 6: {
      const text = limited(r.string(), MAX_NOTICE_CHARS, 'notice text');
      msg = { type: 'Notice', text, seconds_left: r.option(() => r.u16()) };
      break;
    }
    case 7: {
      // Smallest row: rank, empty name, rating, matches, best, no totals: 6 bytes.
      const n = r.len(6, MAX_LEADERBOARD_ROWS);
      /** @type {LeaderboardEntry[]} */
      const rows = [];
      for (let i = 0; i < n; i++) {
        const rank = r.u16();
        const name = limited(r.string(), MAX_NAME_CHARS, 'leaderboard name');
        const rating = r.i32();
        const matches = r.u32();
        const best = r.i32();
        const totals = readColumns(r, sc, 'leaderboard row');
        rows.push({ rank, name, rating, matches, best, totals, totalsByColumn: byColumn(sc, totals) });
      }
      msg = { type: 'Leaderboard', rows };
      break;
    }
    case 8: {
      const room = r.u32();
      const game = limited(r.string(), MAX_LABEL_CHARS, 'game name');
      const map = limited(r.string(), MAX_LABEL_CHARS, 'map name');
      const started_ms = r.u64();
      const ended_ms = r.u64();
      // Smallest line: empty name, bot, no columns, rating: 4 bytes.
      const n = r.len(4, MAX_MATCH_SCORES);
      /** @type {MatchScore[]} */
      const scores = [];
      for (let i = 0; i < n; i++) {
        const name = limited(r.string(), MAX_NAME_CHARS, 'player name');
        const bot = r.bool();
        const columns = readColumns(r, sc, 'match line');
        scores.push({ name, bot, columns, rating: r.i32(), byColumn: byColumn(sc, columns) });
      }
      msg = { type: 'MatchEnd', room, game, map, started_ms, ended_ms, scores };
      break;
    }
    default:
      throw new DecodeError(`unknown server message variant ${variant}`);
  }
  r.end();
  return msg;
}

/** @param {Reader} r @returns {WelcomeMsg} */
function readWelcome(r) {
  const head = {
    protocol_version: r.u16(),
    client_id: r.u32(),
    entity_id: r.u32(),
    tick_rate: r.u16(),
    snapshot_rate: r.u16(),
    tick: r.u32(),
  };
  const map = { name: r.string(), width: r.f32(), height: r.f32(), features: r.byteBuf(MAX_MAP_FEATURES) };
  const room = r.u32();
  const resume_token = r.string();
  const spectator = r.bool();
  const schema = compileSchema(readSchemaDesc(r));
  const world = map.features.length === 0 ? emptyWorld(0) : applyDelta(schema, map.features, {});
  return { type: 'Welcome', ...head, map: { ...map, world }, room, resume_token, spectator, schema };
}

/**
 * A line's score columns: one per column of the schema, in its order.
 * @param {Reader} r @param {Schema} schema @param {string} what
 * @returns {number[]}
 */
function readColumns(r, schema, what) {
  const n = r.len(1, MAX_SCORE_COLUMNS);
  const want = schema.desc.scores.length;
  if (n !== want) throw new DecodeError(`a ${what} of ${n} columns, where the schema declares ${want}`);
  const out = [];
  for (let i = 0; i < n; i++) out.push(r.i32());
  return out;
}

/**
 * Score columns by the schema's column names.
 * @param {Schema} schema @param {number[]} columns
 * @returns {Record<string, number>}
 */
export function byColumn(schema, columns) {
  /** @type {Record<string, number>} */
  const out = {};
  schema.desc.scores.forEach((c, i) => {
    out[c.name] = columns[i] ?? 0;
  });
  return out;
}

/**
 * A score line's rating: the sum of each column times its weight (the server's rule).
 * @param {Schema} schema @param {number[]} columns
 * @returns {number}
 */
export function scoreRating(schema, columns) {
  let sum = 0;
  schema.desc.scores.forEach((c, i) => {
    sum += c.weight * (columns[i] ?? 0);
  });
  return sum;
}

/**
 * `text`, unless it has more than `chars` characters.
 * @param {string} text @param {number} chars @param {string} what
 * @returns {string}
 */
function limited(text, chars, what) {
  if (text.length > chars && Array.from(text).length > chars) throw new DecodeError(`${what} too long`);
  return text;
}

/**
 * An Input message: the game's input values written as a record of the schema's input fields.
 * @param {Schema} schema @param {number} seq @param {number} viewTick
 * @param {Record<string, FieldValue | undefined>} values
 * @returns {InputMsg}
 */
export function inputMsg(schema, seq, viewTick, values) {
  return { type: 'Input', seq, view_tick: viewTick, data: writeRecord(schema.input, values) };
}

/**
 * Encodes one client message.
 * @param {ClientMsg} msg
 * @returns {Uint8Array}
 */
export function encodeClientMsg(msg) {
  const w = new Writer();
  switch (msg.type) {
    case 'Hello':
      w.u32(0);
      w.u16(msg.protocol_version);
      w.string(msg.name);
      if (msg.resume) {
        w.u8(1);
        w.string(msg.resume);
      } else w.u8(0);
      if (msg.schema === null || msg.schema === undefined) w.u8(0);
      else {
        w.u8(1);
        w.u64n(msg.schema);
      }
      break;
    case 'Input':
      if (msg.data.length > MAX_RECORD_BYTES) throw new RangeError(`an input record of ${msg.data.length} bytes`);
      w.u32(1);
      w.u32(msg.seq);
      w.u32(msg.view_tick ?? 0);
      w.byteBuf(msg.data);
      break;
    case 'Ping':
      w.u32(2);
      w.u32(msg.nonce);
      w.byteBuf(msg.pad ?? PING_PAD);
      break;
    case 'Subscribe':
      w.u32(3);
      w.bool(msg.leaderboard);
      break;
    default:
      throw new TypeError(`unknown client message type ${/** @type {any} */ (msg).type}`);
  }
  return w.finish();
}

/**
 * Decodes a client message (for tests and tools; the server is the real decoder). An input's
 * record is left as bytes: `readRecord(schema.input, msg.data)` reads it.
 * @param {Uint8Array} bytes
 * @returns {ClientMsg}
 * @throws {DecodeError}
 */
export function decodeClientMsg(bytes) {
  const r = new Reader(bytes);
  const variant = r.u32();
  /** @type {ClientMsg} */
  let msg;
  switch (variant) {
    case 0:
      msg = {
        type: 'Hello',
        protocol_version: r.u16(),
        name: r.string(),
        resume: r.option(() => r.string()),
        schema: r.option(() => r.u64n()),
      };
      break;
    case 1:
      msg = { type: 'Input', seq: r.u32(), view_tick: r.u32(), data: r.byteBuf(MAX_RECORD_BYTES) };
      break;
    case 2:
      // The pad carries nothing; the server accepts any length of it.
      msg = { type: 'Ping', nonce: r.u32(), pad: r.byteBuf(MAX_RECORD_BYTES) };
      break;
    case 3:
      msg = { type: 'Subscribe', leaderboard: r.bool() };
      break;
    default:
      throw new DecodeError(`unknown client message variant ${variant}`);
  }
  r.end();
  return msg;
}

/**
 * Cleans a name the way the server accepts it: trimmed, at most MAX_NAME_CHARS characters.
 * @param {string} name
 * @returns {string}
 */
export function cleanName(name) {
  const chars = Array.from(String(name ?? '').trim());
  return chars.slice(0, MAX_NAME_CHARS).join('').trim();
}
