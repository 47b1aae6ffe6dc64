// @ts-check
// A viewer stream, the recorded match as the browser plays it (crates/replay/src/stream_encoder.rs):
// "TWVIEW01", then each message as a u32 LE length and a ServerMsg exactly as on the WebSocket: a
// spectator's Welcome first (schema, map, rates, first tick), then in tick order the Snapshots (full
// at every keyframe, the seek points; otherwise a delta against the previous snapshot), the room's
// Events and a Scoreboard whenever it changed. Every message is read by the netcode package's own
// decoder; anything else is refused with a `ReplayStreamError` that says what is wrong and where.

import { BitReader, DecodeError, MAX_SERVER_MSG, TickUnwrapper, decodeServerMsg } from '../netcode/index.js';

/**
 * @typedef {import('../netcode/messages.js').ServerMsg} ServerMsg
 * @typedef {import('../netcode/messages.js').WelcomeMsg} WelcomeMsg
 * @typedef {import('../netcode/messages.js').SnapshotMsg} SnapshotMsg
 * @typedef {{msg: ServerMsg, offset: number, tick: number | null}} StreamMessage
 *   a message, the byte offset of its length prefix in the stream, and for a snapshot the
 *   (unwrapped) tick of the world it describes
 * @typedef {{welcome: WelcomeMsg, messages: StreamMessage[], bytes: number}} ViewerStream
 *   `messages`: every message after the Welcome, in stream order
 */

/** The first bytes of a viewer stream. */
export const VIEWER_MAGIC = 'TWVIEW01';

/** Why a stream cannot be played: not a viewer stream, cut off, or a message that does not decode. */
export class ReplayStreamError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'ReplayStreamError';
  }
}

/**
 * The tick a snapshot's body describes: the body's first field (netcode/delta.js), read without
 * applying it.
 * @param {SnapshotMsg} msg
 * @returns {number} a u32 tick
 */
export function snapshotTick(msg) {
  return new BitReader(msg.body).varbits() >>> 0;
}

/**
 * Reads a whole viewer stream: the magic, then every message, each decoded in the Welcome's
 * schema. Snapshot bodies are not applied here (see stream_index.js and replay_worlds.js).
 * @param {Uint8Array} bytes
 * @returns {ViewerStream}
 * @throws {ReplayStreamError}
 */
export function parseViewerStream(bytes) {
  if (!(bytes instanceof Uint8Array)) throw new ReplayStreamError('the recording is not bytes');
  const magic = String.fromCharCode(...bytes.subarray(0, VIEWER_MAGIC.length));
  if (bytes.length < VIEWER_MAGIC.length || magic !== VIEWER_MAGIC) {
    throw new ReplayStreamError(`not a replay stream (it does not start with ${VIEWER_MAGIC})`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = VIEWER_MAGIC.length;
  /** @type {WelcomeMsg | null} */
  let welcome = null;
  /** @type {StreamMessage[]} */
  const messages = [];
  const ticks = new TickUnwrapper();
  let lastTick = -Infinity;
  while (at < bytes.length) {
    const n = messages.length + (welcome ? 1 : 0);
    if (bytes.length - at < 4) throw new ReplayStreamError(`the stream is cut off at byte ${at} (message ${n + 1}'s length)`);
    const len = view.getUint32(at, true);
    if (len > MAX_SERVER_MSG) throw new ReplayStreamError(`message ${n + 1} at byte ${at} claims ${len} bytes, over the limit of ${MAX_SERVER_MSG}`);
    if (len > bytes.length - at - 4) throw new ReplayStreamError(`the stream is cut off in message ${n + 1} (at byte ${at}: ${len} bytes announced, ${bytes.length - at - 4} left)`);
    const body = bytes.subarray(at + 4, at + 4 + len);
    /** @type {ServerMsg} */
    let msg;
    try {
      msg = decodeServerMsg(body, welcome?.schema ?? null);
    } catch (e) {
      throw new ReplayStreamError(`message ${n + 1} at byte ${at} does not decode: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (!welcome) {
      if (msg.type !== 'Welcome') throw new ReplayStreamError(`the stream starts with a ${msg.type}, not a Welcome`);
      welcome = msg;
    } else if (msg.type === 'Welcome') {
      throw new ReplayStreamError(`a second Welcome at byte ${at}`);
    } else {
      /** @type {number | null} */
      let tick = null;
      if (msg.type === 'Snapshot') {
        try {
          tick = ticks.unwrap(snapshotTick(msg));
        } catch (e) {
          if (!(e instanceof DecodeError)) throw e;
          throw new ReplayStreamError(`snapshot at byte ${at} has no tick: ${e.message}`);
        }
        if (tick <= lastTick) throw new ReplayStreamError(`snapshot at byte ${at} is of tick ${tick}, not after ${lastTick}`);
        lastTick = tick;
      }
      messages.push({ msg, offset: at, tick });
    }
    at += 4 + len;
  }
  if (!welcome) throw new ReplayStreamError('the stream is empty (no Welcome)');
  return { welcome, messages, bytes: bytes.length };
}
