// @ts-check
// The same-intent rule (protocol v5 §2; the server's late-input rule, crates/server/src/
// input_buffer.rs, which the client's replay follows identically): two inputs have the same
// intent when every field whose rule is `Always`, and every `When(i)` field while the Bool field
// i is true in either input, is equal; `Never` fields are ignored. Fields are compared as the
// server reads them: quantized (texts cut to their length).
//
// `neutralInput` is what a repeat turns into once an input has been missing for long, as the
// server makes it: every number (`Fixed`, `Vec2`, `Int`) at 0 or its range's end nearest 0 and
// every `Bool` false (no movement, no button held); angles, enums, colours and texts kept (where
// it faced, what it had chosen).

import { sameText } from './text.js';
import { slotCount } from './wire_type.js';
import { readValues, writeValues } from './world.js';

/**
 * @typedef {import('./schema.js').Schema} Schema
 * @typedef {import('./record.js').RecordSlots} RecordSlots
 * @typedef {import('./record.js').RecordValues} RecordValues
 * @typedef {import('./world.js').FieldValue} FieldValue
 */

/**
 * True when applying input `a` does what applying input `b` does, by the schema's intent rules.
 * @param {Schema} schema @param {Record<string, FieldValue | undefined>} a @param {Record<string, FieldValue | undefined>} b
 * @returns {boolean}
 */
export function sameIntent(schema, a, b) {
  const fields = schema.input.fields;
  return sameIntentSlots(schema, writeValues(fields, a), writeValues(fields, b));
}

/**
 * {@link sameIntent} on inputs already quantized (as `readRecordSlots` or `writeValues` give them).
 * @param {Schema} schema @param {RecordSlots} a @param {RecordSlots} b
 * @returns {boolean}
 */
export function sameIntentSlots(schema, a, b) {
  const { fields, firstSlot, slots } = schema.input;
  const rules = schema.desc.input.intent;
  for (let i = 0; i < fields.length; i++) {
    const rule = rules[i];
    if (rule.type === 'Never') continue;
    if (rule.type === 'When') {
      const j = firstSlot[rule.field];
      if (a.slots[j] === 0 && b.slots[j] === 0) continue;
    }
    const first = firstSlot[i];
    const ty = fields[i].ty;
    if (ty.type === 'Text') {
      const max = slots[first].maxBytes;
      if (!sameText(a.texts[a.slots[first]] ?? '', b.texts[b.slots[first]] ?? '', max)) return false;
      continue;
    }
    for (let k = first; k < first + slotCount(ty); k++) if (a.slots[k] !== b.slots[k]) return false;
  }
  return true;
}

/**
 * The neutral input a repeat becomes, as the server makes it: every number (`Fixed`, `Vec2`,
 * `Int`) at 0 (its range's nearest value to 0) and every `Bool` false; angles, enums, colours and
 * texts as in `input`.
 * @param {Schema} schema @param {RecordSlots} input
 * @returns {RecordSlots}
 */
export function neutralSlots(schema, input) {
  const { fields, firstSlot } = schema.input;
  const zero = writeValues(fields, {});
  const slots = input.slots.slice();
  const texts = input.texts.slice();
  for (let i = 0; i < fields.length; i++) {
    const type = fields[i].ty.type;
    if (type !== 'Fixed' && type !== 'Vec2' && type !== 'Int' && type !== 'Bool') continue;
    const first = firstSlot[i];
    for (let k = first; k < first + slotCount(fields[i].ty); k++) slots[k] = zero.slots[k];
  }
  return { slots, texts };
}

/**
 * {@link neutralSlots} on values in the game's units.
 * @param {Schema} schema @param {Record<string, FieldValue | undefined>} input
 * @returns {RecordValues}
 */
export function neutralInput(schema, input) {
  const fields = schema.input.fields;
  const { slots, texts } = neutralSlots(schema, writeValues(fields, input));
  return readValues(fields, slots, texts);
}
