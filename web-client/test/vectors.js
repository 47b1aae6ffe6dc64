// Loads the shared wire test vectors (tests/vectors/*.json) and converts between their serde JSON
// shapes and the client's tagged objects. Not a test file itself (no .test.js suffix).

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

/**
 * Folder of the vectors, found from this file so tests run from any working directory
 * (`TICKWIRE_VECTOR_DIR` points the tests at another folder of the same layout).
 */
export const VECTOR_DIR = process.env.TICKWIRE_VECTOR_DIR || join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'tests', 'vectors');

/**
 * Every vector in the folder, sorted by file name.
 * @returns {{file: string, name: string, note: string, value: any, hex: string, raw: string}[]}
 *   `raw`: the file's text (a u64 over 2^53 is exact only there)
 */
export function loadVectors() {
  return readdirSync(VECTOR_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => {
      const raw = readFileSync(join(VECTOR_DIR, file), 'utf8');
      return { file, ...JSON.parse(raw), raw };
    });
}

/**
 * A field list in serde's JSON shape.
 * @param {import('../netcode/schema.js').FieldDesc[]} fields
 */
export function fieldsToSerde(fields) {
  /** @param {import('../netcode/wire_type.js').WireType} ty */
  const ty = (ty) => {
    const { type, ...rest } = ty;
    if (type === 'Bool' || type === 'Color') return type;
    if (type === 'Text') return { Text: { max_bytes: ty.maxBytes } };
    return { [type]: rest };
  };
  return fields.map((f) => ({ ...f, ty: ty(f.ty) }));
}

/**
 * A field list from serde's JSON shape.
 * @param {any[]} fields
 * @returns {import('../netcode/schema.js').FieldDesc[]}
 */
export function fieldsFromSerde(fields) {
  /** @returns {any} */
  const ty = (t) => {
    if (typeof t === 'string') return { type: t };
    const [[type, rest]] = Object.entries(t);
    if (type === 'Text') return { type, maxBytes: rest.max_bytes };
    return { type, ...rest };
  };
  return fields.map((f) => ({ ...f, ty: ty(f.ty) }));
}

/**
 * A declaration in serde's JSON shape (externally tagged enums, snake_case fields), as the
 * vectors print a SchemaDesc: intent rules as "Always", "Never" or {"When": i}.
 * @param {import('../netcode/schema.js').SchemaDesc} desc
 */
export function schemaDescToSerde(desc) {
  /** @param {import('../netcode/schema.js').KindDesc[]} kinds */
  const kinds = (kinds) => kinds.map((k) => ({ ...k, fields: fieldsToSerde(k.fields) }));
  return {
    ...desc,
    kinds: kinds(desc.kinds),
    input: {
      fields: fieldsToSerde(desc.input.fields),
      intent: desc.input.intent.map((r) => (r.type === 'When' ? { When: r.field } : r.type)),
    },
    events: kinds(desc.events),
  };
}

/**
 * A declaration from serde's JSON shape (the inverse of {@link schemaDescToSerde}).
 * @param {any} json
 * @returns {import('../netcode/schema.js').SchemaDesc}
 */
export function schemaDescFromSerde(json) {
  /** @param {any[]} kinds */
  const kinds = (kinds) => kinds.map((k) => ({ ...k, fields: fieldsFromSerde(k.fields) }));
  /** @returns {import('../netcode/schema.js').Intent} */
  const intent = (/** @type {any} */ r) => (typeof r === 'string' ? /** @type {any} */ ({ type: r }) : { type: 'When', field: r.When });
  return {
    ...json,
    kinds: kinds(json.kinds),
    input: { fields: fieldsFromSerde(json.input?.fields ?? []), intent: (json.input?.intent ?? []).map(intent) },
    events: kinds(json.events ?? []),
    scores: json.scores ?? [],
  };
}

/**
 * Converts a decoded client/server message to serde's externally tagged JSON shape.
 * @param {any} msg
 */
export function toSerde(msg) {
  const { type, ...fields } = msg;
  switch (type) {
    case 'Hello':
      return { Hello: { ...fields, schema: fields.schema === null ? null : Number(fields.schema) } };
    case 'Input':
      return { Input: { seq: fields.seq, view_tick: fields.view_tick, data: Array.from(fields.data) } };
    case 'Ping':
      return { Ping: { nonce: fields.nonce, pad: Array.from(fields.pad) } };
    case 'Welcome': {
      const { world, features, ...map } = fields.map;
      return { Welcome: { ...fields, map: { ...map, features: Array.from(features) }, schema: schemaDescToSerde(fields.schema.desc) } };
    }
    case 'Snapshot':
      return {
        Snapshot: {
          ack: fields.ack,
          repeats: fields.repeats,
          pace: fields.pace,
          earlier: fields.earlier,
          schema: fields.schema === null ? null : Number(fields.schema),
          body: Array.from(fields.body),
        },
      };
    case 'Scoreboard':
      return { Scoreboard: fields.entries.map((/** @type {any} */ e) => ({ entity: e.entity, name: e.name, bot: e.bot, columns: e.columns })) };
    case 'Leaderboard':
      return {
        Leaderboard: fields.rows.map((/** @type {any} */ r) => ({
          rank: r.rank,
          name: r.name,
          rating: r.rating,
          matches: r.matches,
          best: r.best,
          totals: r.totals,
        })),
      };
    case 'MatchEnd':
      return {
        MatchEnd: {
          ...fields,
          scores: fields.scores.map((/** @type {any} */ s) => ({ name: s.name, bot: s.bot, columns: s.columns, rating: s.rating })),
        },
      };
    case 'Event':
      return { Event: { kind: fields.kind, data: Array.from(fields.data) } };
    default:
      return { [type]: fields };
  }
}

/**
 * Converts serde's externally tagged message JSON to the client's tagged object.
 * @param {any} value
 * @param {string} [raw] the vector file's text, for the exact digits of a u64
 */
export function fromSerde(value, raw = '') {
  const [[type, fields]] = Object.entries(value);
  if (type === 'Leaderboard') return { type, rows: fields };
  if (type === 'Input') return { type, ...fields, data: Uint8Array.from(fields.data) };
  if (type === 'Ping') return { type, ...fields, pad: Uint8Array.from(fields.pad) };
  if (type === 'Hello') {
    // A schema hash is a u64: exact only in the file's text.
    const exact = /"schema":\s*(\d+)/.exec(raw);
    const schema = fields.schema === null || fields.schema === undefined ? null : BigInt(exact ? exact[1] : fields.schema);
    return { type, ...fields, schema };
  }
  return { type, ...fields };
}

/**
 * Compares two JSON-like values, reading every number in `expected` as an f32 where `actual` has
 * one (serde prints f32 as its shortest decimal, JS decodes the exact f32 as a double).
 * @param {any} actual
 * @param {any} expected
 * @param {string} [path]
 * @returns {string | null} the first difference, or null
 */
export function diffJson(actual, expected, path = '$') {
  if (typeof expected === 'number') {
    if (typeof actual !== 'number') return `${path}: expected number ${expected}, got ${actual}`;
    if (actual === expected || actual === Math.fround(expected)) return null;
    return `${path}: expected ${expected}, got ${actual}`;
  }
  if (expected === null || typeof expected !== 'object') {
    return actual === expected ? null : `${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`;
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return `${path}: expected an array`;
    if (actual.length !== expected.length) return `${path}: expected length ${expected.length}, got ${actual.length}`;
    for (let i = 0; i < expected.length; i++) {
      const d = diffJson(actual[i], expected[i], `${path}[${i}]`);
      if (d) return d;
    }
    return null;
  }
  if (actual === null || typeof actual !== 'object') return `${path}: expected an object`;
  const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
  for (const k of keys) {
    const d = diffJson(actual[k], expected[k], `${path}.${k}`);
    if (d) return d;
  }
  return null;
}
