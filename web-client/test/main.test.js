// Smoke test of the whole page in Node: a fake DOM and socket, a server that welcomes and sends
// snapshots, and frames driven by hand. Checks the wiring and the window.tickwire hook.

import { mock, test } from 'node:test';
import assert from 'node:assert/strict';

import { BaselineError, PROTOCOL_VERSION, applyDelta, decodeClientMsg, makeEntity, readRecord, writeDelta, writeRecord } from '../netcode/index.js';
import { ARENA_DESC, ARENA_SCHEMA } from '../arena_schema.js';
import { FakeSocket, fakeElement } from './fakes.js';
import { encodeServerMsg, snapshotBytes, welcomeBytes } from './wire.js';

/** A Snapshot of the arena's schema. @param {number} ack @param {Uint8Array} body */
function snapshotMsg(ack, body) {
  return snapshotBytes({ ack, schema: ack === 0 ? ARENA_SCHEMA.hash : null, body });
}

/** A world of the arena's schema: entities [id, x, y, kind?] in world units. */
function arenaWorld(tick, ...entities) {
  const e = ([id, x, y, kind = 'player']) => makeEntity(ARENA_SCHEMA, id, kind, { pos: [x, y], angle: 0, hp: 100 });
  return { tick, entities: entities.map(e) };
}

/** What window.tickwire.world() shows of an arena world. */
function seen(world) {
  return world.entities.map((e) => ({ id: e.id, kind: ARENA_DESC.kinds[e.kind].name, x: e.slots[0], y: e.slots[1], angle: e.slots[2], hp: e.slots[3] }));
}

test('the page joins, predicts, sends inputs and exposes window.tickwire', async () => {
  const elements = new Map();
  /** @type {((t: number) => void)[]} */
  const frames = [];
  let now = 0;
  Object.assign(globalThis, {
    window: { addEventListener() {}, innerWidth: 1280, innerHeight: 720, devicePixelRatio: 1 },
    document: {
      getElementById: (id) => elements.get(id) ?? elements.set(id, fakeElement()).get(id),
      createElement: () => fakeElement(),
      createTextNode: () => fakeElement(),
      body: fakeElement(),
    },
    location: { protocol: 'http:', host: 'localhost:8080', search: '?name=ada' },
    localStorage: { getItem: () => null, setItem() {} },
    HTMLElement: class {},
    WebSocket: FakeSocket,
    requestAnimationFrame: (cb) => frames.push(cb),
    // The server's admission check lets every socket in; the rooms API knows no match clock.
    fetch: async (url) => {
      checks.push(String(url));
      const answer = String(url).includes('/ws/check') ? { ok: true } : String(url) === '/rooms' ? { game: 'arena', maps: [], rooms: [] } : {};
      return { ok: true, json: async () => answer };
    },
  });
  /** The admission checks and rooms API calls the page made. @type {string[]} */
  const checks = [];
  /** Lets the page's pending promises (the admission check) settle. */
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  const realNow = performance.now.bind(performance);
  performance.now = () => now;
  // Fake timers: pings and reconnection retries must not keep the test process alive.
  mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  try {
    FakeSocket.all = [];
    await import('../main.js');
    await settle();
    assert.deepEqual(checks.filter((u) => u.includes('/ws/check')), ['http://localhost:8080/ws/check'], 'the page asks the admission check before its socket');
    const tw = globalThis.window.tickwire;
    assert.equal(tw.stats().connected, false);
    assert.equal(tw.stats().worldTick, null, 'no world before the first snapshot');
    const ws = FakeSocket.all[0];
    assert.equal(ws.url, 'ws://localhost:8080/ws');
    ws.open();
    assert.deepEqual(decodeClientMsg(ws.sent[0]), {
      type: 'Hello',
      protocol_version: PROTOCOL_VERSION,
      name: 'ada',
      resume: null,
      schema: ARENA_SCHEMA.hash,
    }, "the Hello names the arena's schema");

    // Entity 42, tick 1000000, 60/30 Hz, map 640 x 480.5 with one wall.
    const wall = makeEntity(ARENA_SCHEMA, 1, 'wall', { min: [200, 0], size: [16, 100] });
    ws.receive(welcomeBytes({ schema: ARENA_DESC, features: writeDelta(ARENA_SCHEMA, {}, { tick: 0, entities: [wall] }) }));
    assert.equal(tw.schema().game, 'arena');
    assert.equal(tw.schema().hash, ARENA_SCHEMA.hash.toString(16).padStart(16, '0'));
    // Every session subscribes to the leaderboard and keeps what the server pushes.
    assert.ok(ws.sent.map(decodeClientMsg).some((m) => m.type === 'Subscribe' && m.leaderboard));
    const rows = [
      { rank: 1, name: 'ada', rating: 300, matches: 12, best: 41, totals: [400, 100] },
      { rank: 2, name: 'Zoë', rating: -3, matches: 1, best: -3, totals: [2, 5] },
    ];
    ws.receive(encodeServerMsg({ type: 'Leaderboard', rows }));
    assert.deepEqual(tw.leaderboard().rows.map((r) => r.name), ['ada', 'Zoë']);
    assert.deepEqual(tw.leaderboard().rows[0].totalsByColumn, { kills: 400, deaths: 100 });
    assert.equal(tw.leaderboard().updates, 1);
    const scores = [{ name: 'ada', bot: false, columns: [7, 1], rating: 6 }];
    ws.receive(encodeServerMsg({ type: 'MatchEnd', room: 3, game: 'arena', map: 'arena', started_ms: 1, ended_ms: 300001, scores }));
    assert.equal(tw.results().last.room, 3);
    assert.equal(tw.results().visible, true);
    assert.equal(tw.leaderboard().visible, true, 'the results screen opens the leaderboard');
    const S = ARENA_SCHEMA;
    let world = arenaWorld(1000002, [7, 300, 300, 'bot'], [42, 100, 100]);
    ws.receive(snapshotMsg(0, writeDelta(S, {}, world)));
    assert.equal(tw.stats().connected, true);
    assert.equal(tw.stats().entities, 2);
    assert.equal(tw.stats().worldTick, 1000002, 'the tick of the world the page holds');
    assert.deepEqual(tw.world(), seen(world));
    assert.deepEqual(tw.world()[0], { id: 7, kind: 'bot', x: 4800, y: 4800, angle: 0, hp: 100 });
    assert.deepEqual(tw.stats().ownPosition, { x: 100, y: 100 });

    // 0.5 s: one input per server tick from the input clock (a timer), whatever the frames do.
    const sentBefore = ws.sent.length;
    for (let i = 1; i <= 30; i++) {
      now = i * (1000 / 60) + 0.01;
      mock.timers.tick(1000 / 60);
      if (i % 3 === 0) frames.shift()(now);
    }
    const inputs = ws.sent.slice(sentBefore).map(decodeClientMsg).filter((m) => m.type === 'Input');
    assert.ok(inputs.length >= 29 && inputs.length <= 31, `${inputs.length} inputs in 0.5 s`);
    assert.deepEqual(inputs.map((m) => m.seq), inputs.map((_, i) => i + 1));
    // Each a record of the schema's input fields: no keys held, no fire.
    for (const m of inputs) {
      if (m.type !== 'Input') continue;
      const values = readRecord(ARENA_SCHEMA.input, m.data);
      assert.deepEqual([values.move_x, values.move_y, values.fire], [0, 0, false]);
    }

    // The scoreboard and the kill feed read the schema's columns and events by name.
    ws.receive(encodeServerMsg({ type: 'Scoreboard', entries: [{ entity: 42, name: 'ada', bot: false, columns: [3, 1] }, { entity: 7, name: 'bot-1', bot: true, columns: [1, 3] }] }));
    assert.deepEqual(tw.scores().map((e) => [e.name, e.kills, e.deaths, e.rating]), [['ada', 3, 1, 2], ['bot-1', 1, 3, -2]]);
    ws.receive(encodeServerMsg({ type: 'Event', kind: 0, data: writeRecord(ARENA_SCHEMA.events[0], { killer: 42, victim: 7 }) }));
    assert.equal(tw.stats().connected, true, 'an event of the schema is no reason to reconnect');

    // The server applied 10 inputs (no movement keys held): the prediction agrees.
    const prev = world;
    world = arenaWorld(1000004, [7, 310, 300, 'bot'], [42, 100, 100]);
    ws.receive(snapshotMsg(10, writeDelta(S, { baseline: prev }, world)));
    assert.equal(tw.lastAck(), 10);
    assert.equal(tw.stats().predictionErrorPx, 0);
    assert.deepEqual(tw.stats().ownPosition, { x: 100, y: 100 });
    // The bot keeps moving: a delta predicted from the world before the baseline applies too.
    const next = arenaWorld(1000006, [7, 320, 300, 'bot'], [42, 100, 100]);
    const predicted = writeDelta(S, { baseline: world, previous: prev }, next);
    assert.throws(() => applyDelta(S, predicted, { baseline: world }), BaselineError, 'the body uses motion prediction');
    ws.receive(snapshotMsg(10, predicted));
    assert.deepEqual(tw.world(), seen(next));
    world = next;
    const st = tw.stats();
    for (const k of ['connected', 'serverTick', 'entities', 'pingMs', 'kbpsIn', 'snapshotsPerSec', 'ownEntityId', 'ownPosition', 'predictionErrorPx', 'worldTick']) {
      assert.ok(k in st, k);
    }
    assert.equal(st.ownEntityId, 42);
    assert.equal(st.worldTick, 1000006);
    assert.ok(st.serverTick >= 1000000, `${st.serverTick}`);
    for (let i = 31; i <= 40; i++) {
      now = i * (1000 / 60) + 0.01;
      mock.timers.tick(1000 / 60);
      frames.shift()(now);
    }

    // A snapshot against a baseline we do not hold: the client reconnects for a full one.
    const stale = { tick: 5, entities: [] };
    const bad = writeDelta(S, { baseline: stale }, world);
    ws.receive(snapshotMsg(11, bad));
    assert.ok(ws.closedWith, 'dropped the broken session');
    assert.equal(tw.stats().connected, false);
    mock.timers.tick(700);
    await settle();
    assert.equal(FakeSocket.all.length, 2, 'reconnects, to start again from a full snapshot');

    // A snapshot of another schema than the Welcome's is never decoded: the page starts over.
    const ws2 = FakeSocket.all[1];
    ws2.open();
    ws2.receive(welcomeBytes({ schema: ARENA_DESC }));
    ws2.receive(snapshotBytes({ ack: 0, schema: S.hash ^ 1n, body: writeDelta(S, {}, world) }));
    assert.ok(ws2.closedWith, 'dropped the session');
    assert.equal(tw.stats().entities, 0);
    mock.timers.tick(1300);
    await settle();
    assert.equal(FakeSocket.all.length, 3, 'reconnects');

    // A Welcome of a game that lacks what the arena draws: a clear message, and no retry.
    const ws3 = FakeSocket.all[2];
    ws3.open();
    const tag = { ...ARENA_DESC, game: 'tag', kinds: ARENA_DESC.kinds.filter((k) => k.name !== 'projectile') };
    ws3.receive(welcomeBytes({ schema: tag }));
    assert.ok(ws3.closedWith, 'closed');
    assert.equal(ws3.closedWith.code, 1000);
    const status = globalThis.document.getElementById('status');
    assert.match(status.textContent, /cannot show this server's game: the server's game "tag" has no kind "projectile"/);
    assert.equal(tw.stats().connected, false);
    mock.timers.tick(60000);
    await settle();
    assert.equal(FakeSocket.all.length, 3, 'no retry');
  } finally {
    mock.timers.reset();
    performance.now = realNow;
  }
});
