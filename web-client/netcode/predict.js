// @ts-check
// Prediction of the own entity, for any game: the game supplies its step function (one tick of
// its own rules, exactly as the server runs them) and how to read its own entity's state from a
// decoded world; the predictor runs each input as it is sent, keeps the unacknowledged ones, and
// on each snapshot replays exactly what the server applied.
//
// What the server applied (crates/protocol/src/input_ack.rs): input `ack` last, then `repeats`
// more ticks of it (a repeat when no newer input had arrived; past `repeatsBeforeNeutral`, the
// neutral input: `neutralSlots`), and `earlier` says how often each of the inputs before `ack`
// was repeated (`DROPPED`: never applied). Starting from the state the last snapshot left (exact,
// when it agreed) and running the inputs by these counts lands exactly on the server's state;
// then every later input is replayed on top of it, but for those the server's repeats stood in
// for: the server drops a late input when the repeat did what it asks for (the same-intent rule)
// and takes the first that asks for something else, a tick late, after which none is late (the
// server's InputBuffer::take_due). When the counts cannot be followed (a gap longer than they
// cover), the game's `correct` starts again from the server's state.
//
// Smoothing what a correction moves is the page's: `reconcile` says how far it moved.

import { neutralSlots, sameIntentSlots } from './intent.js';
import { DROPPED, EARLIER_INPUTS } from './messages.js';
import { readValues, writeValues } from './world.js';

/**
 * @typedef {import('./schema.js').Schema} Schema
 * @typedef {import('./world.js').World} World
 * @typedef {import('./record.js').RecordValues} RecordValues
 * @typedef {import('./record.js').RecordSlots} RecordSlots
 * @typedef {{ack: number, repeats?: number, earlier?: number[]}} InputAck
 *   a snapshot's acknowledgement (its `ack`, `repeats`, `earlier`)
 */

/**
 * The game's side of prediction, over its own state type S (which the predictor never looks
 * into).
 * @template S
 * @typedef {object} PredictGame
 * @property {(state: S, input: RecordValues, dt: number) => S} step one tick of the game's rules
 *   for the own entity, exactly as the server runs them (a new state; `state` is left as it was)
 * @property {(world: World) => S | null} read the own entity's state as a snapshot's world has it
 *   (quantized; what the server does not send, as the game best guesses it), or null when absent
 * @property {(predicted: S, server: S) => boolean} agrees whether the replayed state is the one
 *   the server quantized into `server` (then the replayed state, exact, is kept)
 * @property {(predicted: S, server: S) => S} correct the state to go on from when they disagree:
 *   the server's, with what it does not send taken from the prediction
 * @property {(a: S, b: S) => number} distance how far apart two states are (for corrections)
 */

/**
 * An input run by the predictor and the state right after it was applied and then repeated
 * `applied` times (0 but for the oldest entry, the base the last snapshot left).
 * @template S
 * @typedef {{seq: number, input: RecordValues, slots: RecordSlots, state: S, applied: number,
 *   neutral: RecordValues | null}} HistoryEntry
 */

/** Inputs kept while unacknowledged (about 4 s at 60 Hz); older ones are dropped. */
export const HISTORY_MAX = 256;
/** Repeats run at most when reconciling, by default: a player at rest long before. */
export const MAX_REPLAYED_REPEATS = 600;

/**
 * Repeats of a missing input the server makes before it applies a neutral one instead
 * (protocol input_ack.rs `repeats_before_neutral`): half a second of ticks.
 * @param {number} tickRate
 * @returns {number}
 */
export function repeatsBeforeNeutral(tickRate) {
  return Math.max(1, Math.floor(tickRate / 2));
}

/**
 * Predicts the own entity from the inputs sent, reconciling with each snapshot's
 * acknowledgement.
 * @template S
 */
export class Predictor {
  /**
   * @param {{schema: Schema, tickRate: number, dt: number, game: PredictGame<S>,
   *   historyMax?: number, maxReplayedRepeats?: number}} opts
   *   `dt`: the tick length the game's step takes (for the arena the f32 `1 / tick_rate`)
   */
  constructor(opts) {
    this.schema = opts.schema;
    this.game = opts.game;
    this.dt = opts.dt;
    this.historyMax = opts.historyMax ?? HISTORY_MAX;
    this.maxReplayedRepeats = opts.maxReplayedRepeats ?? MAX_REPLAYED_REPEATS;
    /** Repeats of a missing input the server makes before it applies a neutral one. */
    this.neutralAfter = repeatsBeforeNeutral(opts.tickRate);
    /** @type {HistoryEntry<S>[]} unacknowledged inputs (and the last acked one), oldest first */
    this.history = [];
    /** The predicted state after the last input, once `ready`. @type {S | null} */
    this.state = null;
    /** The state one tick before `state` (for drawing between ticks). @type {S | null} */
    this.prevState = null;
    /** Whether the state has been set from the server at least once. */
    this.ready = false;
    /** When true, inputs are recorded without changing the state (a dead entity). */
    this.frozen = false;
    /** How far the replay was from the server at the last acknowledged input (`distance`). */
    this.lastError = 0;
    /** The last comparison made: the replayed state and the server's. @type {{predicted: S, server: S} | null} */
    this.lastCheck = null;
    /** Replays that moved the prediction, since the start. */
    this.corrections = 0;
    /** How far the last such replay moved it. */
    this.lastCorrection = 0;
    /** The largest such move since the start (or since a caller reset it). */
    this.maxCorrection = 0;
  }

  /**
   * Sets the state from the server and forgets the history (spawn, respawn, teleport).
   * @param {S} state
   */
  reset(state) {
    this.state = state;
    this.prevState = state;
    this.history = [];
    this.ready = true;
  }

  /**
   * Runs one input sent with sequence number `seq` (its values as the server reads them: the
   * connection's `SentInput.values`) and records it. Nothing before the first `reset`.
   * @param {number} seq @param {RecordValues} values
   * @returns {S | null} the predicted state after it
   */
  input(seq, values) {
    if (!this.ready || this.state === null) return null;
    this.prevState = this.state;
    if (!this.frozen) this.state = this.game.step(this.state, values, this.dt);
    const slots = writeValues(this.schema.input.fields, values);
    this.history.push({ seq, input: values, slots, state: this.state, applied: 0, neutral: null });
    if (this.history.length > this.historyMax) this.history.splice(0, this.history.length - this.historyMax);
    return this.state;
  }

  /**
   * Reconciles with a snapshot's world: reads the own entity (`game.read`) and reconciles with
   * it, or starts from it when not ready yet. Null when the world does not hold it.
   * @param {World} world @param {InputAck} ack
   * @returns {{corrected: boolean, moved: number} | null}
   */
  update(world, ack) {
    const server = this.game.read(world);
    if (server === null) return null;
    if (!this.ready) {
      this.reset(server);
      return { corrected: true, moved: 0 };
    }
    return this.reconcile(server, ack);
  }

  /**
   * Reconciles with the server's state after input `ack.ack` (applied then repeated
   * `ack.repeats` times, the inputs before it repeated as `ack.earlier` says), replaying every
   * later input on top. Says whether the prediction moved, and how far (`distance`).
   * @param {S} server @param {InputAck} ack
   * @returns {{corrected: boolean, moved: number}}
   */
  reconcile(server, ack) {
    const seqAck = ack.ack >>> 0;
    const repeats = ack.repeats ?? 0;
    const earlier = ack.earlier ?? [];
    const game = this.game;
    if (!this.ready || this.state === null) {
      this.reset(server);
      return { corrected: true, moved: 0 };
    }
    const i = this.history.findIndex((h) => h.seq === seqAck);
    /** @type {S} */
    let state;
    if (i >= 0 && ((seqAck - this.history[0].seq) >>> 0) <= EARLIER_INPUTS) {
      const count = (/** @type {number} */ seq) => (seq === seqAck ? repeats : earlier[((seqAck - seq) >>> 0) - 1] ?? 0);
      let body = this.history[0].state;
      for (let k = 0; k <= i; k++) {
        const h = this.history[k];
        const n = count(h.seq);
        if (n === DROPPED) continue;
        if (k > 0 && !this.frozen) body = game.step(body, h.input, this.dt);
        const done = k === 0 ? h.applied : 0;
        if (n > done) body = this.runRepeats(body, h, done + 1, n);
      }
      this.lastError = game.distance(body, server);
      this.lastCheck = { predicted: body, server };
      // The replayed state, exact, when the server's quantized one is its own; otherwise the
      // server's, with what the server does not send taken from the replay.
      state = game.agrees(body, server) ? body : game.correct(body, server);
    } else if (i >= 0) {
      // Too far back for the counts: the server's state, the prediction's for the rest.
      const e = this.history[i];
      this.lastError = game.distance(e.state, server);
      this.lastCheck = { predicted: e.state, server };
      state = game.correct(e.state, server);
    } else {
      // The acked input is not in the history (none applied yet, or it fell out): every input
      // held that is newer than `ack` is still to be applied on top of the server's state.
      this.history = this.history.filter((h) => ((h.seq - seqAck) | 0) > 0);
      state = game.correct(this.state, server);
      this.lastCheck = null;
      this.lastError = 0;
    }
    let from = 0;
    if (i >= 0) {
      this.history.splice(0, i);
      const base = this.history[0];
      base.state = state;
      base.applied = repeats;
      from = 1;
    }

    const old = this.state;
    let prev = state;
    // The server's repeats stood in for the inputs right after `ack`: their slots are gone. The
    // server drops each when it comes if the repeat did what it asks for, and takes the first
    // that asks for something else, a tick late, after which none is late. The replay does the
    // same.
    let late = from === 1;
    for (let k = from; k < this.history.length; k++) {
      const h = this.history[k];
      prev = state;
      const slot = (h.seq - seqAck) >>> 0;
      late = late && slot <= repeats;
      const base = this.history[0];
      const stoodIn = late && sameIntentSlots(this.schema, h.slots, slot <= this.neutralAfter ? base.slots : neutralSlots(this.schema, base.slots));
      if (late && !stoodIn) late = false;
      if (!this.frozen && !stoodIn) state = game.step(state, h.input, this.dt);
      h.state = state;
      h.applied = 0;
    }
    const moved = game.distance(old, state);
    if (i < 0) this.lastError = moved;
    if (moved > 0) {
      this.corrections++;
      this.lastCorrection = moved;
      this.maxCorrection = Math.max(this.maxCorrection, moved);
      this.prevState = prev;
    }
    this.state = state;
    return { corrected: moved > 0, moved };
  }

  /**
   * `body` after the repeats numbered `from..to` of an input under the server's rule: the input
   * itself up to `neutralAfter`, then its neutral form.
   * @param {S} body @param {HistoryEntry<S>} h @param {number} from 1-based @param {number} to
   * @returns {S}
   */
  runRepeats(body, h, from, to) {
    if (this.frozen) return body;
    const last = Math.min(to, from + this.maxReplayedRepeats);
    for (let k = from; k <= last; k++) body = this.game.step(body, k <= this.neutralAfter ? h.input : this.neutralOf(h), this.dt);
    return body;
  }

  /**
   * The neutral input a history entry's repeats become.
   * @param {HistoryEntry<S>} h
   * @returns {RecordValues}
   */
  neutralOf(h) {
    if (!h.neutral) {
      const n = neutralSlots(this.schema, h.slots);
      h.neutral = readValues(this.schema.input.fields, n.slots, n.texts);
    }
    return h.neutral;
  }
}
