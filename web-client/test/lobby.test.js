// The lobby's pure parts (ages, share links, list lines) and its calls to the rooms API, with a
// minimal DOM.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import { Lobby, absoluteLink, ageText, recentCells, roomCells, shareLink } from '../lobby.js';

test('ages read as seconds, minutes or hours', () => {
  assert.equal(ageText(5), '5 s');
  assert.equal(ageText(125), '2 min');
  assert.equal(ageText(7300), '2 h');
});

test('a share link names the room, and keeps a private room key only for that room', () => {
  const page = { origin: 'https://game.example', search: '?room=3&key=abc&name=ada' };
  assert.equal(shareLink(page, 3), 'https://game.example/?room=3&key=abc');
  assert.equal(shareLink(page, 4), 'https://game.example/?room=4');
  assert.equal(shareLink({ origin: 'http://h:1', search: '' }, 1), 'http://h:1/?room=1');
});

test('a link the rooms API gives as a path is made absolute', () => {
  assert.equal(absoluteLink('/?room=2&key=k', 'http://h:8080'), 'http://h:8080/?room=2&key=k');
  assert.equal(absoluteLink('https://x/?room=1', 'http://h'), 'https://x/?room=1');
});

test('a list line shows players of capacity and spectators', () => {
  const room = { id: 2, game: 'arena', map: 'duel', players: 1, capacity: 4, age_seconds: 61, private: false, join: '/?room=2', spectate: '/?room=2&spectate=1' };
  assert.deepEqual(roomCells(room), ['#2', 'duel', '1/4', '1 min']);
  assert.deepEqual(roomCells({ ...room, spectators: 3 }), ['#2', 'duel', '1/4 · 3 watching', '1 min']);
});

/** A tiny DOM: elements that keep their children, attributes and text. */
function tinyDocument() {
  const make = (tag) => {
    const el = {
      tag,
      children: [],
      attrs: {},
      dataset: {},
      options: [],
      hidden: true,
      textContent: '',
      value: '',
      checked: false,
      listeners: {},
      setAttribute(k, v) {
        this.attrs[k] = v;
      },
      append(...xs) {
        this.children.push(...xs);
        if (tag === 'select') this.options.push(...xs);
      },
      replaceChildren(...xs) {
        this.children = [...xs];
        if (tag === 'select') this.options = [...xs];
      },
      addEventListener(type, fn) {
        this.listeners[type] = fn;
      },
    };
    return el;
  };
  return { createElement: make };
}

test('the lobby lists rooms from GET /rooms and creates one with POST /rooms', async () => {
  globalThis.document = /** @type {any} */ (tinyDocument());
  const root = /** @type {any} */ (document.createElement('div'));
  const calls = [];
  const list = {
    game: 'arena',
    maps: ['arena', 'duel'],
    rooms: [{ id: 1, game: 'arena', map: 'arena', players: 2, capacity: 32, spectators: 1, age_seconds: 30, private: false, join: '/?room=1', spectate: '/?room=1&spectate=1' }],
  };
  const fetchImpl = async (url, init) => {
    calls.push({ url, init });
    if (init?.method === 'POST') return { ok: true, status: 201, json: async () => ({ id: 2, private: true, join: '/?room=2&key=k' }) };
    return { ok: true, status: 200, json: async () => list };
  };
  let went = '';
  let created = '';
  const lobby = new Lobby({ root, currentRoom: () => null, fetchImpl, navigate: (u) => (went = u), onCreated: (j) => (created = j) });
  await lobby.refresh();
  const rows = root.children.find((c) => c.attrs.id === 'lobby-rooms').children;
  assert.equal(rows.length, 1);
  assert.equal(rows[0].dataset.room, '1');
  assert.deepEqual(rows[0].children.slice(0, 4).map((c) => c.textContent), ['#1', 'arena', '2/32 · 1 watching', '30 s']);
  assert.equal(lobby.mapSelect.options.length, 2);

  lobby.mapSelect.value = 'duel';
  lobby.capacity.value = '4';
  lobby.bots.value = '0';
  lobby.private.checked = true;
  await lobby.create();
  const post = calls.find((c) => c.init?.method === 'POST');
  assert.deepEqual(JSON.parse(post.init.body), { map: 'duel', capacity: 4, bots: 0, private: true });
  // The new room is confirmed with its share link to copy; the page does not leave by itself.
  assert.equal(created, '/?room=2&key=k');
  assert.equal(went, '');
  assert.equal(lobby.createdBox.hidden, false);
  const [title, row] = lobby.createdBox.children;
  assert.match(title.textContent, /Room #2 created \(private/);
  const [link, , play] = row.children;
  assert.equal(link.value, '/?room=2&key=k');
  play.listeners.click();
  assert.equal(went, '/?room=2&key=k', '"Play in it" goes to the room');
  lobby.close();
});

test('a refused creation shows the server\'s reason', async () => {
  globalThis.document = /** @type {any} */ (tinyDocument());
  const root = /** @type {any} */ (document.createElement('div'));
  const fetchImpl = async () => ({ ok: false, status: 400, json: async () => ({ error: 'capacity must be between 1 and 32' }) });
  const lobby = new Lobby({ root, currentRoom: () => null, fetchImpl, navigate: () => assert.fail('no navigation') });
  await lobby.create();
  assert.match(lobby.error.textContent, /capacity must be between 1 and 32/);
});

test('a recent match shows its map, players and age, and the lobby links it to Watch', async () => {
  const m = { id: 'ab12-3', game: 'arena', map: 'arena', started_ms: 0, ended_ms: 100_000, players: ['ada', 'bo'], replay: '/?replay=ab12-3' };
  assert.deepEqual(recentCells(m, 130_000), ['arena', 'ada, bo', '30 s ago']);
  assert.deepEqual(recentCells({ ...m, players: [] }, 100_000), ['arena', 'bots only', '0 s ago']);

  globalThis.document = /** @type {any} */ (tinyDocument());
  const root = /** @type {any} */ (document.createElement('div'));
  const list = { game: 'arena', maps: ['arena'], rooms: [] };
  let recent = [m];
  const fetchImpl = async (url) => {
    if (url === '/matches/recent') return { ok: true, status: 200, json: async () => recent };
    return { ok: true, status: 200, json: async () => list };
  };
  const lobby = new Lobby({ root, currentRoom: () => null, fetchImpl });
  await lobby.refresh();
  const box = root.children.find((c) => c.attrs.id === 'lobby-recent');
  assert.equal(box.hidden, false);
  const [, row] = box.children;
  assert.equal(row.dataset.match, 'ab12-3');
  const watch = row.children.at(-1);
  assert.equal(watch.textContent, 'Watch');
  assert.equal(watch.href, '/?replay=ab12-3');
  // Storage off: the list answers 503 and the section hides.
  recent = [];
  const off = async (url) =>
    url === '/matches/recent' ? { ok: false, status: 503, json: async () => ({}) } : { ok: true, status: 200, json: async () => list };
  lobby.fetch = off;
  await lobby.refresh();
  assert.equal(box.hidden, true);
  lobby.close();
});
