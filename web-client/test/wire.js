// Server messages a test writes itself (the server's side of the wire, for the page's tests):
// a Welcome with any schema, a Snapshot with any body. Not a test file itself.

import { Writer, encodeSchemaDesc } from '../netcode/index.js';

/**
 * The bytes of a Welcome (crates/protocol Welcome, protocol 5).
 * @param {{schema: import('../netcode/schema.js').SchemaDesc, entityId?: number, tick?: number,
 *   tickRate?: number, snapshotRate?: number, spectator?: boolean, resumeToken?: string,
 *   room?: number, map?: {name: string, width: number, height: number}, features?: Uint8Array}} opts
 *   `features`: the map's features, a full delta body (none by default)
 * @returns {Uint8Array}
 */
export function welcomeBytes(opts) {
  const w = new Writer();
  const map = opts.map ?? { name: 'tiny', width: 640, height: 480.5 };
  w.u32(0);
  w.u16(5);
  w.u32(3);
  w.u32(opts.entityId ?? 42);
  w.u16(opts.tickRate ?? 60);
  w.u16(opts.snapshotRate ?? 30);
  w.u32(opts.tick ?? 1000000);
  w.string(map.name);
  w.f32(map.width);
  w.f32(map.height);
  w.byteBuf(opts.features ?? new Uint8Array());
  w.u32(opts.room ?? 12);
  w.string(opts.resumeToken ?? '');
  w.bool(opts.spectator ?? false);
  const bytes = w.finish();
  const schema = encodeSchemaDesc(opts.schema);
  const out = new Uint8Array(bytes.length + schema.length);
  out.set(bytes);
  out.set(schema, bytes.length);
  return out;
}

/**
 * The bytes of a Snapshot (crates/protocol SnapshotMsg, protocol 5).
 * @param {{ack: number, schema: bigint | null, body: Uint8Array, repeats?: number, pace?: number, earlier?: number[]}} opts
 * @returns {Uint8Array}
 */
export function snapshotBytes(opts) {
  const w = new Writer();
  w.u32(1);
  w.u32(opts.ack);
  w.u16(opts.repeats ?? 0);
  w.i8(opts.pace ?? 0);
  const earlier = opts.earlier ?? [];
  w.varint(earlier.length);
  for (const n of earlier) w.u16(n);
  if (opts.schema === null) w.u8(0);
  else {
    w.u8(1);
    w.u64n(opts.schema);
  }
  w.byteBuf(opts.body);
  return w.finish();
}


/**
 * The bytes of a server message whose body `write` writes after the variant index.
 * @param {number} variant @param {(w: Writer) => void} write
 * @returns {Uint8Array}
 */
export function serverBytes(variant, write) {
  const w = new Writer();
  w.u32(variant);
  write(w);
  return w.finish();
}

/**
 * The bytes of any server message (the server's encoder, for the page's tests): the fields the
 * wire carries, as `decodeServerMsg` names them (the decoded extras, such as `event` or
 * `byColumn`, are not read).
 * @param {any} msg
 * @returns {Uint8Array}
 */
export function encodeServerMsg(msg) {
  const w = new Writer();
  /** @param {number[]} columns */
  const columns = (columns) => {
    w.varint(columns.length);
    for (const c of columns) w.i32(c);
  };
  switch (msg.type) {
    case 'Welcome': {
      w.u32(0);
      w.u16(msg.protocol_version);
      w.u32(msg.client_id);
      w.u32(msg.entity_id);
      w.u16(msg.tick_rate);
      w.u16(msg.snapshot_rate);
      w.u32(msg.tick);
      w.string(msg.map.name);
      w.f32(msg.map.width);
      w.f32(msg.map.height);
      w.byteBuf(msg.map.features);
      w.u32(msg.room);
      w.string(msg.resume_token);
      w.bool(msg.spectator);
      const bytes = w.finish();
      const schema = encodeSchemaDesc(msg.schema.desc ?? msg.schema);
      return Uint8Array.from([...bytes, ...schema]);
    }
    case 'Snapshot':
      return snapshotBytes(msg);
    case 'Pong':
      w.u32(2);
      w.u32(msg.nonce);
      w.u32(msg.tick);
      break;
    case 'Scoreboard':
      w.u32(3);
      w.varint(msg.entries.length);
      for (const e of msg.entries) {
        w.u32(e.entity);
        w.string(e.name);
        w.bool(e.bot);
        columns(e.columns);
      }
      break;
    case 'Event':
      w.u32(4);
      w.u16(msg.kind);
      w.byteBuf(msg.data);
      break;
    case 'Kick':
      w.u32(5);
      w.u16(msg.code);
      w.string(msg.reason);
      break;
    case 'Notice':
      w.u32(6);
      w.string(msg.text);
      if (msg.seconds_left === null) w.u8(0);
      else {
        w.u8(1);
        w.u16(msg.seconds_left);
      }
      break;
    case 'Leaderboard':
      w.u32(7);
      w.varint(msg.rows.length);
      for (const r of msg.rows) {
        w.u16(r.rank);
        w.string(r.name);
        w.i32(r.rating);
        w.u32(r.matches);
        w.i32(r.best);
        columns(r.totals);
      }
      break;
    case 'MatchEnd':
      w.u32(8);
      w.u32(msg.room);
      w.string(msg.game);
      w.string(msg.map);
      w.u64(msg.started_ms);
      w.u64(msg.ended_ms);
      w.varint(msg.scores.length);
      for (const s of msg.scores) {
        w.string(s.name);
        w.bool(s.bot);
        columns(s.columns);
        w.i32(s.rating);
      }
      break;
    default:
      throw new TypeError(`no encoder for ${msg.type}`);
  }
  return w.finish();
}
