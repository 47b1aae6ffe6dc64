// The netcode package's connection: Hello on open, pings, reconnection with backoff, no retry
// after a version mismatch, and clear messages for each close code.

import { test, mock } from 'node:test';
import assert from 'node:assert/strict';

import {
  Connection,
  PROTOCOL_VERSION,
  backoffMs,
  decodeClientMsg,
  describeClose,
  fromHex as hexToBytes,
  gameSocketProtocols,
  gameSocketUrl,
  rttFromNonce,
} from '../netcode/index.js';
import { ARENA_DESC, ARENA_SCHEMA } from '../arena_schema.js';
import { FakeSocket } from './fakes.js';
import { loadVectors } from './vectors.js';
import { welcomeBytes } from './wire.js';

const hex = Object.fromEntries(loadVectors().map((v) => [v.name, v.hex]));
/** A Welcome of the arena's schema, with a resume token. */
const welcome = () => welcomeBytes({ schema: ARENA_DESC, resumeToken: '7-00112233445566778899aabbccddeeff' });

/** Runs `body` with fake timers: pings and retries must not keep the test process alive. */
function withTimers(body) {
  mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  try {
    body();
  } finally {
    mock.timers.reset();
  }
}

/** The connection gave up for good: failed, and no new socket a minute later. */
function assertGaveUp(statuses, sockets, why) {
  assert.equal(statuses.at(-1).state, 'failed');
  mock.timers.tick(60000);
  assert.equal(FakeSocket.all.length, sockets, `no reconnection after ${why}`);
}

function setup(schema = null) {
  FakeSocket.all = [];
  const statuses = [];
  const messages = [];
  const conn = new Connection({
    url: 'ws://example/ws',
    name: 'ada',
    schema,
    WebSocketImpl: /** @type {any} */ (FakeSocket),
    onMessage: (m) => messages.push(m),
    onStatus: (s) => statuses.push(s),
    now: () => 1000,
  });
  return { conn, statuses, messages };
}

test('the socket URL follows the page scheme', () => {
  assert.equal(gameSocketUrl({ protocol: 'http:', host: 'h:8080' }), 'ws://h:8080/ws');
  assert.equal(gameSocketUrl({ protocol: 'https:', host: 'game.example' }), 'wss://game.example/ws');
  const page = { protocol: 'https:', host: 'g.example', search: '?name=ada&token=a.b-c_d.e' };
  assert.equal(gameSocketUrl(page), 'wss://g.example/ws', 'a join token stays out of the URL');
  assert.deepEqual(gameSocketProtocols(page), ['tickwire.token', 'a.b-c_d.e'], 'it goes in the protocols');
  assert.equal(gameSocketProtocols({ search: '?token=' }), undefined);
  assert.equal(gameSocketUrl({ protocol: 'http:', host: 'h', search: '?token=' }), 'ws://h/ws');
  assert.equal(
    gameSocketUrl({ protocol: 'http:', host: 'h', search: '?name=x&room=3&spectate=1' }),
    'ws://h/ws?room=3&spectate=1',
    'a room and spectating are passed on',
  );
});

test('a dropped connection comes back with its resume token; a refused token joins afresh', () => {
  withTimers(() => {
    const { conn, statuses } = setup();
    conn.start();
    let ws = FakeSocket.all[0];
    ws.open();
    ws.receive(welcome());
    const token = '7-00112233445566778899aabbccddeeff';
    assert.equal(conn.resumeToken(), token, "the Welcome's token is kept");
    ws.drop(1006);
    mock.timers.tick(1000);
    ws = FakeSocket.all[1];
    assert.equal(ws.url, 'ws://example/ws?resume');
    assert.ok(statuses.some((s) => s.text === 'Reconnecting…'), 'a short reconnecting state');
    ws.open();
    assert.deepEqual(decodeClientMsg(ws.sent[0]), { type: 'Hello', protocol_version: PROTOCOL_VERSION, name: 'ada', resume: token, schema: null });
    ws.drop(4010, 'the seat is gone');
    assert.equal(conn.resumeToken(), null, 'a refused token is forgotten');
    mock.timers.tick(1500);
    ws = FakeSocket.all[2];
    assert.equal(ws.url, 'ws://example/ws');
    ws.open();
    assert.equal(decodeClientMsg(ws.sent[0]).resume, null);
    conn.stop();
  });
});

test('hello on open, then messages are decoded and handed over', () => {
  withTimers(() => {
    const { conn, messages, statuses } = setup();
    conn.start();
    const ws = FakeSocket.all[0];
    ws.open();
    const hello = decodeClientMsg(ws.sent[0]);
    assert.deepEqual(hello, { type: 'Hello', protocol_version: PROTOCOL_VERSION, name: 'ada', resume: null, schema: null });
    assert.equal(decodeClientMsg(ws.sent[1]).type, 'Ping');
    ws.receive(welcome());
    assert.equal(messages[0].type, 'Welcome');
    assert.equal(statuses.at(-1).state, 'playing');
    mock.timers.tick(1000);
    assert.equal(decodeClientMsg(ws.sent.at(-1)).type, 'Ping', 'a ping every second');
    conn.stop();
  });
});

test('a dropped connection reconnects with backoff; a version mismatch does not', () => {
  withTimers(() => {
    const { conn, statuses } = setup();
    conn.start();
    FakeSocket.all[0].open();
    FakeSocket.all[0].drop(1006);
    assert.equal(statuses.at(-1).state, 'waiting');
    assert.match(statuses.at(-1).text, /Connection lost/);
    mock.timers.tick(700); // first retry: 500 ms ± 20 %
    assert.equal(FakeSocket.all.length, 2, 'reconnected');

    // Unreachable: never opens.
    FakeSocket.all[1].drop(1006);
    assert.match(statuses.at(-1).text, /Cannot reach/);
    mock.timers.tick(1300); // second retry: 1 s ± 20 %
    assert.equal(FakeSocket.all.length, 3);

    // Kicked for a version mismatch: the reason is shown and there is no retry.
    const ws = FakeSocket.all[2];
    ws.open();
    ws.receive(hexToBytes(hex.server_kick));
    ws.drop(4001, 'version');
    assert.match(statuses.at(-1).text, /protocol version 9 is not supported/);
    assertGaveUp(statuses, 3, '4001');
  });
});

test('an undecodable message restarts the connection', () => {
  withTimers(() => {
    const { conn, statuses } = setup();
    conn.start();
    const ws = FakeSocket.all[0];
    ws.open();
    ws.receive(Uint8Array.from([9, 9, 9]));
    assert.ok(ws.closedWith, 'closed the socket');
    assert.match(statuses.at(-1).text, /Bad message/);
    mock.timers.tick(700);
    assert.equal(FakeSocket.all.length, 2);
    conn.stop();
  });
});

test('a connection that is never welcomed times out and retries', () => {
  withTimers(() => {
    const { conn, statuses } = setup();
    conn.start();
    FakeSocket.all[0].open(); // TCP and upgrade fine, but no Welcome ever comes
    mock.timers.tick(5000);
    assert.ok(FakeSocket.all[0].closedWith, 'gave up on the silent socket');
    assert.match(statuses.at(-1).text, /did not answer/);
    mock.timers.tick(700);
    assert.equal(FakeSocket.all.length, 2);
    FakeSocket.all[1].open();
    FakeSocket.all[1].receive(welcome());
    mock.timers.tick(20000);
    assert.equal(FakeSocket.all.length, 2, 'a welcomed connection does not time out');
    assert.equal(conn.attempt, 0, 'backoff resets after a welcome');
    conn.stop();
  });
});

test('close codes map to clear messages', () => {
  assert.equal(describeClose(4002, 'the server is full', true).text, 'The server is full. Retrying…');
  assert.match(describeClose(4002, 'room closed', true).text, /full: room closed/);
  assert.equal(describeClose(4001, '', true).retry, false);
  assert.equal(describeClose(4006, 'idle for 60 s', true).retry, false, 'an idle player is not put back in a seat');
  assert.match(describeClose(4006, 'idle for 60 s', true).text, /idle/);
  assert.ok(describeClose(4002, '', true).minDelayMs >= 3000);
  assert.match(describeClose(1008, 'bad input', true).text, /bad input/);
  assert.match(describeClose(1001, '', true).text, /restarting/);
  assert.ok(backoffMs(0, 0, 0.5) === 500 && backoffMs(20, 0, 0.5) === 10000);
  assert.equal(rttFromNonce(4294967290, 4294967296 + 10), 16, 'rtt across nonce wrap');
});

test('a share link\'s room and key reach the socket; other page parameters do not', () => {
  const url = gameSocketUrl({ protocol: 'https:', host: 'g.example', search: '?room=7&key=abc&name=ada' });
  assert.equal(url, 'wss://g.example/ws?room=7&key=abc');
});

test('the Hello names the schema the page was built for; a server of another game is not retried', () => {
  withTimers(() => {
    const { conn, statuses } = setup(ARENA_SCHEMA.hash);
    conn.start();
    const ws = FakeSocket.all[0];
    ws.open();
    assert.equal(decodeClientMsg(ws.sent[0]).schema, ARENA_SCHEMA.hash);
    const reason = 'this room runs schema tag v1 (0x1f2e3d4c5b6a7988), the client was built for 0x0123456789abcdef';
    ws.drop(4014, reason);
    assert.match(statuses.at(-1).text, /built for another game/);
    assert.ok(statuses.at(-1).text.includes(reason), "the server's reason is shown");
    assertGaveUp(statuses, 1, '4014');
  });
});

test('a page that cannot play the welcomed game fails with its reason and closes', () => {
  withTimers(() => {
    const { conn, statuses } = setup();
    conn.start();
    const ws = FakeSocket.all[0];
    ws.open();
    ws.receive(welcome());
    conn.fail('This page cannot show this game.');
    assert.deepEqual(ws.closedWith, { code: 1000, reason: 'unsupported game' });
    assert.equal(statuses.at(-1).text, 'This page cannot show this game.');
    assertGaveUp(statuses, 1, 'a game the page cannot draw');
  });
});
