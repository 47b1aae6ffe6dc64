// Server messages a test writes itself (the server's side of the wire, for the page's tests):
// a Welcome with any schema, a Snapshot with any body. Not a test file itself.

import { Writer } from '../codec.js';
import { encodeSchemaDesc } from '../netcode/index.js';

/**
 * The bytes of a Welcome (crates/protocol Welcome, protocol 4).
 * @param {{schema: import('../netcode/schema.js').SchemaDesc, entityId?: number, tick?: number,
 *   tickRate?: number, snapshotRate?: number, spectator?: boolean, resumeToken?: string,
 *   room?: number, map?: {name: string, width: number, height: number}}} opts
 * @returns {Uint8Array}
 */
export function welcomeBytes(opts) {
  const w = new Writer();
  const map = opts.map ?? { name: 'tiny', width: 640, height: 480.5 };
  w.u32(0);
  w.u16(4);
  w.u32(3);
  w.u32(opts.entityId ?? 42);
  w.u16(opts.tickRate ?? 60);
  w.u16(opts.snapshotRate ?? 30);
  w.u32(opts.tick ?? 1000000);
  w.string(map.name);
  w.f32(map.width);
  w.f32(map.height);
  w.u64(0);
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
 * The bytes of a Snapshot (crates/protocol SnapshotMsg, protocol 4).
 * @param {{ack: number, schema: bigint | null, body: Uint8Array, repeats?: number, pace?: number}} opts
 * @returns {Uint8Array}
 */
export function snapshotBytes(opts) {
  const w = new Writer();
  w.u32(1);
  w.u32(opts.ack);
  w.u16(opts.repeats ?? 0);
  w.i8(opts.pace ?? 0);
  w.u64(0);
  if (opts.schema === null) w.u8(0);
  else {
    w.u8(1);
    w.u64n(opts.schema);
  }
  w.byteBuf(opts.body);
  return w.finish();
}

