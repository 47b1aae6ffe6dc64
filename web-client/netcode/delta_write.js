// @ts-check
// Writing a world as a delta body against the world a client holds, byte for byte as
// crates/protocol/src/replication/encode.rs writes it (the layout is in delta.js). The encoder's
// choices are fixed (predict only when the predicted slots' blocks get strictly smaller; "all"
// when no larger than the subset; a bitmask when no larger than the gap list; each block at its
// best width), so that any encoder writes the same bytes.

import { BitWriter, bestWidth, putBlock, putBlockAt, putSubset, subsetPlan, zigzag } from './bits.js';
import { putText, sameText } from './text.js';
import { NONE, groupByKind, previousIndices } from './delta_order.js';
import { residual } from './wire_type.js';
import { textOf } from './world.js';

/**
 * @typedef {import('./world.js').World} World
 * @typedef {import('./world.js').Entity} Entity
 * @typedef {import('./schema.js').Schema} Schema
 * @typedef {import('./schema.js').SlotInfo} SlotInfo
 * @typedef {{baseline?: World | null, previous?: World | null}} Baselines
 *   the world a body is a delta from (none: a full snapshot) and the one before it (prediction)
 * @typedef {{base: Entity, cur: Entity, prev: Entity | null}} Change
 */

/**
 * Writes the delta that turns `worlds.baseline` into `world` (a full snapshot without a
 * baseline). Both worlds must be sorted by id and hold only kinds of `schema` with their slots;
 * an id whose kind changed is sent as a removal and a creation.
 * @param {Schema} schema @param {Baselines} worlds @param {World} world
 * @returns {Uint8Array}
 */
export function writeDelta(schema, worlds, world) {
  const bw = new BitWriter();
  const base = worlds.baseline ?? null;
  bw.varbits(world.tick);
  bw.bit(base !== null);
  /** @type {Entity[]} */
  let created = world.entities;
  if (base !== null) {
    bw.varbits((world.tick - base.tick) >>> 0);
    const d = diff(schema, base, world);
    created = d.created;
    putSubset(bw, base.entities.length, d.removed);
    // Changed entities are named by their index among the kept ones.
    let r = 0;
    const named = d.changed.map(({ bi }) => {
      while (r < d.removed.length && d.removed[r] < bi) r++;
      return bi - r;
    });
    putSubset(bw, base.entities.length - d.removed.length, named);
    if (d.changed.length > 0) writeChanges(schema, base, worlds.previous ?? null, d.changed, bw);
  }
  writeCreated(schema, created, bw);
  return bw.finish();
}

/**
 * The removed (baseline indices), changed and created entities of `cur` against `base`.
 * @param {Schema} schema @param {World} base @param {World} cur
 */
function diff(schema, base, cur) {
  const [be, ce] = [base.entities, cur.entities];
  /** @type {number[]} */
  const removed = [];
  /** @type {{bi: number, base: Entity, cur: Entity}[]} */
  const changed = [];
  /** @type {Entity[]} */
  const created = [];
  let i = 0;
  let j = 0;
  while (i < be.length || j < ce.length) {
    const b = be[i];
    const c = ce[j];
    if (b && c && b.id === c.id) {
      if (b.kind !== c.kind) {
        removed.push(i);
        created.push(c);
      } else if (differs(schema, b, c)) changed.push({ bi: i, base: b, cur: c });
      i++;
      j++;
    } else if (b && (!c || b.id < c.id)) {
      removed.push(i++);
    } else {
      created.push(c);
      j++;
    }
  }
  return { removed, changed, created };
}

/** @param {number[]} a @param {number[]} b */
function sameSlots(a, b) {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * True when two entities of the same id and kind hold different values.
 * @param {Schema} schema @param {Entity} a @param {Entity} b
 */
function differs(schema, a, b) {
  if (!sameSlots(a.slots, b.slots)) return true;
  const layout = schema.layouts[a.kind];
  if (!layout || !layout.hasText) return false;
  return layout.slots.some(
    (s, k) => k < a.slots.length && s.coding === 'text' && !sameText(textOf(a, a.slots[k]), textOf(b, a.slots[k]), s.maxBytes),
  );
}

/** Slot `slot` of an entity, 0 past its end. @param {Entity} e @param {number} slot */
function at(e, slot) {
  return e.slots[slot] ?? 0;
}

/**
 * The change a predicted slot is expected to make: its change from the previous world to the
 * baseline (0 for an entity the previous world lacks).
 * @param {Entity | null} prev @param {Entity} base @param {number} slot
 */
export function velocity(prev, base, slot) {
  if (prev === null) return 0;
  const now = at(base, slot);
  const before = prev.slots[slot] ?? now;
  return (now - before) | 0;
}

/**
 * @param {Schema} schema @param {World} base @param {World | null} previous
 * @param {{bi: number, base: Entity, cur: Entity}[]} changed @param {BitWriter} bw
 */
function writeChanges(schema, base, previous, changed, bw) {
  const layouts = schema.layouts;
  const { order, starts } = groupByKind(layouts.length, changed.length, (i) => changed[i].base.kind);
  /** @type {Change[]} */
  let list = changed.map((c) => ({ base: c.base, cur: c.cur, prev: null }));
  // Predict only where it makes the predicted slots' blocks smaller.
  let predict = false;
  if (previous !== null && schema.predicts) {
    const pi = previousIndices(changed.map((c) => c.base), previous);
    const withPrev = list.map((c, m) => ({ ...c, prev: pi[m] === NONE ? null : previous.entities[pi[m]] }));
    let plain = 0;
    let predicted = 0;
    layouts.forEach((layout, k) => {
      const run = order.slice(starts[k], starts[k + 1]);
      if (run.length === 0) return;
      layout.slots.forEach((info, slot) => {
        if (!info.predict) return;
        const a = [];
        const c = [];
        for (const m of run) {
          const ch = withPrev[m];
          const d = residual(null, at(ch.base, slot), at(ch.cur, slot));
          a.push(zigzag(d));
          c.push(zigzag((d - velocity(ch.prev, ch.base, slot)) | 0));
        }
        plain += bestWidth(a)[1];
        predicted += bestWidth(c)[1];
      });
    });
    if (predicted < plain) {
      predict = true;
      list = withPrev;
    }
  }
  bw.bit(predict);
  if (predict && previous !== null) bw.varbits((base.tick - previous.tick) >>> 0);
  layouts.forEach((layout, k) => {
    const group = order.slice(starts[k], starts[k + 1]).map((m) => list[m]);
    if (group.length === 0) return;
    layout.slots.forEach((info, slot) => writeSlotChanges(group, slot, info, predict, bw));
  });
}

/**
 * @param {Change[]} group @param {number} slot @param {SlotInfo} info @param {boolean} predict
 * @param {BitWriter} bw
 */
function writeSlotChanges(group, slot, info, predict, bw) {
  const n = group.length;
  // Which of the group changed this slot (indices into the group), and every residual.
  /** @type {number[]} */
  const members = [];
  /** @type {number[]} */
  const residuals = [];
  group.forEach((ch, g) => {
    const changed =
      info.coding === 'text'
        ? !sameText(textOf(ch.base, at(ch.cur, slot)), textOf(ch.cur, at(ch.cur, slot)), info.maxBytes)
        : residual(null, at(ch.base, slot), at(ch.cur, slot)) !== 0;
    if (changed) members.push(g);
    if (info.coding === 'residual') {
      let d = residual(info.wrap, at(ch.base, slot), at(ch.cur, slot));
      if (info.predict && predict) d = (d - velocity(ch.prev, ch.base, slot)) | 0;
      residuals.push(zigzag(d));
    }
  });
  bw.bit(members.length > 0);
  if (members.length === 0) return;
  if (info.coding === 'residual') {
    const [wAll, allBits] = bestWidth(residuals);
    const listed = members.map((g) => residuals[g]);
    const all = members.length === n || allBits <= subsetPlan(n, members).bits + bestWidth(listed)[1];
    bw.bit(all);
    if (all) putBlockAt(bw, residuals, wAll);
    else {
      putSubset(bw, n, members);
      putBlock(bw, listed);
    }
  } else if (info.coding === 'raw') {
    putSubset(bw, n, members);
    for (const g of members) bw.put(at(group[g].cur, slot) >>> 0, info.bits);
  } else {
    putSubset(bw, n, members);
    for (const g of members) putText(bw, textOf(group[g].cur, at(group[g].cur, slot)), info.maxBytes);
  }
}

/**
 * The created entities, in id order: their id gaps, their kinds, then kind by kind each slot
 * over the kind's group.
 * @param {Schema} schema @param {Entity[]} created @param {BitWriter} bw
 */
function writeCreated(schema, created, bw) {
  bw.varbits(created.length);
  if (created.length === 0) return;
  let prev = -1;
  putBlock(
    bw,
    created.map((e) => {
      const gap = prev < 0 ? e.id : (e.id - prev - 1) >>> 0;
      prev = e.id;
      return gap;
    }),
  );
  putBlock(bw, created.map((e) => e.kind));
  const layouts = schema.layouts;
  const { order, starts } = groupByKind(layouts.length, created.length, (i) => created[i].kind);
  layouts.forEach((layout, k) => {
    const group = order.slice(starts[k], starts[k + 1]).map((m) => created[m]);
    if (group.length === 0) return;
    layout.slots.forEach((info, slot) => {
      if (info.full === 'signed') putBlock(bw, group.map((e) => zigzag(at(e, slot))));
      else if (info.full === 'offset') putBlock(bw, group.map((e) => (at(e, slot) - info.min) >>> 0));
      else if (info.full === 'raw') for (const e of group) bw.put(at(e, slot) >>> 0, info.fullBits);
      else for (const e of group) putText(bw, textOf(e, at(e, slot)), info.maxBytes);
    });
  });
}
