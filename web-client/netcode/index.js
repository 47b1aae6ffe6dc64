// @ts-check
// @tickwire/netcode: the browser side of a tickwire game, for any game. A game's schema arrives
// in the Welcome (`decodeSchema` for one on its own); each snapshot's delta body turns the world
// the client holds into the next (`applyDelta`); `fields` reads an entity by field name in the
// game's units; `interpolateWorld` blends two snapshots' worlds field by field as the schema
// marks them. Records (`writeRecord`, `readRecord`) carry the game's inputs and events;
// `decodeServerMsg` and `encodeClientMsg` are the protocol's messages, read in the schema;
// `Connection` joins a server and runs a session (clocks, worlds, inputs on the server's tick);
// `Predictor` predicts the own entity with the game's step function and replays exactly what the
// server applied. `ServerClock` keeps the server's tick, the playout delay and the render
// timeline; `InputClock` sends one input per server tick, paced by the server; `RateMeter` and
// `ByteHistory` are the net graph's figures.

export { BaselineError, DecodeError } from './error.js';
export { BitReader, BitWriter, bestWidth, getBlock, getSubset, putBlock, putBlockAt, putSubset, subsetPlan, unzigzag, width, zigzag } from './bits.js';
export { Reader, Writer, fnv1a64, fromHex, toHex } from './bincode.js';
export {
  MAX_EVENT_KINDS,
  MAX_INPUT_FIELDS,
  MAX_KINDS,
  MAX_SCHEMA_NAME,
  MAX_SCORE_COLUMNS,
  MAX_SLOTS,
  SchemaError,
  compileRecordLayout,
  compileSchema,
  decodeSchema,
  encodeSchemaDesc,
  eventIndex,
  hashHex,
  kindIndex,
  readSchemaDesc,
} from './schema.js';
export { MAX_ANGLE_BITS, MAX_ENUM_VARIANTS, MAX_TEXT_BYTES, dequantize, quantize } from './wire_type.js';
export { emptyWorld, fields, findEntity, makeEntity, readValues, textOf, writeValues } from './world.js';
export { MAX_RECORD_BYTES, readRecord, readRecordSlots, recordValues, writeRecord, writeRecordSlots } from './record.js';
export { neutralInput, neutralSlots, sameIntent, sameIntentSlots } from './intent.js';
export { MAX_ENTITIES, applyDelta, writeDelta } from './delta.js';
export { blendPlan, blendSlot, interpolateEntity, interpolateWorld } from './interp.js';
export {
  DROPPED,
  EARLIER_INPUTS,
  MAX_LABEL_CHARS,
  MAX_LEADERBOARD_ROWS,
  MAX_MAP_FEATURES,
  MAX_MATCH_SCORES,
  MAX_NAME_CHARS,
  MAX_NOTICE_CHARS,
  MAX_SERVER_MSG,
  PING_PAD_BYTES,
  PROTOCOL_VERSION,
  byColumn,
  cleanName,
  decodeClientMsg,
  decodeServerMsg,
  encodeClientMsg,
  inputMsg,
  scoreRating,
} from './messages.js';
export * as closeCodes from './close.js';
export { backoffMs, describeClose, describeRefusal } from './close.js';
export {
  CONNECT_TIMEOUT_MS,
  Connection,
  PING_MS,
  admissionCheckUrl,
  RESUME_KEY,
  TOKEN_PROTOCOL,
  gameSocketProtocols,
  gameSocketUrl,
  readAdmission,
  resumeUrl,
  rttFromNonce,
  tokenProtocols,
} from './connection.js';
export { HISTORY_MAX, MAX_REPLAYED_REPEATS, Predictor, repeatsBeforeNeutral } from './predict.js';
export { MAX_RATE_CHANGE, ServerClock, TickUnwrapper } from './clock.js';
export { InputClock, MAX_PACE, RESYNC_PERIODS } from './input_clock.js';
export { ByteHistory, RateMeter } from './stats.js';
