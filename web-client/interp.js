// Interpolation buffer for remote entities: keeps the last snapshots' worlds (netcode worlds of
// the Welcome's schema) by (unwrapped) tick and samples the world at a render tick between two of
// them. The blending is the package's (netcode/interp.js: every field the schema marks
// `interpolate`, angles the short way round); the arena's rules are here: what is a teleport, a
// death or a respawn (never blended), and that past the newest snapshot motion is extrapolated
// briefly, then held. Entities come out as arena_entities.js reads them: world units, radians.

import { interpolateEntity } from './netcode/index.js';
import { arenaEntity } from './arena_entities.js';

/** Top speeds of the arena's kinds, world units a second (sim rules.rs MAX_SPEED, PROJECTILE_SPEED). */
export const TOP_SPEED = /** @type {Record<string, number>} */ ({ player: 220, bot: 220, projectile: 600 });
/** Movement up to this many times the top speed (plus the margin) is blended; more is a teleport. */
const TELEPORT_SLACK = 1.5;
/** World units of slack for quantization and rounding. */
const TELEPORT_MARGIN = 2;
/** Motion is extrapolated past the newest snapshot for at most this long, then held. */
export const MAX_EXTRAPOLATE_MS = 100;

/**
 * @typedef {import('./arena_entities.js').ArenaEntity} EntityState
 * @typedef {import('./netcode/schema.js').Schema} Schema
 * @typedef {import('./netcode/world.js').World} World
 * @typedef {import('./netcode/world.js').Entity} Entity
 * @typedef {{id: number, kind: string, x: number, y: number, angle: number, hp: number, jump?: boolean, respawn?: boolean}} RenderEntity
 *   x, y in world units; angle in radians in (-pi, pi]; `jump`: not blended (a teleport, a
 *   death or a respawn), `respawn`: the server's respawn.
 * @typedef {{tick: number, byId: Map<number, Entity>, entities: Entity[]}} Frame
 */

export class InterpBuffer {
  /**
   * @param {Schema} schema the schema of the worlds pushed (the Welcome's)
   * @param {number} [capacity] snapshots kept
   * @param {number} [tickRate] server ticks per second
   */
  constructor(schema, capacity = 64, tickRate = 60) {
    this.schema = schema;
    this.capacity = capacity;
    this.tickRate = tickRate;
    /** Furthest past the newest snapshot that motion is extrapolated, in ticks; then it holds. */
    this.maxExtrapolateTicks = (MAX_EXTRAPOLATE_MS / 1000) * tickRate;
    /** @type {Frame[]} oldest first */
    this.frames = [];
    /** How far the last sample was past the newest snapshot, in ticks (0: interpolating). */
    this.extrapolatedTicks = 0;
    /** Samples that had to hold past the extrapolation bound. */
    this.holds = 0;
    /**
     * The tick of the world the last sample gave (fractional; null before any snapshot): the
     * render tick, or, where the sample stopped short of it, the oldest snapshot (a render tick
     * before them all) or the extrapolation bound past the newest (a render tick further on).
     * @type {number | null}
     */
    this.sampledTick = null;
  }

  /** Forgets every snapshot (reconnect). */
  clear() {
    this.frames = [];
  }

  /**
   * Adds a snapshot's world. Ticks must be unwrapped (monotonic numbers); an older or equal tick
   * is ignored.
   * @param {number} tick
   * @param {World} world
   */
  push(tick, world) {
    const last = this.frames[this.frames.length - 1];
    if (last && tick <= last.tick) return;
    const entities = world.entities;
    this.frames.push({ tick, entities, byId: new Map(entities.map((e) => [e.id, e])) });
    if (this.frames.length > this.capacity) this.frames.shift();
  }

  /** @returns {number | null} newest tick held */
  newestTick() {
    return this.frames.length ? this.frames[this.frames.length - 1].tick : null;
  }

  /**
   * Ticks of snapshots held ahead of `renderTick` (the buffer's depth; negative: extrapolating).
   * @param {number} renderTick
   */
  depthTicks(renderTick) {
    const newest = this.newestTick();
    return newest === null ? 0 : newest - renderTick;
  }

  /**
   * The view tick an input carries (lag compensation: the server judges its shot against the
   * world of that tick): the whole tick of the world the last sample gave; 0 (unknown) before
   * any. Not the render tick: the render timeline runs on past the snapshots when they stop for a
   * moment or the server lost time, while the others are drawn held at the extrapolation bound,
   * and a tick past that names a world the player never saw, perhaps one the server has not
   * reached yet (which it takes for the present: no compensation at all).
   * @returns {number}
   */
  viewTick() {
    const t = this.sampledTick;
    return t !== null && t > 0 ? Math.floor(t) : 0;
  }

  /**
   * The world at `renderTick`, blended between the snapshots either side of it; past the newest,
   * motion goes on for at most `MAX_EXTRAPOLATE_MS`, then holds. `sampledTick` is the tick of
   * the world given.
   * @param {number} renderTick unwrapped, fractional
   * @param {number} [skipId] an entity to leave out (the predicted own player)
   * @returns {RenderEntity[]}
   */
  sample(renderTick, skipId) {
    const n = this.frames.length;
    this.extrapolatedTicks = 0;
    if (n === 0) {
      this.sampledTick = null;
      return [];
    }
    let a = this.frames[0];
    let b = a;
    let t = 1;
    this.sampledTick = a.tick;
    if (renderTick >= this.frames[n - 1].tick) {
      b = this.frames[n - 1];
      a = n > 1 ? this.frames[n - 2] : b;
      const ahead = renderTick - b.tick;
      if (ahead > this.maxExtrapolateTicks) this.holds++;
      this.extrapolatedTicks = Math.min(ahead, this.maxExtrapolateTicks);
      t = b.tick > a.tick ? 1 + this.extrapolatedTicks / (b.tick - a.tick) : 1;
      // Nothing moves past a lone snapshot.
      this.sampledTick = b.tick > a.tick ? b.tick + this.extrapolatedTicks : b.tick;
    } else if (renderTick > a.tick) {
      this.sampledTick = renderTick;
      for (let i = n - 1; i > 0; i--) {
        if (this.frames[i - 1].tick <= renderTick) {
          a = this.frames[i - 1];
          b = this.frames[i];
          break;
        }
      }
      t = b.tick > a.tick ? Math.min(1, Math.max(0, (renderTick - a.tick) / (b.tick - a.tick))) : 1;
    }
    const limitTicks = (b.tick - a.tick) / this.tickRate;
    /** @type {RenderEntity[]} */
    const out = [];
    for (const e of b.entities) {
      if (e.id === skipId) continue;
      const r = blend(this.schema, a.byId.get(e.id), e, t, limitTicks);
      if (r) out.push(r);
    }
    return out;
  }
}

/**
 * Whether an entity's two states are too far apart to have been reached by moving: further than
 * its kind's top speed allows in `seconds` (with slack), or a kind that changed.
 * @param {EntityState} a
 * @param {EntityState} b
 * @param {number} seconds between the two snapshots
 */
export function isTeleport(a, b, seconds) {
  const speed = TOP_SPEED[b.kind] ?? TOP_SPEED.player;
  const limit = speed * TELEPORT_SLACK * seconds + TELEPORT_MARGIN;
  return a.kind !== b.kind || Math.hypot(b.x - a.x, b.y - a.y) > limit;
}

/**
 * @param {Schema} schema
 * @param {Entity | undefined} a the older state, if the entity existed
 * @param {Entity} b the newer state
 * @param {number} t 0..1 between them; above 1 extrapolates
 * @param {number} seconds between the two snapshots
 * @returns {RenderEntity | null} null for a kind the page does not draw
 */
function blend(schema, a, b, t, seconds) {
  const nb = arenaEntity(schema, b);
  if (!nb) return null;
  const na = a ? arenaEntity(schema, a) : null;
  // The server marks deaths and respawns: a dead entity has 0 hp until it respawns.
  const respawn = !!na && na.hp === 0 && nb.hp > 0;
  const far = !a || !na || na.hp === 0 || nb.hp === 0 || isTeleport(na, nb, seconds);
  if (far) {
    // Born, died, respawned or teleported: show one state, switching halfway.
    const s = na && t < 0.5 ? na : nb;
    return { ...s, id: nb.id, kind: nb.kind, jump: !!na, respawn: respawn && s === nb };
  }
  // Every field the schema marks goes on past the newer state for a while; the facing stops there.
  const m = /** @type {EntityState} */ (arenaEntity(schema, interpolateEntity(schema, a, b, t)));
  return { ...m, angle: t > 1 ? nb.angle : m.angle, jump: false, respawn: false };
}
