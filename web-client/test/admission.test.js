// The admission check: before each socket the connection asks the server whether it would let
// the socket in (a browser's socket never sees an upgrade's refusal); a refusal is shown with its
// reason and retried only when it can pass.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { Connection, admissionCheckUrl, describeRefusal, readAdmission } from '../netcode/index.js';
import { FakeSocket } from './fakes.js';

/** Lets pending promises settle. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

test('the check is asked at /ws/check with the socket\'s query', () => {
  assert.equal(admissionCheckUrl('ws://h:8080/ws?room=3&key=k'), 'http://h:8080/ws/check?room=3&key=k');
  assert.equal(admissionCheckUrl('wss://game.example/ws?resume'), 'https://game.example/ws/check?resume');
  assert.equal(readAdmission({ ok: true }), null);
  assert.deepEqual(readAdmission({ ok: false, status: 401, reason: 'token expired' }), { status: 401, reason: 'token expired', retryAfter: null });
  assert.deepEqual(readAdmission({ ok: false, status: 429, reason: 'x', retry_after: 12 }), { status: 429, reason: 'x', retryAfter: 12 });
});

test('refusals that the same request meets again are final; the others wait and retry', () => {
  for (const status of [400, 401, 403, 404]) assert.equal(describeRefusal(status, 'why').retry, false, `${status}`);
  assert.match(describeRefusal(401, 'invalid join token: bad signature').text, /invalid join token: bad signature/);
  assert.deepEqual([describeRefusal(429, 'too many', 12).retry, describeRefusal(429, 'too many', 12).minDelayMs], [true, 12000]);
  assert.equal(describeRefusal(409, 'room 1 has its most spectators (2)').minDelayMs, 5000);
  assert.match(describeRefusal(503, 'the server is shutting down').text, /shutting down\. Retrying/);
});

/** A connection with the admission check, whose fetch answers `answer` (or throws). */
function checked(answer) {
  FakeSocket.all = [];
  const statuses = [];
  const asked = [];
  const conn = new Connection({
    url: 'ws://h/ws?room=2',
    name: 'ada',
    token: 'bad-token',
    admissionCheck: true,
    fetchImpl: /** @type {any} */ (async (url, init) => {
      asked.push({ url, auth: init.headers.authorization });
      if (answer === 'down') throw new TypeError('Failed to fetch');
      return { ok: true, json: async () => answer };
    }),
    WebSocketImpl: /** @type {any} */ (FakeSocket),
    storage: { getItem: () => null, setItem: () => {}, removeItem: () => {} },
    onStatus: (s) => statuses.push(s),
  });
  return { conn, statuses, asked };
}

test('a refused token is shown with its reason, and no socket is opened', async () => {
  const { conn, statuses, asked } = checked({ ok: false, status: 401, reason: 'invalid join token: bad signature' });
  conn.start();
  await settle();
  assert.deepEqual(asked, [{ url: 'http://h/ws/check?room=2', auth: 'Bearer bad-token' }]);
  assert.equal(FakeSocket.all.length, 0, 'no socket');
  const last = statuses.at(-1);
  assert.equal(last.state, 'failed');
  assert.match(last.text, /invalid join token: bad signature/);
  conn.stop();
});

test('a check that lets the socket in opens it; an unreachable server is retried', async () => {
  const ok = checked({ ok: true });
  ok.conn.start();
  await settle();
  assert.equal(FakeSocket.all.length, 1);
  assert.equal(FakeSocket.all[0].url, 'ws://h/ws?room=2');
  ok.conn.stop();
  const down = checked('down');
  down.conn.start();
  await settle();
  assert.equal(FakeSocket.all.length, 0);
  assert.equal(down.statuses.at(-1).state, 'waiting');
  assert.match(down.statuses.at(-1).text, /Cannot reach the server/);
  down.conn.stop();
});
