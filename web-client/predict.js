// Own-player prediction: a bit-exact port of the server's movement rule
// (crates/sim/src/movement.rs, constants from crates/sim/src/rules.rs) and the input history that
// reconciles the prediction with each snapshot.
//
// Every arithmetic operation is rounded to f32 with Math.fround, in the order the Rust code
// writes it: for + - * / and sqrt, rounding the exact f64 result to f32 equals the f32 result, so
// the port gives the same bits as the server. Keep this file in step with movement.rs; the
// predict_*.json vectors in tests/vectors/ check it.

import { DROPPED, EARLIER_INPUTS } from './messages.js';

const f = Math.fround;

/** Radius of a player or bot, in world units (rules::PLAYER_RADIUS). */
export const PLAYER_RADIUS = 14;
/** Top speed, units per second (rules::MAX_SPEED). */
export const MAX_SPEED = 220;
/** Velocity change per second while a key is held (rules::ACCELERATION). */
export const ACCELERATION = 1600;
/** Velocity decay per second when no key is held (rules::FRICTION). */
export const FRICTION = 1200;
/** f32 FRAC_1_SQRT_2, bits 0x3F3504F3 (rules::DIAGONAL_FACTOR). */
export const DIAGONAL_FACTOR = f(Math.SQRT1_2);
/** Wall resolution passes per tick (rules::COLLISION_PASSES). */
export const COLLISION_PASSES = 2;
/** Radius of a projectile (rules::PROJECTILE_RADIUS), for drawing. */
export const PROJECTILE_RADIUS = 4;
/** Hit points at spawn (rules::MAX_HP), for hp bars. */
export const MAX_HP = 100;

/** Fixed-point steps per world unit of positions on the wire (quant::POS_SCALE). */
export const POS_SCALE = 16;

/**
 * @typedef {{x: number, y: number, w: number, h: number}} Wall
 * @typedef {{width: number, height: number, walls: Wall[]}} MoveMap
 * @typedef {{move_x: number, move_y: number, aim?: number, fire?: boolean}} MoveInput
 * @typedef {{pos: [number, number], vel: [number, number]}} Body
 */

/**
 * A movement axis as the server reads it (server room.rs `to_sim_input`: over half a unit counts,
 * then sim input.rs takes the sign): -1, 0 or 1.
 * @param {number} v
 * @returns {number}
 */
export function axis(v) {
  return v > 0.5 ? 1 : v < -0.5 ? -1 : 0;
}

/**
 * The direction a movement input asks for (movement::move_direction).
 * @param {MoveInput} input
 * @returns {[number, number]}
 */
export function moveDirection(input) {
  const x = axis(input.move_x);
  const y = axis(input.move_y);
  if (x !== 0 && y !== 0) return [f(x * DIAGONAL_FACTOR), f(y * DIAGONAL_FACTOR)];
  return [x, y];
}

/**
 * One tick of movement (movement::move_player), bit-exact with the server.
 * @param {[number, number]} pos
 * @param {[number, number]} vel
 * @param {MoveInput} input
 * @param {number} dt seconds, an f32 (use `tickDt`)
 * @param {MoveMap} map
 * @returns {Body}
 */
export function movePlayer(pos, vel, input, dt, map) {
  const [dirX, dirY] = moveDirection(input);
  const targetX = f(dirX * MAX_SPEED);
  const targetY = f(dirY * MAX_SPEED);
  const rate = dirX === 0 && dirY === 0 ? FRICTION : ACCELERATION;
  const maxChange = f(rate * dt);

  const velX = f(vel[0]);
  const velY = f(vel[1]);
  const gapX = f(targetX - velX);
  const gapY = f(targetY - velY);
  const gap = f(Math.sqrt(f(f(gapX * gapX) + f(gapY * gapY))));
  let vx;
  let vy;
  if (gap <= maxChange) {
    vx = targetX;
    vy = targetY;
  } else {
    const k = f(maxChange / gap);
    vx = f(velX + f(gapX * k));
    vy = f(velY + f(gapY * k));
  }

  const speed = f(Math.sqrt(f(f(vx * vx) + f(vy * vy))));
  if (speed > MAX_SPEED) {
    const k = f(MAX_SPEED / speed);
    vx = f(vx * k);
    vy = f(vy * k);
  }

  const s = { px: f(f(pos[0]) + f(vx * dt)), py: f(f(pos[1]) + f(vy * dt)), vx, vy };
  const r = PLAYER_RADIUS;
  for (let pass = 0; pass < COLLISION_PASSES; pass++) {
    for (const wall of map.walls) pushOutOfWall(wall, r, s);
  }

  const maxX = f(map.width - r);
  const maxY = f(map.height - r);
  if (s.px < r) {
    s.px = r;
    s.vx = Math.max(s.vx, 0);
  }
  if (s.px > maxX) {
    s.px = maxX;
    s.vx = Math.min(s.vx, 0);
  }
  if (s.py < r) {
    s.py = r;
    s.vy = Math.max(s.vy, 0);
  }
  if (s.py > maxY) {
    s.py = maxY;
    s.vy = Math.min(s.vy, 0);
  }
  return { pos: [s.px, s.py], vel: [s.vx, s.vy] };
}

/**
 * Pushes the circle out of one wall and removes the velocity into it (movement::push_out_of_wall).
 * @param {Wall} wall
 * @param {number} r
 * @param {{px: number, py: number, vx: number, vy: number}} s updated in place
 */
function pushOutOfWall(wall, r, s) {
  const wx = f(wall.x);
  const wy = f(wall.y);
  const right = f(wx + f(wall.w));
  const bottom = f(wy + f(wall.h));
  const cx = Math.min(Math.max(s.px, wx), right);
  const cy = Math.min(Math.max(s.py, wy), bottom);
  const dx = f(s.px - cx);
  const dy = f(s.py - cy);
  const d2 = f(f(dx * dx) + f(dy * dy));
  if (d2 >= f(r * r)) return;
  let nx;
  let ny;
  if (d2 > 0) {
    const d = f(Math.sqrt(d2));
    nx = f(dx / d);
    ny = f(dy / d);
    s.px = f(cx + f(nx * r));
    s.py = f(cy + f(ny * r));
  } else {
    const left = f(s.px - wx);
    const toRight = f(right - s.px);
    const top = f(s.py - wy);
    const toBottom = f(bottom - s.py);
    const m = Math.min(Math.min(Math.min(left, toRight), top), toBottom);
    if (left === m) {
      nx = -1;
      ny = 0;
      s.px = f(wx - r);
    } else if (toRight === m) {
      nx = 1;
      ny = 0;
      s.px = f(right + r);
    } else if (top === m) {
      nx = 0;
      ny = -1;
      s.py = f(wy - r);
    } else {
      nx = 0;
      ny = 1;
      s.py = f(bottom + r);
    }
  }
  const into = f(f(s.vx * nx) + f(s.vy * ny));
  if (into < 0) {
    s.vx = f(s.vx - f(nx * into));
    s.vy = f(s.vy - f(ny * into));
  }
}

/**
 * The f32 tick length the server uses for a tick rate.
 * @param {number} tickRate ticks per second
 * @returns {number}
 */
export function tickDt(tickRate) {
  return f(1 / f(tickRate));
}

/**
 * Quantizes a world coordinate like the server (quant::pos_to_fixed: round half away from zero).
 * @param {number} v
 * @returns {number}
 */
export function posToFixed(v) {
  if (!Number.isFinite(v)) return 0;
  const s = f(v * POS_SCALE);
  const r = Math.sign(s) * Math.round(Math.abs(s));
  return Math.max(-2147483648, Math.min(2147483647, r));
}

/**
 * @typedef {{seq: number, input: MoveInput, pos: [number, number], vel: [number, number], applied?: number}} HistoryEntry
 *   The predicted state right after the input `seq` was applied and then repeated `applied`
 *   times (0 but for the oldest entry, the base the last snapshot left).
 * @typedef {{corrected: boolean, snapped: boolean, errorUnits: number}} ReconcileResult
 */

/** Corrections longer than this (world units) are snapped instead of smoothed. */
export const SNAP_DISTANCE = 48;
/** Time constant of the visual smoothing of small corrections, in ms. */
export const SMOOTHING_MS = 100;
/** Inputs kept while unacknowledged (about 4 s at 60 Hz); older ones are dropped. */
export const HISTORY_MAX = 256;
/** Repeats run at most when reconciling; the player is at rest long before. */
const MAX_REPLAYED_REPEATS = 600;

/**
 * Repeats of a missing input the server makes before it applies a neutral one instead
 * (protocol input_ack.rs `repeats_before_neutral`): half a second of ticks.
 * @param {number} tickRate
 * @returns {number}
 */
export function repeatsBeforeNeutral(tickRate) {
  return Math.max(1, Math.floor(tickRate / 2));
}

/** What a repeat turns into once an input has been missing for long: no movement, no fire. */
const NEUTRAL = { move_x: 0, move_y: 0, fire: false };

/**
 * True when applying `a` does what applying `b` does: the same movement and fire, and the same
 * aim for a shot (the server's input_buffer.rs `same_intent`).
 * @param {MoveInput} a
 * @param {MoveInput} b
 * @returns {boolean}
 */
export function sameIntent(a, b) {
  const fire = !!a.fire;
  return a.move_x === b.move_x && a.move_y === b.move_y && fire === !!b.fire && (!fire || a.aim === b.aim);
}

/**
 * Predicts the own player from local inputs and reconciles with the server's acked state.
 *
 * `step` applies one input per tick and records the result under its sequence number.
 * `reconcile(ack, x, y)` compares the server's position after input `ack` with the recorded
 * prediction; when they differ (by more than the wire's quantization), it restarts from the
 * server position with the velocity recorded for `ack` and replays every input after `ack`.
 * A small correction is hidden by a decaying visual offset; a large one snaps.
 */
export class Predictor {
  /**
   * @param {MoveMap} map
   * @param {number} dt the f32 tick length (tickDt)
   */
  constructor(map, dt) {
    this.map = map;
    this.dt = dt;
    /** Sequence number the next input gets. */
    this.nextSeq = 1;
    /** @type {HistoryEntry[]} unacknowledged inputs (and the last acked one), oldest first */
    this.history = [];
    /** @type {[number, number]} */
    this.pos = [0, 0];
    /** @type {[number, number]} */
    this.vel = [0, 0];
    /** @type {[number, number]} position one tick before `pos`, for drawing between ticks */
    this.prevPos = [0, 0];
    /** @type {[number, number]} visual offset that hides a small correction, decays to 0 */
    this.offset = [0, 0];
    /** Whether the state has been set from the server at least once. */
    this.ready = false;
    /** When true, steps record inputs without moving (dead player). */
    this.frozen = false;
    /** Distance between the prediction and the server at the last acked input, world units. */
    this.lastError = 0;
    /** The same, in quantization steps (1/16 unit), comparing quantized positions: 0 is exact. */
    this.lastErrorSteps = 0;
    /** Replays that moved the prediction, since the start. */
    this.corrections = 0;
    /** How far the last such replay moved it, world units. */
    this.lastCorrection = 0;
    /** The largest such move since the start (or since a caller reset it). */
    this.maxCorrection = 0;
    /** Repeats of a missing input the server makes before it applies a neutral one. */
    this.neutralAfter = repeatsBeforeNeutral(Math.round(1 / dt));
  }

  /**
   * Sets the state from the server and forgets the history (spawn, respawn, teleport).
   * @param {[number, number]} pos
   * @param {[number, number]} [vel]
   */
  reset(pos, vel = [0, 0]) {
    this.pos = [f(pos[0]), f(pos[1])];
    this.vel = [f(vel[0]), f(vel[1])];
    this.prevPos = [this.pos[0], this.pos[1]];
    this.offset = [0, 0];
    this.history = [];
    this.ready = true;
  }

  /**
   * Applies one input locally and records it; returns its sequence number (send it with the input).
   * @param {MoveInput} input
   * @returns {number}
   */
  step(input) {
    const seq = this.nextSeq;
    this.nextSeq = (this.nextSeq + 1) >>> 0;
    this.prevPos = [this.pos[0], this.pos[1]];
    if (this.ready && !this.frozen) {
      const next = movePlayer(this.pos, this.vel, input, this.dt, this.map);
      this.pos = next.pos;
      this.vel = next.vel;
    }
    this.history.push({ seq, input: { ...input }, pos: [this.pos[0], this.pos[1]], vel: [this.vel[0], this.vel[1]] });
    if (this.history.length > HISTORY_MAX) this.history.splice(0, this.history.length - HISTORY_MAX);
    return seq;
  }

  /**
   * Reconciles with a snapshot. The server applied input `ack` last, then `repeats` more ticks of
   * it (a repeat when no newer input had arrived; past `repeatsBeforeNeutral`, a neutral input),
   * and `earlier` says how often each of the inputs before `ack` was repeated (`DROPPED`: never
   * applied). Starting from the state the last snapshot left us (exact, when it agreed) and
   * running our inputs by these counts lands exactly on the server's state; then every later
   * input is replayed on top of it, but for the `repeats` right after `ack`, which the server's
   * repeats stood in for (it drops them when they come late). When the server's rule cannot be followed (a gap longer than
   * the counts cover), the snapshot's quantized position is taken instead.
   * @param {number} ack last input seq the server applied fresh (0 = none)
   * @param {number} serverX fixed-point x from the snapshot
   * @param {number} serverY fixed-point y from the snapshot
   * @param {number} [repeats] ticks the server applied `ack` again since
   * @param {number[]} [earlier] repeats of the inputs `ack - 1`, `ack - 2`, ...
   * @returns {ReconcileResult}
   */
  reconcile(ack, serverX, serverY, repeats = 0, earlier = []) {
    const server = /** @type {[number, number]} */ ([f(serverX / POS_SCALE), f(serverY / POS_SCALE)]);
    if (!this.ready) {
      this.reset(server);
      return { corrected: true, snapped: true, errorUnits: 0 };
    }
    const i = this.history.findIndex((h) => h.seq === ack);
    /** @type {[number, number]} */
    let pos;
    /** @type {[number, number]} */
    let vel;
    if (i >= 0 && ((ack - this.history[0].seq) >>> 0) <= EARLIER_INPUTS) {
      const count = (/** @type {number} */ seq) => (seq === ack ? repeats : earlier[ack - seq - 1] ?? 0);
      const h0 = this.history[0];
      /** @type {Body} */
      let body = { pos: h0.pos, vel: h0.vel };
      for (let k = 0; k <= i; k++) {
        const h = this.history[k];
        const n = count(h.seq);
        if (n === DROPPED) continue;
        if (k > 0 && !this.frozen) body = movePlayer(body.pos, body.vel, h.input, this.dt, this.map);
        const done = k === 0 ? h.applied ?? 0 : 0;
        if (n > done) body = this.runRepeats(body, h.input, done + 1, n);
      }
      this.lastError = Math.hypot(body.pos[0] - server[0], body.pos[1] - server[1]);
      this.lastErrorSteps = Math.max(
        Math.abs(posToFixed(body.pos[0]) - serverX),
        Math.abs(posToFixed(body.pos[1]) - serverY),
      );
      // Within one quantization step of the server's (quantized) position, the unquantized state
      // is the server's exactly: keep it. Otherwise start again from the server's position.
      const step = 1 / POS_SCALE;
      const agrees = Math.abs(body.pos[0] - server[0]) <= step && Math.abs(body.pos[1] - server[1]) <= step;
      pos = agrees ? body.pos : server;
      vel = body.vel;
    } else if (i >= 0) {
      // Too far back for the counts: the server's position, our velocity there.
      const e = this.history[i];
      this.lastError = Math.hypot(e.pos[0] - server[0], e.pos[1] - server[1]);
      this.lastErrorSteps = Math.max(Math.abs(posToFixed(e.pos[0]) - serverX), Math.abs(posToFixed(e.pos[1]) - serverY));
      pos = server;
      vel = [e.vel[0], e.vel[1]];
    } else {
      // The acked input is not in the history (none applied yet, or it fell out): every input we
      // hold that is newer than `ack` is still to be applied on top of the server position.
      this.history = this.history.filter((h) => ((h.seq - ack) | 0) > 0);
      pos = server;
      vel = [this.vel[0], this.vel[1]];
      this.lastError = 0;
      this.lastErrorSteps = 0;
    }
    let from = 0;
    if (i >= 0) {
      this.history.splice(0, i);
      const base = this.history[0];
      base.pos = [pos[0], pos[1]];
      base.vel = [vel[0], vel[1]];
      base.applied = repeats;
      from = 1;
    }

    const oldPos = this.pos;
    let prev = pos;
    // The server's repeats stood in for the inputs right after `ack`: their slots are gone. The
    // server drops each when it comes if the repeat did what it asks for, and takes the first
    // that asks for something else, a tick late, after which none is late (the server's
    // InputBuffer::take_due). The replay does the same.
    let late = from === 1;
    for (let k = from; k < this.history.length; k++) {
      const h = this.history[k];
      prev = pos;
      const slot = (h.seq - ack) >>> 0;
      late = late && slot <= repeats;
      const stoodIn = late && sameIntent(h.input, slot <= this.neutralAfter ? this.history[0].input : NEUTRAL);
      if (late && !stoodIn) late = false;
      if (!this.frozen && !stoodIn) {
        const next = movePlayer(pos, vel, h.input, this.dt, this.map);
        pos = next.pos;
        vel = next.vel;
      }
      h.pos = [pos[0], pos[1]];
      h.vel = [vel[0], vel[1]];
      h.applied = 0;
    }
    const moved = Math.hypot(pos[0] - oldPos[0], pos[1] - oldPos[1]);
    if (i < 0) this.lastError = moved;
    if (moved > 0) {
      this.corrections++;
      this.lastCorrection = moved;
      this.maxCorrection = Math.max(this.maxCorrection, moved);
    }
    const snapped = moved > SNAP_DISTANCE;
    if (snapped) {
      this.offset = [0, 0];
    } else {
      this.offset = [this.offset[0] + oldPos[0] - pos[0], this.offset[1] + oldPos[1] - pos[1]];
    }
    this.pos = pos;
    this.vel = vel;
    if (moved > 0) this.prevPos = snapped ? [pos[0], pos[1]] : prev;
    return { corrected: moved > 0, snapped, errorUnits: this.lastError };
  }

  /**
   * `body` after the repeats numbered `from..to` of `input` under the server's rule.
   * @param {Body} body
   * @param {MoveInput} input
   * @param {number} from 1-based
   * @param {number} to
   * @returns {Body}
   */
  runRepeats(body, input, from, to) {
    if (this.frozen) return body;
    const neutral = { move_x: 0, move_y: 0 };
    // Past a few seconds of neutral input the player is at rest: more ticks change nothing.
    const last = Math.min(to, from + MAX_REPLAYED_REPEATS);
    for (let k = from; k <= last; k++) {
      body = movePlayer(body.pos, body.vel, k <= this.neutralAfter ? input : neutral, this.dt, this.map);
    }
    return body;
  }

  /**
   * Lets the correction offset decay.
   * @param {number} elapsedMs
   */
  decay(elapsedMs) {
    const k = Math.exp(-elapsedMs / SMOOTHING_MS);
    this.offset = [this.offset[0] * k, this.offset[1] * k];
    if (Math.hypot(this.offset[0], this.offset[1]) < 0.01) this.offset = [0, 0];
  }

  /**
   * Where to draw the player: between the last two ticks, plus the smoothing offset.
   * @param {number} alpha fraction of the current tick elapsed, 0..1
   * @returns {{x: number, y: number}}
   */
  renderPosition(alpha) {
    const a = Math.min(1, Math.max(0, alpha));
    return {
      x: this.prevPos[0] + (this.pos[0] - this.prevPos[0]) * a + this.offset[0],
      y: this.prevPos[1] + (this.pos[1] - this.prevPos[1]) * a + this.offset[1],
    };
  }
}
