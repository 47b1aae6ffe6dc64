// Snapshot deltas (crates/protocol/src/delta.rs and delta_body.rs): decode the body a Snapshot
// message carries, apply it to the baseline world, and (for tests) compute and encode deltas.
//
// The body is a bit stream (bits.js, least significant bit first). `varbits(v)` is 6 bits of width
// then `v` in that many bits (minimal width). A block is 6 bits of width `w` then each value in `w`
// bits, the all-ones code escaping a value that does not fit (it follows as varbits). A subset of
// `0..n` is a bit, then a bitmask of n bits (0) or varbits(count) and a block of gaps (1). Signed
// values are zigzagged.
//
//   varbits tick
//   bit     has baseline          then varbits(tick - baseline tick)
//     subset removed              indices into the baseline's entities (sorted by id)
//     subset changed              indices into the baseline's entities left after removal
//     when at least one entity changed:
//     bit   predicted             then varbits(baseline tick - previous tick)
//     block x residuals, block y residuals, block angle deltas (one per changed entity)
//     bit   any hp change         then subset of the changed entities, and 8 bits of hp each
//   varbits created count
//     block id gaps (id - previous id - 1; the first from 0), block kinds,
//     block x, block y (zigzag), 8 bits of angle each, block hp
//   zero padding to a whole byte
//
// With prediction the reader also holds `previous`, the world before the baseline: a changed
// entity in both has dx = residual + (baseline.x - previous.x) (wrapping; same for y), others
// dx = residual.

import { DecodeError } from './codec.js';
import {
  BitReader,
  BitWriter,
  bestWidth,
  getBlock,
  getSubset,
  putBlock,
  putBlockAt,
  putSubset,
  unzigzag,
  zigzag,
} from './bits.js';

/** Most entities one snapshot may hold (codec::MAX_ENTITIES). */
export const MAX_ENTITIES = 65536;

/** Entity kinds by wire code. */
export const KINDS = /** @type {const} */ (['Player', 'Bot', 'Projectile', 'Prop']);

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


/**
 * A delta body names a world (baseline or previous) the reader does not hold. A DecodeError: the
 * body cannot be read without that world.
 */
export class BaselineError extends DecodeError {
  /** @param {string} which @param {number} expected @param {number | null} held */
  constructor(which, expected, held) {
    super(`delta needs the ${which} world of tick ${expected}, but the client holds ${held === null ? 'none' : `tick ${held}`}`);
    this.name = 'BaselineError';
    /** The tick the body names. */
    this.expected = expected;
    /** The tick of the world offered, if any. */
    this.held = held;
  }
}

/**
 * Per changed entity, its velocity guess from `previous` to `baseline` (0 when unknown). All three
 * lists are sorted by id, so one merge walk finds everything.
 * @param {{id: number}[]} changed
 * @param {WorldState} baseline
 * @param {WorldState} previous
 * @returns {[number, number][]}
 */
function velocities(changed, baseline, previous) {
  const be = baseline.entities;
  const pe = previous.entities;
  let b = 0;
  let p = 0;
  /** @type {[number, number][]} */
  const out = [];
  for (const c of changed) {
    while (b < be.length && be[b].id < c.id) b++;
    while (p < pe.length && pe[p].id < c.id) p++;
    if (b < be.length && p < pe.length && be[b].id === c.id && pe[p].id === c.id) {
      out.push([(be[b].x - pe[p].x) | 0, (be[b].y - pe[p].y) | 0]);
    } else out.push([0, 0]);
  }
  return out;
}

/**
 * Decodes a delta body from exactly `bytes`, against the worlds the client holds: `baseline`, the
 * world the delta is against, and `previous`, the one the client held before it (for motion
 * prediction). Rejects any encoding the Rust reader rejects.
 * @param {Uint8Array} bytes
 * @param {WorldState | null} [baseline]
 * @param {WorldState | null} [previous]
 * @returns {Delta}
 * @throws {DecodeError} (a {@link BaselineError} when the body names a world the client does not
 *   hold)
 */
export function decodeDelta(bytes, baseline = null, previous = null) {
  const br = new BitReader(bytes);
  const tick = br.varbits();
  /** @type {Delta} */
  const delta = { tick, baseline: null, removed: [], created: [], changed: [] };
  if (br.bit()) {
    const want = (tick - br.varbits()) >>> 0;
    if (!baseline || baseline.tick !== want) throw new BaselineError('baseline', want, baseline ? baseline.tick : null);
    const base = baseline;
    delta.baseline = want;
    const n = base.entities.length;
    const removed = getSubset(br, n);
    const changedIdx = getSubset(br, n - removed.length);
    let ri = 0;
    let ci = 0;
    let k = 0;
    for (let i = 0; i < n; i++) {
      const e = base.entities[i];
      if (ri < removed.length && removed[ri] === i) {
        ri++;
        delta.removed.push(e.id);
        continue;
      }
      if (ci < changedIdx.length && changedIdx[ci] === k) {
        ci++;
        delta.changed.push({ id: e.id, dx: 0, dy: 0, dangle: 0, hp: null });
      }
      k++;
    }

    const m = delta.changed.length;
    if (m > 0) {
    /** @type {WorldState | null} */
    let prev = null;
    if (br.bit()) {
      const wantPrev = (base.tick - br.varbits()) >>> 0;
      if (!previous || previous.tick !== wantPrev) {
        throw new BaselineError('previous', wantPrev, previous ? previous.tick : null);
      }
      prev = previous;
    }
    const xs = getBlock(br, m);
    const ys = getBlock(br, m);
    const as = getBlock(br, m);
    const vel = prev ? velocities(delta.changed, base, prev) : null;
    for (let i = 0; i < m; i++) {
      const ch = delta.changed[i];
      ch.dx = (unzigzag(xs[i]) + (vel ? vel[i][0] : 0)) | 0;
      ch.dy = (unzigzag(ys[i]) + (vel ? vel[i][1] : 0)) | 0;
      const da = unzigzag(as[i]);
      if (da < -128 || da > 127) throw new DecodeError(`angle delta ${da} does not fit an i8`);
      ch.dangle = da;
    }
    if (br.bit()) {
      const hp = getSubset(br, m);
      if (hp.length === 0) throw new DecodeError('empty hp subset');
      for (const i of hp) delta.changed[i].hp = br.get(8);
    }
    for (const ch of delta.changed) {
      if (ch.dx === 0 && ch.dy === 0 && ch.dangle === 0 && ch.hp === null) {
        throw new DecodeError(`changed entity ${ch.id} did not change`);
      }
    }
    }
  }

  const count = br.varbits();
  // Each created entity costs at least its 8 bits of angle.
  if (count > MAX_ENTITIES || count * 8 > br.bitsLeft()) {
    throw new DecodeError(`created count ${count} is over what the body can hold`);
  }
  if (count > 0) {
    const gaps = getBlock(br, count);
    const kinds = getBlock(br, count);
    const xs = getBlock(br, count);
    const ys = getBlock(br, count);
    /** @type {number | null} */
    let prevId = null;
    for (let i = 0; i < count; i++) {
      const id = prevId === null ? gaps[i] : prevId + gaps[i] + 1;
      if (id > 0xffffffff) throw new DecodeError('created entity id overflow');
      prevId = id;
      const kind = kinds[i] < KINDS.length ? KINDS[kinds[i]] : undefined;
      if (kind === undefined) throw new DecodeError(`invalid entity kind ${kinds[i]}`);
      delta.created.push({ id, kind, x: unzigzag(xs[i]), y: unzigzag(ys[i]), angle: 0, hp: 0 });
    }
    for (const e of delta.created) e.angle = br.get(8);
    const hps = getBlock(br, count);
    for (let i = 0; i < count; i++) {
      if (hps[i] > 255) throw new DecodeError(`created hp ${hps[i]} is over 255`);
      delta.created[i].hp = hps[i];
    }
  }
  br.finish();
  return delta;
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
 * @param {WorldState | null} baseline the world the client holds (the newest)
 * @param {WorldState | null} [previous] the world the client held before `baseline`
 * @returns {WorldState}
 * @throws {DecodeError | DeltaError}
 */
export function applyBody(body, baseline, previous = null) {
  return applyDelta(decodeDelta(body, baseline, previous), baseline);
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
 * Writes a delta's body into `bw` (the Rust writer, `Delta::write`, bit for bit). `baseline` must be
 * the world the delta is against (null for a full snapshot); `previous`, when given, lets the
 * encoder predict motion where that makes the body smaller (the reader must then hold it too).
 * @param {Delta} delta
 * @param {BitWriter} bw
 * @param {WorldState | null} [baseline]
 * @param {WorldState | null} [previous]
 */
export function writeDelta(delta, bw, baseline = null, previous = null) {
  bw.varbits(delta.tick);
  if (delta.baseline !== null && (!baseline || baseline.tick !== delta.baseline)) {
    throw new Error(`delta is against tick ${delta.baseline}: pass that world to the encoder`);
  }
  const base = delta.baseline === null ? null : baseline;
  bw.bit(base !== null);
  if (base) {
    bw.varbits((delta.tick - base.tick) >>> 0);
    const changed = delta.changed;
    let xs = changed.map((c) => zigzag(c.dx));
    let ys = changed.map((c) => zigzag(c.dy));
    let [wx, cx] = bestWidth(xs);
    let [wy, cy] = bestWidth(ys);
    let usePrev = null;
    if (previous && changed.length > 0) {
      const vel = velocities(changed, base, previous);
      const pxs = changed.map((c, i) => zigzag((c.dx - vel[i][0]) | 0));
      const pys = changed.map((c, i) => zigzag((c.dy - vel[i][1]) | 0));
      const [pwx, pcx] = bestWidth(pxs);
      const [pwy, pcy] = bestWidth(pys);
      if (pcx + pcy < cx + cy) {
        usePrev = previous;
        [xs, ys, wx, wy] = [pxs, pys, pwx, pwy];
      }
    }

    // Removed and changed entities are named by their index in the baseline.
    const removedIdx = [];
    const changedIdx = [];
    let ri = 0;
    let ci = 0;
    let kept = 0;
    base.entities.forEach((e, i) => {
      if (ri < delta.removed.length && delta.removed[ri] === e.id) {
        ri++;
        removedIdx.push(i);
        return;
      }
      if (ci < changed.length && changed[ci].id === e.id) {
        ci++;
        changedIdx.push(kept);
      }
      kept++;
    });
    if (ri < delta.removed.length || ci < changed.length) {
      throw new Error('the delta names entities its baseline does not hold (or out of order)');
    }
    putSubset(bw, base.entities.length, removedIdx);
    putSubset(bw, kept, changedIdx);
    if (changed.length > 0) {
    bw.bit(usePrev !== null);
    if (usePrev) bw.varbits((base.tick - usePrev.tick) >>> 0);
    putBlockAt(bw, xs, wx);
    putBlockAt(bw, ys, wy);
    putBlock(bw, changed.map((c) => zigzag(c.dangle)));
    const hp = [];
    changed.forEach((c, i) => {
      if (c.hp !== null) hp.push(i);
    });
    bw.bit(hp.length > 0);
    if (hp.length > 0) {
      putSubset(bw, changed.length, hp);
      for (const i of hp) bw.put(/** @type {number} */ (changed[i].hp), 8);
    }
    }
  }

  const created = delta.created;
  bw.varbits(created.length);
  if (created.length > 0) {
    putBlock(bw, created.map((e, i) => (i === 0 ? e.id : (e.id - created[i - 1].id - 1) >>> 0)));
    putBlock(bw, created.map((e) => KINDS.indexOf(e.kind)));
    putBlock(bw, created.map((e) => zigzag(e.x)));
    putBlock(bw, created.map((e) => zigzag(e.y)));
    for (const e of created) bw.put(e.angle, 8);
    putBlock(bw, created.map((e) => e.hp));
  }
}

/**
 * The wire bytes of a delta (see {@link writeDelta}).
 * @param {Delta} delta
 * @param {WorldState | null} [baseline] the world the delta is against (needed unless it is full)
 * @param {WorldState | null} [previous] the world before `baseline`, for motion prediction
 * @returns {Uint8Array}
 */
export function encodeDelta(delta, baseline = null, previous = null) {
  const bw = new BitWriter();
  writeDelta(delta, bw, baseline, previous);
  return bw.finish();
}
