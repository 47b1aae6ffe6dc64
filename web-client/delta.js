// Snapshot deltas (crates/protocol/src/delta.rs and delta_body.rs): decode the body a Snapshot
// message carries, apply it to the baseline world, and (for tests) compute and encode deltas.
//
// Wire layout of a body:
//   tick      u32
//   baseline  u8 0 (full) | u8 1 then u32 ticks back from `tick`
//   removed   u32 count, ids as u32 gaps (the first from 0, later gaps >= 1)
//   created   u32 count, each: id gap, kind u8, x i32, y i32, angle u8, hp u8
//   changed   u32 count, each: id gap, mask u8 (bit 0 x, 1 y, 2 angle, 3 hp), then the set fields:
//             dx i32, dy i32, dangle i8, hp u8 (a set bit never has a zero value)

import { DecodeError, Reader, Writer } from './codec.js';

/** Most entities one snapshot may hold (codec::MAX_ENTITIES). */
export const MAX_ENTITIES = 65536;

/** Entity kinds by wire byte. */
export const KINDS = /** @type {const} */ (['Player', 'Bot', 'Projectile', 'Prop']);

const MASK_X = 1;
const MASK_Y = 2;
const MASK_ANGLE = 4;
const MASK_HP = 8;
const MIN_CREATED_BYTES = 6;
const MIN_CHANGED_BYTES = 3;

/** Why a delta could not be applied to a baseline. */
export class DeltaError extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'DeltaError';
  }
}

/**
 * @typedef {'Player' | 'Bot' | 'Projectile' | 'Prop'} EntityKind
 * @typedef {{id: number, kind: EntityKind, x: number, y: number, angle: number, hp: number}} EntityState
 *   x, y in 1/16 world units (i32); angle in 1/256 turns (u8); hp u8.
 * @typedef {{tick: number, entities: EntityState[]}} WorldState
 * @typedef {{id: number, dx: number, dy: number, dangle: number, hp: number | null}} EntityChange
 * @typedef {{tick: number, baseline: number | null, removed: number[], created: EntityState[],
 *   changed: EntityChange[]}} Delta
 */

/** @param {Reader} r @param {number} minItemBytes */
function count(r, minItemBytes) {
  const n = r.u32();
  if (n > MAX_ENTITIES || n * minItemBytes > r.remaining()) {
    throw new DecodeError(`list length ${n} is over what the input can hold`);
  }
  return n;
}

/** Rebuilds ids from gaps, enforcing strictly increasing order without overflow. */
function idGaps() {
  /** @type {number | null} */
  let prev = null;
  /** @param {number} gap */
  return (gap) => {
    let id;
    if (prev === null) id = gap;
    else if (gap === 0) throw new DecodeError('id gap of zero');
    else {
      id = prev + gap;
      if (id > 0xffffffff) throw new DecodeError('id overflow');
    }
    prev = id;
    return id;
  };
}

/** @param {number} v @param {string} what */
function nonzero(v, what) {
  if (v === 0) throw new DecodeError(`zero ${what} under a set mask bit`);
  return v;
}

/**
 * Decodes a delta body from exactly `bytes`. Rejects any encoding but the canonical one.
 * @param {Uint8Array} bytes
 * @returns {Delta}
 * @throws {DecodeError}
 */
export function decodeDelta(bytes) {
  const r = new Reader(bytes);
  const tick = r.u32();
  const flag = r.u8();
  /** @type {number | null} */
  let baseline;
  if (flag === 0) baseline = null;
  else if (flag === 1) baseline = (tick - r.u32()) >>> 0;
  else throw new DecodeError(`invalid baseline flag ${flag}`);

  let n = count(r, 1);
  const removed = [];
  let next = idGaps();
  for (let i = 0; i < n; i++) removed.push(next(r.u32()));

  n = count(r, MIN_CREATED_BYTES);
  /** @type {EntityState[]} */
  const created = [];
  next = idGaps();
  for (let i = 0; i < n; i++) {
    const id = next(r.u32());
    const k = r.u8();
    const kind = KINDS[k];
    if (kind === undefined) throw new DecodeError(`invalid entity kind ${k}`);
    created.push({ id, kind, x: r.i32(), y: r.i32(), angle: r.u8(), hp: r.u8() });
  }

  n = count(r, MIN_CHANGED_BYTES);
  /** @type {EntityChange[]} */
  const changed = [];
  next = idGaps();
  for (let i = 0; i < n; i++) {
    const id = next(r.u32());
    const mask = r.u8();
    if (mask === 0 || (mask & ~(MASK_X | MASK_Y | MASK_ANGLE | MASK_HP)) !== 0) {
      throw new DecodeError(`invalid change mask ${mask}`);
    }
    /** @type {EntityChange} */
    const c = { id, dx: 0, dy: 0, dangle: 0, hp: null };
    if (mask & MASK_X) c.dx = nonzero(r.i32(), 'dx');
    if (mask & MASK_Y) c.dy = nonzero(r.i32(), 'dy');
    if (mask & MASK_ANGLE) c.dangle = nonzero(r.i8(), 'dangle');
    if (mask & MASK_HP) c.hp = r.u8();
    changed.push(c);
  }
  r.end();
  return { tick, baseline, removed, created, changed };
}

/** @param {number[]} ids */
function checkIncreasing(ids) {
  for (let i = 1; i < ids.length; i++) {
    if (!(ids[i - 1] < ids[i])) throw new DeltaError('entity ids are not in increasing order');
  }
}

/**
 * The world a delta describes, rebuilt on top of `baseline` (which is not modified).
 * @param {Delta} delta
 * @param {WorldState | null} baseline
 * @returns {WorldState}
 * @throws {DeltaError} when the delta is against another baseline, names entities the baseline
 *   lacks, creates one it has, or breaks the id order
 */
export function applyDelta(delta, baseline) {
  /** @type {EntityState[]} */
  let base;
  if (delta.baseline === null) base = [];
  else if (baseline && baseline.tick === delta.baseline) base = baseline.entities;
  else {
    throw new DeltaError(
      `delta is against tick ${delta.baseline}, but the baseline is ${baseline ? `tick ${baseline.tick}` : 'none'}`,
    );
  }
  checkIncreasing(delta.removed);
  checkIncreasing(delta.created.map((e) => e.id));
  checkIncreasing(delta.changed.map((c) => c.id));

  /** @type {EntityState[]} */
  const kept = [];
  let ri = 0;
  let ci = 0;
  const { removed, changed, created } = delta;
  for (const b of base) {
    if (ri < removed.length && removed[ri] === b.id) {
      ri++;
      if (ci < changed.length && changed[ci].id === b.id) throw new DeltaError(`entity ${b.id} is not in the baseline`);
      continue;
    }
    if (ri < removed.length && removed[ri] < b.id) throw new DeltaError(`entity ${removed[ri]} is not in the baseline`);
    if (ci < changed.length && changed[ci].id === b.id) {
      const c = changed[ci++];
      kept.push({
        id: b.id,
        kind: b.kind,
        x: (b.x + c.dx) | 0,
        y: (b.y + c.dy) | 0,
        angle: (b.angle + c.dangle) & 255,
        hp: c.hp === null ? b.hp : c.hp,
      });
    } else if (ci < changed.length && changed[ci].id < b.id) {
      throw new DeltaError(`entity ${changed[ci].id} is not in the baseline`);
    } else {
      kept.push({ ...b });
    }
  }
  if (ri < removed.length) throw new DeltaError(`entity ${removed[ri]} is not in the baseline`);
  if (ci < changed.length) throw new DeltaError(`entity ${changed[ci].id} is not in the baseline`);
  if (kept.length + created.length > MAX_ENTITIES) {
    throw new DeltaError(`snapshot holds more than ${MAX_ENTITIES} entities`);
  }

  /** @type {EntityState[]} */
  const entities = [];
  let ni = 0;
  for (const k of kept) {
    while (ni < created.length && created[ni].id <= k.id) {
      if (created[ni].id === k.id) throw new DeltaError(`entity ${k.id} is created but already exists`);
      entities.push({ ...created[ni++] });
    }
    entities.push(k);
  }
  while (ni < created.length) entities.push({ ...created[ni++] });
  return { tick: delta.tick, entities };
}

/**
 * Decodes a body and applies it in one step.
 * @param {Uint8Array} body
 * @param {WorldState | null} baseline
 * @returns {WorldState}
 * @throws {DecodeError | DeltaError}
 */
export function applyBody(body, baseline) {
  return applyDelta(decodeDelta(body), baseline);
}

/**
 * The delta that turns `baseline` into `current` (full when `baseline` is null). Both sorted by id.
 * @param {WorldState | null} baseline
 * @param {WorldState} current
 * @returns {Delta}
 */
export function diffWorlds(baseline, current) {
  /** @type {Delta} */
  const delta = { tick: current.tick, baseline: baseline ? baseline.tick : null, removed: [], created: [], changed: [] };
  const base = baseline ? baseline.entities : [];
  const cur = current.entities;
  let i = 0;
  let j = 0;
  while (i < base.length || j < cur.length) {
    const b = base[i];
    const c = cur[j];
    if (b && c && b.id === c.id) {
      if (b.kind !== c.kind) {
        delta.removed.push(b.id);
        delta.created.push({ ...c });
      } else {
        const ch = {
          id: c.id,
          dx: (c.x - b.x) | 0,
          dy: (c.y - b.y) | 0,
          dangle: (((c.angle - b.angle) & 255) << 24) >> 24,
          hp: c.hp !== b.hp ? c.hp : null,
        };
        if (ch.dx || ch.dy || ch.dangle || ch.hp !== null) delta.changed.push(ch);
      }
      i++;
      j++;
    } else if (b && (!c || b.id < c.id)) {
      delta.removed.push(b.id);
      i++;
    } else {
      delta.created.push({ ...c });
      j++;
    }
  }
  return delta;
}

/**
 * The wire bytes of a delta.
 * @param {Delta} delta
 * @returns {Uint8Array}
 */
export function encodeDelta(delta) {
  const w = new Writer();
  w.u32(delta.tick);
  if (delta.baseline === null) w.u8(0);
  else {
    w.u8(1);
    w.u32((delta.tick - delta.baseline) >>> 0);
  }
  let prev = 0;
  w.u32(delta.removed.length);
  for (const id of delta.removed) {
    w.u32((id - prev) >>> 0);
    prev = id;
  }
  prev = 0;
  w.u32(delta.created.length);
  for (const e of delta.created) {
    w.u32((e.id - prev) >>> 0);
    prev = e.id;
    w.u8(KINDS.indexOf(e.kind));
    w.i32(e.x);
    w.i32(e.y);
    w.u8(e.angle);
    w.u8(e.hp);
  }
  prev = 0;
  w.u32(delta.changed.length);
  for (const c of delta.changed) {
    w.u32((c.id - prev) >>> 0);
    prev = c.id;
    const mask = (c.dx ? MASK_X : 0) | (c.dy ? MASK_Y : 0) | (c.dangle ? MASK_ANGLE : 0) | (c.hp !== null ? MASK_HP : 0);
    w.u8(mask);
    if (c.dx) w.i32(c.dx);
    if (c.dy) w.i32(c.dy);
    if (c.dangle) w.i8(c.dangle);
    if (c.hp !== null) w.u8(c.hp);
  }
  return w.finish();
}
