// The game protocol's messages (crates/protocol/src/message.rs): decode what the server sends,
// encode what the client sends. Messages are plain objects tagged by `type`.

import { DecodeError, Reader, Writer } from './codec.js';
import { Reader as SchemaReader, compileSchema, readSchemaDesc } from './netcode/index.js';

/** The protocol version this client speaks (crates/protocol PROTOCOL_VERSION). */
export const PROTOCOL_VERSION = 4;

/** Inputs before the acknowledged one whose repeats a snapshot reports (protocol EARLIER_INPUTS). */
export const EARLIER_INPUTS = 32;
/** In a snapshot's `earlier`, an input the server dropped (protocol DROPPED). */
export const DROPPED = 65535;

/** Largest server message a client accepts, in bytes (codec::MAX_SERVER_MSG). */
export const MAX_SERVER_MSG = 4 << 20;

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
 * @typedef {import('./netcode/schema.js').Schema} Schema
 * @typedef {{type: 'Hello', protocol_version: number, name: string, resume: string | null, schema: bigint | null}} HelloMsg
 *   `schema`: the hash of the schema the page was built for (null: it decodes any)
 * @typedef {{type: 'Input', seq: number, move_x: number, move_y: number, aim: number, fire: boolean, view_tick: number}} InputMsg
 * @typedef {{type: 'Ping', nonce: number}} PingMsg
 * @typedef {{type: 'Subscribe', leaderboard: boolean}} SubscribeMsg
 * @typedef {HelloMsg | InputMsg | PingMsg | SubscribeMsg} ClientMsg
 *
 * @typedef {{x: number, y: number, w: number, h: number}} WallInfo
 * @typedef {{name: string, width: number, height: number, walls: WallInfo[]}} MapInfo
 * @typedef {{type: 'Welcome', protocol_version: number, client_id: number, entity_id: number,
 *   tick_rate: number, snapshot_rate: number, tick: number, map: MapInfo, room: number,
 *   resume_token: string, spectator: boolean, schema: Schema}} WelcomeMsg
 *   `schema`: the room's replicated data, checked and compiled (netcode `compileSchema`)
 * @typedef {{type: 'Snapshot', ack: number, repeats: number, pace: number, earlier: number[], schema: bigint | null,
 *   body: Uint8Array}} SnapshotMsg
 *   `schema`: for a full snapshot (no baseline), the hash of the schema `body` is written in; null
 *   for a delta, which is read in its baseline's schema
 * @typedef {{type: 'Pong', nonce: number, tick: number}} PongMsg
 * @typedef {{entity: number, name: string, kills: number, deaths: number, bot: boolean}} ScoreEntry
 * @typedef {{type: 'Scoreboard', entries: ScoreEntry[]}} ScoreboardMsg
 * @typedef {{type: 'Kill', killer: number, victim: number}} GameEvent
 * @typedef {{type: 'Event', event: GameEvent}} EventMsg
 * @typedef {{type: 'Kick', code: number, reason: string}} KickMsg
 * @typedef {{type: 'Notice', text: string, seconds_left: number | null}} NoticeMsg
 * @typedef {{rank: number, name: string, rating: number, kills: number, deaths: number, matches: number,
 *   best_kills: number}} LeaderboardEntry
 * @typedef {{type: 'Leaderboard', rows: LeaderboardEntry[]}} LeaderboardMsg
 * @typedef {{name: string, kills: number, deaths: number, bot: boolean}} MatchScore
 * @typedef {{type: 'MatchEnd', room: number, game: string, map: string, started_ms: number,
 *   ended_ms: number, scores: MatchScore[]}} MatchEndMsg
 * @typedef {WelcomeMsg | SnapshotMsg | PongMsg | ScoreboardMsg | EventMsg | KickMsg | NoticeMsg
 *   | LeaderboardMsg | MatchEndMsg} ServerMsg
 */

/** @param {Reader} r @returns {MapInfo} */
function readMap(r) {
  const name = r.string();
  const width = r.f32();
  const height = r.f32();
  const n = r.len(16);
  /** @type {WallInfo[]} */
  const walls = [];
  for (let i = 0; i < n; i++) walls.push({ x: r.f32(), y: r.f32(), w: r.f32(), h: r.f32() });
  return { name, width, height, walls };
}

/**
 * A schema (its SchemaDesc) in the middle of a message, read by the netcode package and checked
 * as the server's `Schema::new` checks it (a SchemaError, which is a DecodeError, if not).
 * @param {Reader} r
 * @returns {Schema}
 */
function readSchema(r) {
  const sr = new SchemaReader(r.bytes.subarray(r.pos));
  const desc = readSchemaDesc(sr);
  r.pos += sr.pos;
  return compileSchema(desc);
}

/**
 * Decodes one server message from exactly `bytes`.
 * @param {Uint8Array} bytes
 * @returns {ServerMsg}
 * @throws {DecodeError} on any malformed input
 */
export function decodeServerMsg(bytes) {
  if (!(bytes instanceof Uint8Array)) throw new DecodeError('input is not a Uint8Array');
  if (bytes.length > MAX_SERVER_MSG) {
    throw new DecodeError(`message of ${bytes.length} bytes is over the limit of ${MAX_SERVER_MSG}`);
  }
  const r = new Reader(bytes);
  const variant = r.u32();
  /** @type {ServerMsg} */
  let msg;
  switch (variant) {
    case 0:
      msg = {
        type: 'Welcome',
        protocol_version: r.u16(),
        client_id: r.u32(),
        entity_id: r.u32(),
        tick_rate: r.u16(),
        snapshot_rate: r.u16(),
        tick: r.u32(),
        map: readMap(r),
        room: r.u32(),
        resume_token: r.string(),
        spectator: r.bool(),
        schema: readSchema(r),
      };
      break;
    case 1:
      {
      const ack = r.u32();
      const repeats = r.u16();
      const pace = r.i8();
      const n = r.len(1, EARLIER_INPUTS);
      const earlier = [];
      for (let i = 0; i < n; i++) earlier.push(r.u16());
      const schema = r.option(() => r.u64n());
      msg = { type: 'Snapshot', ack, repeats, pace, earlier, schema, body: r.byteBuf() };
    }
      break;
    case 2:
      msg = { type: 'Pong', nonce: r.u32(), tick: r.u32() };
      break;
    case 3: {
      // Smallest entry: entity, empty name, kills, deaths, bot: 5 bytes.
      const n = r.len(5);
      /** @type {ScoreEntry[]} */
      const entries = [];
      for (let i = 0; i < n; i++) {
        entries.push({ entity: r.u32(), name: r.string(), kills: r.u32(), deaths: r.u32(), bot: r.bool() });
      }
      msg = { type: 'Scoreboard', entries };
      break;
    }
    case 4: {
      const ev = r.u32();
      if (ev !== 0) throw new DecodeError(`unknown event variant ${ev}`);
      msg = { type: 'Event', event: { type: 'Kill', killer: r.u32(), victim: r.u32() } };
      break;
    }
    case 5:
      msg = { type: 'Kick', code: r.u16(), reason: r.string() };
      break;
    case 6: {
      const text = r.string();
      if (Array.from(text).length > MAX_NOTICE_CHARS) throw new DecodeError('notice text too long');
      msg = { type: 'Notice', text, seconds_left: r.option(() => r.u16()) };
      break;
    }
    case 7: {
      // Smallest row: rank, empty name, rating, kills, deaths, matches, best: 7 bytes.
      const n = r.len(7, MAX_LEADERBOARD_ROWS);
      /** @type {LeaderboardEntry[]} */
      const rows = [];
      for (let i = 0; i < n; i++) {
        const rank = r.u16();
        const name = limited(r.string(), MAX_NAME_CHARS, 'leaderboard name');
        rows.push({ rank, name, rating: r.i32(), kills: r.u32(), deaths: r.u32(), matches: r.u32(), best_kills: r.u32() });
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
      // Smallest line: empty name, kills, deaths, bot: 4 bytes.
      const n = r.len(4, MAX_MATCH_SCORES);
      /** @type {MatchScore[]} */
      const scores = [];
      for (let i = 0; i < n; i++) {
        const name = limited(r.string(), MAX_NAME_CHARS, 'player name');
        scores.push({ name, kills: r.u32(), deaths: r.u32(), bot: r.bool() });
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

/**
 * `text`, unless it has more than `chars` characters.
 * @param {string} text @param {number} chars @param {string} what
 * @returns {string}
 */
function limited(text, chars, what) {
  if (Array.from(text).length > chars) throw new DecodeError(`${what} too long`);
  return text;
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
      } else {
        w.u8(0);
      }
      if (msg.schema === null || msg.schema === undefined) w.u8(0);
      else {
        w.u8(1);
        w.u64n(msg.schema);
      }
      break;
    case 'Input':
      w.u32(1);
      w.u32(msg.seq);
      w.f32(msg.move_x);
      w.f32(msg.move_y);
      w.f32(msg.aim);
      w.bool(msg.fire);
      w.u32(msg.view_tick ?? 0);
      break;
    case 'Ping':
      w.u32(2);
      w.u32(msg.nonce);
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
 * Decodes a client message (for tests and tools; the server is the real decoder).
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
      msg = { type: 'Input', seq: r.u32(), move_x: r.f32(), move_y: r.f32(), aim: r.f32(), fire: r.bool(), view_tick: r.u32() };
      break;
    case 2:
      msg = { type: 'Ping', nonce: r.u32() };
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
