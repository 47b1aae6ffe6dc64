// @ts-check
// The order a delta body visits entities in, shared by the writer and the reader
// (crates/protocol/src/replication/encode.rs): grouped by kind, in schema order, each group in id
// order; and for each changed entity, where it is in the previous world (for prediction).

/** No entity in the previous world. */
export const NONE = -1;

/**
 * Orders `n` items by kind, keeping their order within a kind (a stable counting sort): `order`
 * lists item indices kind by kind, `starts[k]` to `starts[k + 1]` is kind `k`'s run.
 * @param {number} kinds @param {number} n @param {(i: number) => number} kindOf
 * @returns {{order: number[], starts: number[]}}
 */
export function groupByKind(kinds, n, kindOf) {
  const starts = new Array(kinds + 1).fill(0);
  for (let i = 0; i < n; i++) starts[kindOf(i) + 1]++;
  for (let k = 0; k < kinds; k++) starts[k + 1] += starts[k];
  const next = starts.slice();
  const order = new Array(n).fill(0);
  for (let i = 0; i < n; i++) order[next[kindOf(i)]++] = i;
  return { order, starts };
}

/**
 * Each entity's index in `prev` (same id and kind), or {@link NONE}; `entities` in id order.
 * @param {{id: number, kind: number}[]} entities
 * @param {import('./world.js').World} prev
 * @returns {number[]}
 */
export function previousIndices(entities, prev) {
  const pe = prev.entities;
  let p = 0;
  return entities.map(({ id, kind }) => {
    while (p < pe.length && pe[p].id < id) p++;
    return p < pe.length && pe[p].id === id && pe[p].kind === kind ? p : NONE;
  });
}
