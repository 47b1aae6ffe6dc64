// Interpolation buffer for remote entities: keeps the last snapshots by (unwrapped) tick and
// samples the world at a render tick between two of them. Positions come out in world units,
// angles in radians; nothing is extrapolated past the newest snapshot.

/** Entities that move further than this between two snapshots (world units) are not blended. */
export const TELEPORT_DISTANCE = 64;
const POS_SCALE = 16;
const TAU = Math.PI * 2;

/**
 * @typedef {import('./delta.js').EntityState} EntityState
 * @typedef {{id: number, kind: string, x: number, y: number, angle: number, hp: number}} RenderEntity
 *   x, y in world units; angle in radians in (-pi, pi].
 * @typedef {{tick: number, byId: Map<number, EntityState>, entities: EntityState[]}} Frame
 */

/**
 * An angle in 1/256 turns between `a` and `b`, going the short way round.
 * @param {number} a 0..255
 * @param {number} b 0..255
 * @param {number} t 0..1
 * @returns {number} steps, in [0, 256)
 */
export function lerpAngleSteps(a, b, t) {
  const diff = ((((b - a) & 255) + 128) & 255) - 128;
  const v = a + diff * t;
  return ((v % 256) + 256) % 256;
}

/**
 * Radians in (-pi, pi] for an angle in 1/256 turns (0 = +x, 64 = +y).
 * @param {number} steps
 * @returns {number}
 */
export function stepsToRadians(steps) {
  const s = ((steps % 256) + 256) % 256;
  return (s > 128 ? s - 256 : s) * (TAU / 256);
}

export class InterpBuffer {
  /** @param {number} [capacity] snapshots kept */
  constructor(capacity = 64) {
    this.capacity = capacity;
    /** @type {Frame[]} oldest first */
    this.frames = [];
  }

  /** Forgets every snapshot (reconnect). */
  clear() {
    this.frames = [];
  }

  /**
   * Adds a snapshot. Ticks must be unwrapped (monotonic numbers); an older or equal tick is ignored.
   * @param {number} tick
   * @param {EntityState[]} entities
   */
  push(tick, entities) {
    const last = this.frames[this.frames.length - 1];
    if (last && tick <= last.tick) return;
    this.frames.push({ tick, entities, byId: new Map(entities.map((e) => [e.id, e])) });
    if (this.frames.length > this.capacity) this.frames.shift();
  }

  /** @returns {number | null} newest tick held */
  newestTick() {
    return this.frames.length ? this.frames[this.frames.length - 1].tick : null;
  }

  /**
   * The world at `renderTick`, blended between the snapshots either side of it.
   * @param {number} renderTick unwrapped, fractional
   * @param {number} [skipId] an entity to leave out (the predicted own player)
   * @returns {RenderEntity[]}
   */
  sample(renderTick, skipId) {
    const n = this.frames.length;
    if (n === 0) return [];
    let a = this.frames[0];
    let b = a;
    if (renderTick >= this.frames[n - 1].tick) {
      a = b = this.frames[n - 1];
    } else if (renderTick > a.tick) {
      for (let i = n - 1; i > 0; i--) {
        if (this.frames[i - 1].tick <= renderTick) {
          a = this.frames[i - 1];
          b = this.frames[i];
          break;
        }
      }
    }
    const t = b.tick > a.tick ? Math.min(1, Math.max(0, (renderTick - a.tick) / (b.tick - a.tick))) : 1;
    /** @type {RenderEntity[]} */
    const out = [];
    for (const e of b.entities) {
      if (e.id === skipId) continue;
      const p = a.byId.get(e.id);
      out.push(blend(p, e, t));
    }
    return out;
  }
}

/**
 * @param {EntityState | undefined} a the older state, if the entity existed
 * @param {EntityState} b the newer state
 * @param {number} t 0..1
 * @returns {RenderEntity}
 */
function blend(a, b, t) {
  const far =
    !a ||
    a.kind !== b.kind ||
    a.hp === 0 ||
    b.hp === 0 ||
    Math.abs(b.x - a.x) > TELEPORT_DISTANCE * POS_SCALE ||
    Math.abs(b.y - a.y) > TELEPORT_DISTANCE * POS_SCALE;
  if (far) {
    // Born, died, respawned or teleported: show one state, switching halfway.
    const s = a && t < 0.5 ? a : b;
    return { id: b.id, kind: b.kind, x: s.x / POS_SCALE, y: s.y / POS_SCALE, angle: stepsToRadians(s.angle), hp: s.hp };
  }
  return {
    id: b.id,
    kind: b.kind,
    x: (a.x + (b.x - a.x) * t) / POS_SCALE,
    y: (a.y + (b.y - a.y) * t) / POS_SCALE,
    angle: stepsToRadians(lerpAngleSteps(a.angle, b.angle, t)),
    hp: t < 0.5 ? a.hp : b.hp,
  };
}
