// @ts-check
// The own player's prediction: the netcode package's Predictor with the arena's movement as its
// step function (movement.js, bit-exact with the server), and the page's smoothing of
// corrections. The state is `{pos, vel}`; the server sends the position (quantized to 1/16 unit)
// and not the velocity, which the replay keeps. A small correction is hidden by a decaying visual
// offset; a large one snaps.

import { Predictor } from './netcode/index.js';
import { POS_SCALE, movePlayer, posToFixed, tickDt } from './movement.js';

/**
 * @typedef {import('./netcode/schema.js').Schema} Schema
 * @typedef {import('./netcode/record.js').RecordValues} RecordValues
 * @typedef {import('./movement.js').MoveMap} MoveMap
 * @typedef {import('./movement.js').Body} Body
 * @typedef {{corrected: boolean, snapped: boolean, errorUnits: number}} ReconcileResult
 */

/** Corrections longer than this (world units) are snapped instead of smoothed. */
export const SNAP_DISTANCE = 48;
/** Time constant of the visual smoothing of small corrections, in ms. */
export const SMOOTHING_MS = 100;

const f = Math.fround;

/**
 * The arena's side of prediction: its movement, and how its states compare.
 * @param {MoveMap} map
 * @returns {import('./netcode/predict.js').PredictGame<Body>}
 */
export function arenaGame(map) {
  return {
    step: (s, input, dt) => movePlayer(s.pos, s.vel, input, dt, map),
    // main.js reads the own entity itself (it also follows its hit points).
    read: () => null,
    // Within one quantization step of the server's (quantized) position, the unquantized state
    // is the server's exactly.
    agrees: (p, server) => Math.abs(p.pos[0] - server.pos[0]) <= 1 / POS_SCALE && Math.abs(p.pos[1] - server.pos[1]) <= 1 / POS_SCALE,
    correct: (p, server) => ({ pos: server.pos, vel: p.vel }),
    distance: (a, b) => Math.hypot(a.pos[0] - b.pos[0], a.pos[1] - b.pos[1]),
  };
}

/** The own player, predicted from its inputs, reconciled with each snapshot, smoothed. */
export class OwnPlayer {
  /**
   * @param {Schema} schema the room's (its input's intent rules)
   * @param {MoveMap} map
   * @param {number} tickRate
   */
  constructor(schema, map, tickRate) {
    /** @type {Predictor<Body>} */
    this.predictor = new Predictor({ schema, tickRate, dt: tickDt(tickRate), game: arenaGame(map) });
    /** @type {[number, number]} visual offset that hides a small correction, decays to 0 */
    this.offset = [0, 0];
    /** Distance between the prediction and the server at the last acked input, in quantization steps: 0 is exact. */
    this.lastErrorSteps = 0;
  }

  /** Whether the state has been set from the server at least once. */
  get ready() {
    return this.predictor.ready;
  }

  /** When true, inputs are recorded without moving (a dead player). */
  get frozen() {
    return this.predictor.frozen;
  }

  set frozen(v) {
    this.predictor.frozen = v;
  }

  /** How far the replay was from the server at the last acked input, world units. */
  get lastError() {
    return this.predictor.lastError;
  }

  /** Replays that moved the prediction, since the start (or since a caller reset it). */
  get corrections() {
    return this.predictor.corrections;
  }

  set corrections(v) {
    this.predictor.corrections = v;
  }

  /** How far the last such replay moved it, world units. */
  get lastCorrection() {
    return this.predictor.lastCorrection;
  }

  /** The largest such move since the start (or since a caller reset it). */
  get maxCorrection() {
    return this.predictor.maxCorrection;
  }

  set maxCorrection(v) {
    this.predictor.maxCorrection = v;
  }

  /** @returns {[number, number]} the predicted position after the last input */
  get pos() {
    return this.predictor.state?.pos ?? [0, 0];
  }

  /** @returns {[number, number]} the predicted velocity after the last input */
  get vel() {
    return this.predictor.state?.vel ?? [0, 0];
  }

  /** @returns {[number, number]} the position one tick before `pos` */
  get prevPos() {
    return this.predictor.prevState?.pos ?? this.pos;
  }

  /**
   * Sets the state from the server and forgets the history (spawn, respawn, teleport).
   * @param {[number, number]} pos
   * @param {[number, number]} [vel]
   */
  reset(pos, vel = [0, 0]) {
    this.predictor.reset({ pos: [f(pos[0]), f(pos[1])], vel: [f(vel[0]), f(vel[1])] });
    this.offset = [0, 0];
  }

  /**
   * Runs one input sent with `seq` (its values as the server reads them).
   * @param {number} seq @param {RecordValues} values
   */
  input(seq, values) {
    this.predictor.input(seq, values);
  }

  /**
   * Reconciles with a snapshot: the server's position (world units) after input `ack`, applied
   * then repeated `repeats` times, the inputs before it repeated as `earlier` says.
   * @param {number} ack @param {[number, number]} serverPos @param {number} [repeats] @param {number[]} [earlier]
   * @returns {ReconcileResult}
   */
  reconcile(ack, serverPos, repeats = 0, earlier = []) {
    const p = this.predictor;
    const server = { pos: /** @type {[number, number]} */ ([f(serverPos[0]), f(serverPos[1])]), vel: [0, 0] };
    if (!p.ready) {
      this.reset(server.pos);
      return { corrected: true, snapped: true, errorUnits: 0 };
    }
    const old = this.pos;
    const r = p.reconcile(/** @type {Body} */ (server), { ack, repeats, earlier });
    const check = p.lastCheck;
    this.lastErrorSteps = check
      ? Math.max(
          Math.abs(posToFixed(check.predicted.pos[0]) - posToFixed(check.server.pos[0])),
          Math.abs(posToFixed(check.predicted.pos[1]) - posToFixed(check.server.pos[1])),
        )
      : 0;
    const snapped = r.moved > SNAP_DISTANCE;
    const pos = this.pos;
    if (snapped) {
      this.offset = [0, 0];
      p.prevState = p.state;
    } else {
      this.offset = [this.offset[0] + old[0] - pos[0], this.offset[1] + old[1] - pos[1]];
    }
    return { corrected: r.corrected, snapped, errorUnits: p.lastError };
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
    const [prev, pos] = [this.prevPos, this.pos];
    return {
      x: prev[0] + (pos[0] - prev[0]) * a + this.offset[0],
      y: prev[1] + (pos[1] - prev[1]) * a + this.offset[1],
    };
  }
}
