// The netcode package's connection runs a session: the Welcome's schema, snapshots applied to the
// worlds it holds, the game's input sent as records on the input clock's tick, events and score
// lines decoded in the schema and handed to callbacks, close codes turned into readable reasons.

import { test, mock } from 'node:test';
import assert from 'node:assert/strict';

import {
  Connection,
  closeCodes,
  decodeClientMsg,
  describeClose,
  makeEntity,
  readRecord,
  writeDelta,
  writeRecord,
} from '../netcode/index.js';
import { ARENA_DESC, ARENA_SCHEMA } from '../arena_schema.js';
import { FakeSocket } from './fakes.js';
import { encodeServerMsg, snapshotBytes, welcomeBytes } from './wire.js';

/** Runs `body` with fake timers. @param {() => void} body */
function withTimers(body) {
  mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  try {
    body();
  } finally {
    mock.timers.reset();
  }
}

/** A connection to a fake socket, recording what its callbacks hear. @param {any} [extra] */
function setup(extra = {}) {
  FakeSocket.all = [];
  let now = 1000;
  /** @type {any} */
  const heard = { statuses: [], welcomes: [], snapshots: [], events: [], scores: [], inputs: [], boards: [], ends: [] };
  const conn = new Connection({
    url: 'ws://example/ws',
    name: 'ada',
    token: 'tok',
    schema: ARENA_SCHEMA.hash,
    WebSocketImpl: /** @type {any} */ (FakeSocket),
    now: () => now,
    timers: { now: () => now, setTimeout: (cb, ms) => setTimeout(cb, ms), clearTimeout: (id) => clearTimeout(id) },
    storage: { getItem: () => null, setItem: () => {}, removeItem: () => {} },
    onStatus: (s) => heard.statuses.push(s),
    onWelcome: (w) => heard.welcomes.push(w),
    onSnapshot: (s) => heard.snapshots.push(s),
    onEvent: (e) => heard.events.push(e),
    onScoreboard: (e) => heard.scores.push(e),
    onLeaderboard: (r) => heard.boards.push(r),
    onMatchEnd: (m) => heard.ends.push(m),
    input: () => ({ move_x: 1, move_y: -1, aim: 0.5, fire: true }),
    onInput: (sent) => heard.inputs.push(sent),
    viewTick: () => 77.6,
    ...extra,
  });
  conn.start();
  const ws = FakeSocket.all[0];
  ws.open();
  return { conn, ws, heard, advance: (/** @type {number} */ ms) => ((now += ms), mock.timers.tick(ms)) };
}

/** The client messages of a type a socket sent. @param {any} ws @param {string} type */
const sentOf = (ws, type) => ws.sent.map((b) => decodeClientMsg(b)).filter((m) => m.type === type);

test('the join token travels in the subprotocols, the Hello names the schema', () => {
  withTimers(() => {
    const { ws, conn } = setup();
    assert.deepEqual(ws.protocols, ['tickwire.token', 'tok']);
    assert.equal(sentOf(ws, 'Hello')[0].schema, ARENA_SCHEMA.hash);
    conn.stop();
  });
});

test('a Welcome starts a session whose inputs leave once per tick as records of the schema', () => {
  withTimers(() => {
    const { ws, conn, heard, advance } = setup();
    ws.receive(welcomeBytes({ schema: ARENA_DESC, tickRate: 60 }));
    assert.equal(heard.welcomes.length, 1);
    assert.ok(conn.session);
    advance(100);
    const inputs = sentOf(ws, 'Input');
    assert.ok(inputs.length >= 6 && inputs.length <= 8, `${inputs.length} inputs in 100 ms at 60 Hz`);
    assert.deepEqual(
      inputs.map((m) => m.seq),
      inputs.map((_, i) => i + 1),
    );
    const first = inputs[0];
    assert.equal(first.view_tick, 77);
    const values = readRecord(ARENA_SCHEMA.input, first.data);
    assert.deepEqual({ ...values, aim: 0 }, { move_x: 1, move_y: -1, aim: 0, fire: true });
    assert.ok(Math.abs(Number(values.aim) - 0.5) < 1e-4);
    assert.equal(heard.inputs.length, inputs.length);
    assert.deepEqual(heard.inputs[0].values, values, 'the input as the server reads it');
    conn.stopInputs();
    const before = sentOf(ws, 'Input').length;
    advance(100);
    assert.equal(sentOf(ws, 'Input').length, before, 'stopped');
    conn.stop();
  });
});

test('a spectator sends no inputs; a page that returns null sends nothing that tick', () => {
  withTimers(() => {
    const a = setup();
    a.ws.receive(welcomeBytes({ schema: ARENA_DESC, spectator: true }));
    a.advance(100);
    assert.equal(sentOf(a.ws, 'Input').length, 0);
    assert.equal(a.conn.sendInput({ move_x: 1 }), null);
    a.conn.stop();
    const b = setup({ input: () => null });
    b.ws.receive(welcomeBytes({ schema: ARENA_DESC }));
    b.advance(100);
    assert.equal(sentOf(b.ws, 'Input').length, 0);
    b.conn.stop();
  });
});

test('snapshots build the worlds; a body that cannot be applied reconnects', () => {
  withTimers(() => {
    const { ws, conn, heard, statuses = heard.statuses } = setup();
    ws.receive(welcomeBytes({ schema: ARENA_DESC }));
    const w1 = { tick: 10, entities: [makeEntity(ARENA_SCHEMA, 42, 'player', { pos: [1, 2], angle: 0, hp: 100 })] };
    ws.receive(snapshotBytes({ ack: 3, schema: ARENA_SCHEMA.hash, body: writeDelta(ARENA_SCHEMA, {}, w1) }));
    const w2 = { tick: 12, entities: [makeEntity(ARENA_SCHEMA, 42, 'player', { pos: [3, 2], angle: 0, hp: 90 })] };
    ws.receive(snapshotBytes({ ack: 5, schema: null, body: writeDelta(ARENA_SCHEMA, { baseline: w1 }, w2), pace: 3 }));
    assert.equal(heard.snapshots.length, 2);
    assert.deepEqual(heard.snapshots[1].world, w2);
    assert.equal(heard.snapshots[1].previous, heard.snapshots[0].world);
    assert.equal(conn.session?.lastAck, 5);
    assert.equal(conn.session?.inputs.pace, 3);
    // A full snapshot of another schema: never a world from it.
    ws.receive(snapshotBytes({ ack: 6, schema: 1n, body: writeDelta(ARENA_SCHEMA, {}, w1) }));
    assert.equal(heard.snapshots.length, 2);
    assert.match(statuses.at(-1).text, /another schema/);
    assert.equal(conn.session, null, 'the session ends with its socket');
    conn.stop();
  });
});

test('events, score lines, leaderboards and match results come decoded in the schema', () => {
  withTimers(() => {
    const { ws, conn, heard } = setup();
    ws.receive(welcomeBytes({ schema: ARENA_DESC }));
    ws.receive(encodeServerMsg({ type: 'Event', kind: 0, data: writeRecord(ARENA_SCHEMA.events[0], { killer: 7, victim: 9 }) }));
    assert.deepEqual(heard.events, [{ kind: 'kill', fields: { killer: 7, victim: 9 } }]);
    ws.receive(encodeServerMsg({ type: 'Scoreboard', entries: [{ entity: 7, name: 'ada', bot: false, columns: [3, 1] }] }));
    assert.deepEqual(heard.scores[0], [{ entity: 7, name: 'ada', bot: false, columns: [3, 1], byColumn: { kills: 3, deaths: 1 }, rating: 2 }]);
    ws.receive(encodeServerMsg({ type: 'Leaderboard', rows: [{ rank: 1, name: 'ada', rating: 9, matches: 2, best: 5, totals: [10, 1] }] }));
    assert.deepEqual(heard.boards[0][0].totalsByColumn, { kills: 10, deaths: 1 });
    ws.receive(encodeServerMsg({ type: 'MatchEnd', room: 1, game: 'arena', map: 'arena', started_ms: 1, ended_ms: 2, scores: [{ name: 'ada', bot: false, columns: [4, 2], rating: 2 }] }));
    assert.deepEqual(heard.ends[0].scores[0].byColumn, { kills: 4, deaths: 2 });
    conn.stop();
  });
});

test('close codes become reasons a player can read, and say whether to retry', () => {
  const c = closeCodes;
  assert.deepEqual(describeClose(c.SCHEMA_MISMATCH, 'tag', true).retry, false);
  assert.match(describeClose(c.SCHEMA_MISMATCH, 'tag', true).text, /built for another game.*: tag/);
  assert.match(describeClose(c.VERSION_MISMATCH, '', true).text, /another protocol version/);
  assert.equal(describeClose(c.VERSION_MISMATCH, '', true).retry, false);
  assert.match(describeClose(c.POLICY_VIOLATION, 'bad input record', true).text, /Kicked by the server \(1008\): bad input record/);
  assert.equal(describeClose(c.SERVER_FULL, '', true).retry, true);
  assert.match(describeClose(c.KICKED, 'cheating', true).text, /Removed by the server's operators: cheating/);
  assert.match(describeClose(c.ABNORMAL, '', false).text, /Cannot reach the server/);
  withTimers(() => {
    const { ws, conn, heard } = setup();
    ws.drop(c.SCHEMA_MISMATCH, 'this room runs tag');
    assert.equal(heard.statuses.at(-1).state, 'failed');
    assert.match(heard.statuses.at(-1).text, /this room runs tag/);
    mock.timers.tick(60000);
    assert.equal(FakeSocket.all.length, 1, 'not retried');
    conn.stop();
  });
});
