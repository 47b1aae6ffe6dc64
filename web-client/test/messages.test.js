// The package's v5 messages round trip: every client message encodes and decodes to itself (an
// input's record read back by the schema); every server message, written as the server writes it,
// decodes to its fields with what the schema says of them: an event's kind name and fields, score
// columns by name with their rating, the map's features as a world.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  DecodeError,
  PING_PAD_BYTES,
  PROTOCOL_VERSION,
  decodeClientMsg,
  decodeServerMsg,
  encodeClientMsg,
  inputMsg,
  makeEntity,
  readRecord,
  scoreRating,
  writeDelta,
  writeRecord,
} from '../netcode/index.js';
import { ARENA_DESC, ARENA_SCHEMA } from '../arena_schema.js';
import { encodeServerMsg } from './wire.js';

const S = ARENA_SCHEMA;

test('every client message encodes and decodes to itself', () => {
  const msgs = [
    { type: 'Hello', protocol_version: PROTOCOL_VERSION, name: 'Zoë', resume: null, schema: null },
    { type: 'Hello', protocol_version: PROTOCOL_VERSION, name: 'ada', resume: '7-abc', schema: 0xffff_ffff_ffff_ffffn },
    { type: 'Input', seq: 0xffffffff, view_tick: 123456, data: Uint8Array.from([1, 2, 3]) },
    { type: 'Input', seq: 1, view_tick: 0, data: new Uint8Array() },
    { type: 'Ping', nonce: 0xdeadbeef, pad: new Uint8Array(3) },
    { type: 'Subscribe', leaderboard: false },
  ];
  for (const m of msgs) assert.deepEqual(decodeClientMsg(encodeClientMsg(/** @type {any} */ (m))), m);
});

test('a ping is padded to wake a server that reads once a tick', () => {
  const bytes = encodeClientMsg({ type: 'Ping', nonce: 7 });
  // Variant, nonce, the pad's length (a 3-byte varint), the pad.
  assert.equal(bytes.length, 1 + 1 + 3 + PING_PAD_BYTES);
  assert.deepEqual(decodeClientMsg(bytes), { type: 'Ping', nonce: 7, pad: new Uint8Array(PING_PAD_BYTES) });
});

test("an input is a record of the schema's input fields, as the server reads it", () => {
  const msg = inputMsg(S, 9, 1000, { move_x: -1, move_y: 5, aim: Math.PI / 2, fire: true });
  // seq, view_tick, then the record behind its length (4 fields: 2 + 2 + 16 + 1 bits = 3 bytes).
  assert.deepEqual(Array.from(encodeClientMsg(msg)), [1, 9, 251, 0xe8, 0x03, 3, ...msg.data]);
  const back = decodeClientMsg(encodeClientMsg(msg));
  assert.equal(back.type, 'Input');
  if (back.type !== 'Input') return;
  assert.deepEqual(readRecord(S.input, back.data), { move_x: -1, move_y: 1, aim: Math.PI / 2, fire: true }, 'clamped to the schema');
});

test('every server message decodes to its fields, read in the schema', () => {
  const wall = makeEntity(S, 3, 'wall', { min: [1, 2], size: [3, 4] });
  const features = writeDelta(S, {}, { tick: 0, entities: [wall] });
  const welcome = decodeServerMsg(
    encodeServerMsg({
      type: 'Welcome', protocol_version: 5, client_id: 1, entity_id: 2, tick_rate: 60, snapshot_rate: 30, tick: 9,
      map: { name: 'm', width: 100, height: 50, features }, room: 4, resume_token: 't', spectator: false, schema: ARENA_DESC,
    }),
  );
  assert.equal(welcome.type, 'Welcome');
  if (welcome.type !== 'Welcome') return;
  assert.deepEqual(welcome.schema.desc, ARENA_DESC);
  assert.deepEqual(welcome.map.world, { tick: 0, entities: [wall] });
  assert.deepEqual(welcome.map.features, features);

  const cases = [
    [{ type: 'Pong', nonce: 5, tick: 6 }, { type: 'Pong', nonce: 5, tick: 6 }],
    [{ type: 'Kick', code: 4007, reason: 'x' }, { type: 'Kick', code: 4007, reason: 'x' }],
    [{ type: 'Notice', text: 'hi', seconds_left: null }, { type: 'Notice', text: 'hi', seconds_left: null }],
    [
      { type: 'Scoreboard', entries: [{ entity: 1, name: 'a', bot: true, columns: [-5, 2147483647] }] },
      { type: 'Scoreboard', entries: [{ entity: 1, name: 'a', bot: true, columns: [-5, 2147483647], byColumn: { kills: -5, deaths: 2147483647 }, rating: -5 - 2147483647 }] },
    ],
    [
      { type: 'Leaderboard', rows: [{ rank: 1, name: 'a', rating: -3, matches: 2, best: -1, totals: [1, 4] }] },
      { type: 'Leaderboard', rows: [{ rank: 1, name: 'a', rating: -3, matches: 2, best: -1, totals: [1, 4], totalsByColumn: { kills: 1, deaths: 4 } }] },
    ],
    [
      { type: 'MatchEnd', room: 1, game: 'arena', map: 'm', started_ms: 2 ** 41, ended_ms: 2 ** 41 + 5, scores: [{ name: 'a', bot: false, columns: [3, 1], rating: 2 }] },
      { type: 'MatchEnd', room: 1, game: 'arena', map: 'm', started_ms: 2 ** 41, ended_ms: 2 ** 41 + 5, scores: [{ name: 'a', bot: false, columns: [3, 1], rating: 2, byColumn: { kills: 3, deaths: 1 } }] },
    ],
  ];
  for (const [msg, want] of cases) assert.deepEqual(decodeServerMsg(encodeServerMsg(msg), S), want);

  const data = writeRecord(S.events[0], { killer: 2147483647, victim: 0 });
  assert.deepEqual(decodeServerMsg(encodeServerMsg({ type: 'Event', kind: 0, data }), S), {
    type: 'Event', kind: 0, data, event: { kind: 'kill', fields: { killer: 2147483647, victim: 0 } },
  });
  assert.equal(scoreRating(S, [10, 3]), 7, 'kills minus deaths');
});

test('what needs the schema is refused without it; what does not, decodes', () => {
  for (const msg of [
    { type: 'Scoreboard', entries: [] },
    { type: 'Event', kind: 0, data: writeRecord(S.events[0], {}) },
    { type: 'Leaderboard', rows: [] },
    { type: 'MatchEnd', room: 1, game: 'g', map: 'm', started_ms: 0, ended_ms: 0, scores: [] },
  ]) {
    assert.throws(() => decodeServerMsg(encodeServerMsg(msg)), DecodeError, msg.type);
  }
  assert.equal(decodeServerMsg(encodeServerMsg({ type: 'Pong', nonce: 1, tick: 2 })).type, 'Pong');
});
