// @ts-check
// @tickwire/netcode: the browser side of tickwire's replication, for any game. A game's schema
// arrives as bincode bytes (`decodeSchema`); each snapshot's delta body turns the world the client
// holds into the next (`applyDelta`); `fields` reads an entity by field name in the game's units;
// `interpolateWorld` blends two snapshots' worlds field by field as the schema marks them.
// `ServerClock` keeps the server's tick, the playout delay and the render timeline; `InputClock`
// sends one input per server tick, paced by the server; `RateMeter` and `ByteHistory` are the net
// graph's figures.

export { BaselineError, DecodeError } from './error.js';
export { BitReader, BitWriter, bestWidth, getBlock, getSubset, putBlock, putBlockAt, putSubset, subsetPlan, unzigzag, width, zigzag } from './bits.js';
export { Reader, Writer, fnv1a64, fromHex, toHex } from './bincode.js';
export { MAX_KINDS, MAX_SCHEMA_NAME, MAX_SLOTS, SchemaError, compileSchema, decodeSchema, encodeSchemaDesc, hashHex, kindIndex, readSchemaDesc } from './schema.js';
export { MAX_ANGLE_BITS, MAX_ENUM_VARIANTS, MAX_TEXT_BYTES, dequantize, quantize } from './wire_type.js';
export { emptyWorld, fields, findEntity, makeEntity, textOf } from './world.js';
export { MAX_ENTITIES, applyDelta, writeDelta } from './delta.js';
export { blendPlan, blendSlot, interpolateEntity, interpolateWorld } from './interp.js';
export { MAX_RATE_CHANGE, ServerClock, TickUnwrapper } from './clock.js';
export { InputClock, MAX_PACE, RESYNC_PERIODS } from './input_clock.js';
export { ByteHistory, RateMeter } from './stats.js';
