// The arena page's view tick (lag compensation) in Node: a fake DOM and socket, a server that
// sends snapshots of a runner crossing the field, frames and the input timer driven by hand. Every
// input must name the server tick of the world the page drew of the others, for the server judges
// the input's shot against that tick. The render timeline can run ahead of the snapshots (they
// stopped for a moment, or the server stalled and lost that time, so that the next ones come
// "late" for good): the page then draws the others held at the extrapolation bound past the
// newest snapshot, and that is the world its inputs must name, not the render timeline's tick (a
// tick the server may not even have reached, which it takes for "now": no lag compensation).

import { mock, test } from 'node:test';
import assert from 'node:assert/strict';

import { decodeClientMsg, makeEntity, writeDelta } from '../netcode/index.js';
import { ARENA_DESC, ARENA_SCHEMA } from '../arena_schema.js';
import { MAX_EXTRAPOLATE_MS } from '../interp.js';
import { FakeSocket, fakeElement } from './fakes.js';
import { snapshotBytes, welcomeBytes } from './wire.js';

const TICK_RATE = 60;
const TICK_MS = 1000 / TICK_RATE;
/** The Welcome's tick. */
const START = 5000;
/** The runner's speed, world units a tick: about the arena's top speed (220 units a second), in
 * whole steps of the wire's 1/16 unit, so that every position travels exactly. */
const STEP = 58 / 16;
/** The most ticks past the newest snapshot the page extrapolates before it holds. */
const EXTRAPOLATE_TICKS = (MAX_EXTRAPOLATE_MS / 1000) * TICK_RATE;

/** Where the server has the runner at `tick`: crossing at top speed. @param {number} tick */
const runnerX = (tick) => 100 + (tick - START) * STEP;

/** The arena world of `tick`: the page's own player (42) standing, the runner (7) crossing. */
function world(tick) {
  const at = (id, x, y) => makeEntity(ARENA_SCHEMA, id, 'player', { pos: [x, y], angle: 0, hp: 100 });
  return { tick, entities: [at(7, runnerX(tick), 300), at(42, 50, 50)] };
}

test('inputs name the tick of the world drawn, also when the render timeline ran past the snapshots', async () => {
  /** @type {((t: number) => void)[]} */
  const frames = [];
  const elements = new Map();
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
    // The server's admission check lets the socket in; the rooms API knows no match clock.
    fetch: async (/** @type {string} */ url) => {
      const answer = String(url).includes('/ws/check') ? { ok: true } : String(url) === '/rooms' ? { game: 'arena', maps: [], rooms: [] } : {};
      return { ok: true, json: async () => answer };
    },
  });
  const realNow = performance.now.bind(performance);
  performance.now = () => now;
  mock.timers.enable({ apis: ['setTimeout', 'setInterval'] });
  try {
    FakeSocket.all = [];
    await import('../main.js');
    // Lets the page's admission check settle: its socket opens after it.
    await new Promise((resolve) => setImmediate(resolve));
    const tw = globalThis.window.tickwire;
    const ws = FakeSocket.all[0];
    ws.open();
    ws.receive(welcomeBytes({ schema: ARENA_DESC, tick: START, tickRate: TICK_RATE, snapshotRate: 30 }));

    /** The newest world sent, and how many client messages were looked at. */
    let newest = null;
    let read = 0;
    /** Each input with the newest tick the page had been sent when it left. */
    const inputs = [];
    /** Each frame: the view tick the page would send, and where it drew the runner. */
    const drawn = [];
    const send = (tick) => {
      const next = world(tick);
      const body = writeDelta(ARENA_SCHEMA, newest ? { baseline: newest } : {}, next);
      ws.receive(snapshotBytes({ ack: 0, schema: newest ? null : ARENA_SCHEMA.hash, body }));
      newest = next;
    };
    /** One tick of wall time: the input timer, a frame, and what the page sent. */
    const tick = () => {
      now += TICK_MS;
      mock.timers.tick(TICK_MS);
      frames.shift()(now);
      const runner = tw.shown().entities.find((e) => e.id === 7);
      if (runner) drawn.push({ view: tw.stats().viewTick, x: runner.x, newest: newest.tick });
      for (; read < ws.sent.length; read++) {
        const m = decodeClientMsg(ws.sent[read]);
        if (m.type === 'Input') inputs.push({ view: m.view_tick, newest: newest?.tick ?? 0 });
      }
    };

    // A second of play: a snapshot every other tick, sent at once (no latency, no jitter).
    let serverTick = START;
    for (let i = 0; i < TICK_RATE; i++) {
      serverTick++;
      if (serverTick % 2 === 0) send(serverTick);
      tick();
    }
    const steady = inputs.length;
    assert.ok(steady > 40, `${steady} inputs in the first second`);
    // The server stalls for 0.4 s (under the link watch's stall) and loses that time: its ticks
    // go on from where they stopped, so that every snapshot from then on comes "late" for the
    // page's render timeline, which never goes back.
    for (let i = 0; i < 0.4 * TICK_RATE; i++) tick();
    for (let i = 0; i < TICK_RATE; i++) {
      serverTick++;
      if (serverTick % 2 === 0) send(serverTick);
      tick();
    }
    assert.ok(tw.stats().renderTick > newest.tick + EXTRAPOLATE_TICKS, 'the render timeline is past the snapshots');

    for (const input of inputs.slice(10)) {
      assert.ok(
        input.view <= input.newest + EXTRAPOLATE_TICKS,
        `an input names tick ${input.view}, past the newest snapshot ${input.newest} and what the page drew of it`,
      );
      assert.ok(input.view >= input.newest - 10, `an input names tick ${input.view}, long before the newest ${input.newest}`);
    }
    // And that tick is the world drawn: the runner where the server had it then, within a tick's
    // motion (the view tick is whole, the tick drawn fractional; and a drawn entity that jumps
    // further than it can run in a frame is chased, not moved at once).
    for (const d of drawn.slice(10)) {
      const off = d.x - runnerX(d.view);
      assert.ok(Math.abs(off) <= STEP + 0.01, `runner drawn at ${d.x}, at ${runnerX(d.view)} on tick ${d.view}`);
    }
  } finally {
    mock.timers.reset();
    performance.now = realNow;
  }
});
