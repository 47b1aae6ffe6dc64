// @ts-check
// Delta bodies of any schema: `writeDelta` writes the body that turns the world a client holds
// into the current one, `applyDelta` reads it back, both exactly as the Rust side
// (crates/protocol/src/replication/encode.rs and decode.rs). The layout, from encode.rs (bits
// least significant first; `varbits`, blocks and subsets as in bits.js):
//
// varbits tick
// bit     has baseline          then varbits(tick - baseline tick)
//   subset removed              indices into the baseline's entities (sorted by id)
//   subset changed              indices into the baseline's entities left after removal
//   when at least one entity changed:
//   bit   predicted             then varbits(baseline tick - previous tick)
//   for each kind, in schema order, that some changed entity has (its group, in id order):
//     for each slot of the kind:
//       bit any changed
//       residual slots: bit all, then a block of residuals over the group (all), or a subset
//                       of the group and a block of residuals over it
//       raw slots:      a subset of the group, then each new value in the type's bits
//                       (a boolean's change is its flip: no bits)
//       text slots:     a subset of the group, then each new text: varbits(bytes), the bytes
// varbits created count
//   block id gaps (id - previous id - 1; the first from 0), block kinds
//   for each kind that some created entity has, for each slot, over its group:
//     signed: block of zigzag values; offset: block of value - min; raw: bits each;
//     text: varbits(bytes), the bytes each
// zero padding to a whole byte
//
// A residual is the wrapping change since the baseline (an angle's the short way round). With
// prediction, a predicted slot's residual is its change minus its change from the previous world
// to the baseline (zero for an entity the previous world lacks). The encoder predicts only when it
// makes the predicted slots' blocks smaller, and writes "all" only when it is no larger than the
// subset: the choices are fixed, so that any encoder writes the same bytes.

export { applyDelta, MAX_ENTITIES } from './delta_apply.js';
export { writeDelta } from './delta_write.js';
