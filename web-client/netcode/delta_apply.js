// @ts-check
// Reading a delta body of any schema into the world it describes, refusing exactly the bodies
// crates/protocol/src/replication/decode.rs refuses (a changed entity that changes nothing, a
// value out of its type's range, a listed change that is no change, a text over its length or
// not UTF-8, an entity of a kind the schema lacks, ...). Never throws anything but a DecodeError
// (a BaselineError when the body names a world the reader does not hold).

import { BitReader, getBlock, getSubset, unzigzag } from './bits.js';
import { getText } from './text.js';
import { NONE, groupByKind, previousIndices } from './delta_order.js';
import { BaselineError, DecodeError } from './error.js';
import { applyResidual } from './wire_type.js';
import { copyEntity, textOf } from './world.js';

/**
 * @typedef {import('./world.js').World} World
 * @typedef {import('./world.js').Entity} Entity
 * @typedef {import('./schema.js').Schema} Schema
 * @typedef {import('./schema.js').SlotInfo} SlotInfo
 * @typedef {import('./delta_write.js').Baselines} Baselines
 * @typedef {{removed: number, changed: number, created: number}} Applied
 *   how many entities a body removed, changed and created
 * @typedef {{base: Entity, out: Entity, prev: Entity | null, changed: boolean}} Change
 */

/** Most entities a world may hold (crates/protocol/src/codec.rs `MAX_ENTITIES`). */
export const MAX_ENTITIES = 65536;

/**
 * Decodes a delta body against the worlds the client holds and returns the world it describes.
 * The baselines are left as they were; the entities the body leaves unchanged are shared with the
 * baseline, so treat worlds as immutable.
 * @param {Schema} schema @param {Uint8Array} bytes @param {Baselines} [worlds] none for a full snapshot
 * @param {Applied} [applied] filled with the body's counts, when given
 * @returns {World}
 */
export function applyDelta(schema, bytes, worlds = {}, applied = undefined) {
  const br = new BitReader(bytes);
  const tick = br.varbits();
  /** @type {Entity[]} */
  let out = [];
  let removedCount = 0;
  let changedCount = 0;
  if (br.bit()) {
    const base = held((tick - br.varbits()) >>> 0, worlds.baseline);
    const n = base.entities.length;
    const removed = getSubset(br, n);
    const named = getSubset(br, n - removed.length);
    let r = 0;
    base.entities.forEach((e, i) => {
      if (r < removed.length && removed[r] === i) r++;
      else out.push(e);
    });
    removedCount = removed.length;
    changedCount = named.length;
    if (named.length > 0) {
      // The kept entities are in `out` in order: a changed entity's index there is its kept index;
      // its baseline index skips the removed ones before it.
      let skip = 0;
      const changes = named.map((k) => {
        while (skip < removed.length && removed[skip] <= k + skip) skip++;
        out[k] = copyEntity(out[k]);
        return { base: base.entities[k + skip], out: out[k], prev: null, changed: false };
      });
      readChanges(schema, br, base, worlds.previous ?? null, changes);
    }
  }
  const { entities, created } = readCreated(schema, br, out);
  out = entities;
  br.finish();
  if (applied) Object.assign(applied, { removed: removedCount, changed: changedCount, created });
  return { tick, entities: out };
}

/**
 * The world of tick `want`, if it is the one the reader holds.
 * @param {number} want @param {World | null | undefined} world
 * @returns {World}
 */
function held(want, world) {
  if (world && world.tick === want) return world;
  throw new BaselineError(want, world ? world.tick : null);
}

/**
 * @param {Schema} schema @param {BitReader} br @param {World} base @param {World | null} previous
 * @param {Change[]} changes
 */
function readChanges(schema, br, base, previous, changes) {
  let predict = false;
  if (br.bit()) {
    const p = held((base.tick - br.varbits()) >>> 0, previous);
    if (!schema.predicts) throw new DecodeError('prediction for a schema that predicts nothing');
    const pi = previousIndices(
      changes.map((c) => c.base),
      p,
    );
    changes.forEach((c, m) => {
      c.prev = pi[m] === NONE ? null : p.entities[pi[m]];
    });
    predict = true;
  }
  const layouts = schema.layouts;
  if (changes.some((c) => c.base.kind >= layouts.length)) throw new DecodeError('an entity of a kind the schema lacks');
  const { order, starts } = groupByKind(layouts.length, changes.length, (i) => changes[i].base.kind);
  layouts.forEach((layout, k) => {
    const group = order.slice(starts[k], starts[k + 1]).map((m) => changes[m]);
    if (group.length === 0) return;
    layout.slots.forEach((info, slot) => readSlotChanges(br, group, slot, info, predict));
  });
  if (changes.some((c) => !c.changed)) throw new DecodeError('a changed entity that did not change');
}

/**
 * @param {BitReader} br @param {Change[]} group @param {number} slot @param {SlotInfo} info
 * @param {boolean} predict
 */
function readSlotChanges(br, group, slot, info, predict) {
  if (!br.bit()) return;
  const n = group.length;
  /** @param {Entity} e */
  const slotOf = (e) => {
    if (slot >= e.slots.length) throw new DecodeError('a slot the entity lacks');
    return e.slots[slot];
  };
  /** @param {number} v */
  const inRange = (v) => {
    if (v < info.min || v > info.max) throw new DecodeError("a value out of its type's range");
    return v;
  };
  if (info.coding === 'residual') {
    const all = br.bit();
    let members;
    if (all) members = group.map((_, g) => g);
    else {
      members = getSubset(br, n);
      if (members.length === 0 || members.length === n) throw new DecodeError('a subset that should be none or all');
    }
    const residuals = getBlock(br, members.length);
    let any = false;
    members.forEach((g, i) => {
      const ch = group[g];
      let r = unzigzag(residuals[i]);
      if (info.predict && predict && ch.prev !== null) {
        const now = ch.base.slots[slot] ?? 0;
        const before = ch.prev.slots[slot] ?? now;
        r = (r + ((now - before) | 0)) | 0;
      }
      const v = slotOf(ch.out);
      const next = inRange(applyResidual(info.wrap, v, r));
      if (next !== v) {
        ch.out.slots[slot] = next;
        ch.changed = true;
        any = true;
      } else if (!all) throw new DecodeError('a listed change that changes nothing');
    });
    if (!any) throw new DecodeError('a slot said to change that did not');
    return;
  }
  const members = getSubset(br, n);
  if (members.length === 0) throw new DecodeError('an empty subset of changes');
  for (const g of members) {
    const ch = group[g];
    if (info.coding === 'raw') {
      const v = slotOf(ch.out);
      const next = inRange(info.bits === 0 ? 1 - v : br.get(info.bits));
      if (next === v) throw new DecodeError('a listed change that changes nothing');
      ch.out.slots[slot] = next;
    } else {
      const k = ch.out.slots[slot] ?? 0;
      const text = getText(br, info.maxBytes);
      if (text === textOf(ch.out, k)) throw new DecodeError('a listed change that changes nothing');
      // As on the Rust side, a text slot whose index names no text keeps nothing.
      if (k >= 0 && k < ch.out.texts.length) ch.out.texts[k] = text;
    }
    ch.changed = true;
  }
}

/**
 * Reads the created entities and merges them into the kept ones by id.
 * @param {Schema} schema @param {BitReader} br @param {Entity[]} kept
 * @returns {{entities: Entity[], created: number}}
 */
function readCreated(schema, br, kept) {
  const count = br.varbits();
  // A block of zeros costs no bits a value, so a short body may name many entities: the protocol's
  // limit bounds what they take.
  if (count > MAX_ENTITIES) throw new DecodeError('created count');
  if (count === 0) return { entities: kept, created: 0 };
  if (kept.length + count > MAX_ENTITIES) throw new DecodeError(`more than ${MAX_ENTITIES} entities`);
  /** @type {number[]} */
  const ids = [];
  for (const gap of getBlock(br, count)) {
    const id = ids.length === 0 ? gap : ids[ids.length - 1] + gap + 1;
    if (id > 0xffffffff) throw new DecodeError('id overflow');
    ids.push(id);
  }
  const kinds = getBlock(br, count);
  const layouts = schema.layouts;
  if (kinds.some((k) => k >= layouts.length)) throw new DecodeError('an entity of a kind the schema lacks');
  /** @type {Entity[]} */
  const created = ids.map((id, c) => ({ id, kind: kinds[c], slots: [], texts: [] }));
  const { order, starts } = groupByKind(layouts.length, count, (i) => kinds[i]);
  layouts.forEach((layout, k) => {
    const group = order.slice(starts[k], starts[k + 1]).map((m) => created[m]);
    if (group.length === 0) return;
    layout.slots.forEach((info, slot) => {
      /** @param {number} v */
      const inRange = (v) => {
        if (v < info.min || v > info.max) throw new DecodeError("a value out of its type's range");
        return v;
      };
      if (info.full === 'signed' || info.full === 'offset') {
        const values = getBlock(br, group.length);
        group.forEach((e, i) => {
          e.slots[slot] = inRange(info.full === 'offset' ? info.min + values[i] : unzigzag(values[i]));
        });
      } else if (info.full === 'raw') {
        for (const e of group) e.slots[slot] = inRange(br.get(info.fullBits));
      } else {
        for (const e of group) {
          // A text slot holds its text's index among the entity's texts, in slot order.
          e.slots[slot] = e.texts.length;
          e.texts.push(getText(br, info.maxBytes));
        }
      }
    });
  });
  /** @type {Entity[]} */
  const out = [];
  let i = 0;
  for (const e of created) {
    while (i < kept.length && kept[i].id < e.id) out.push(kept[i++]);
    if (i < kept.length && kept[i].id === e.id) throw new DecodeError(`entity ${e.id} is created twice`);
    out.push(e);
  }
  while (i < kept.length) out.push(kept[i++]);
  return { entities: out, created: count };
}
