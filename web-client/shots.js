// Own shots, predicted: a shot appears on the shooter's screen the moment the input that fires it
// is sent, not a round trip later. The fire rate follows the server's cooldown (sim rules.rs) tick
// for tick; the projectile flies at the server's speed from the predicted muzzle. When the server's
// projectile appears (same direction, on the same line) it is hidden behind the prediction, and
// when it leaves the world (a hit, a wall, its range) the prediction goes with it.

import { PLAYER_RADIUS, PROJECTILE_RADIUS } from './movement.js';

/** Projectile speed, world units a second (rules::PROJECTILE_SPEED). */
export const PROJECTILE_SPEED = 600;
/** Seconds a projectile flies (rules::PROJECTILE_LIFETIME_SECS). */
const PROJECTILE_LIFETIME_SECS = 1.5;
/** Seconds between shots (rules::FIRE_COOLDOWN_SECS). */
const FIRE_COOLDOWN_SECS = 0.25;
/** Gap between the shooter's edge and a new projectile (rules::MUZZLE_GAP). */
const MUZZLE_GAP = 1;
/** A predicted shot the server has not confirmed after this long is dropped, ms. */
const UNCONFIRMED_MS = 1000;
/** A server projectile this close to a predicted shot's line (world units) is its twin. */
const TWIN_DISTANCE = 12;

/**
 * @typedef {{id: number, x0: number, y0: number, dx: number, dy: number, angle: number, at: number,
 *   twin: number | null}} Shot a predicted shot: from (x0, y0) along (dx, dy) since `at` (ms)
 * @typedef {import('./movement.js').MoveMap} MoveMap
 */

export class ShotPredictor {
  /**
   * @param {number} tickRate
   * @param {MoveMap} map
   */
  constructor(tickRate, map) {
    this.map = map;
    this.cooldownTicks = Math.max(1, Math.round(FIRE_COOLDOWN_SECS * tickRate));
    this.cooldown = 0;
    /** @type {Shot[]} */
    this.shots = [];
    this.nextId = -1;
    /** Shots predicted, and of those confirmed by the server. */
    this.predicted = 0;
    this.confirmed = 0;
  }

  /**
   * One input tick of the own player, after its movement was predicted.
   * @param {{fire: boolean, aim: number}} input
   * @param {{x: number, y: number}} pos the predicted position after this tick
   * @param {boolean} alive
   * @param {number} now ms
   */
  onInput(input, pos, alive, now) {
    if (!alive) return;
    this.cooldown = Math.max(0, this.cooldown - 1);
    if (!input.fire || this.cooldown > 0) return;
    this.cooldown = this.cooldownTicks;
    const dx = Math.cos(input.aim);
    const dy = Math.sin(input.aim);
    const gap = PLAYER_RADIUS + PROJECTILE_RADIUS + MUZZLE_GAP;
    this.shots.push({ id: this.nextId--, x0: pos.x + dx * gap, y0: pos.y + dy * gap, dx, dy, angle: input.aim, at: now, twin: null });
    this.predicted++;
  }

  /**
   * A snapshot's world: find the twins of predicted shots; drop shots whose twin left.
   * @param {{id: number, kind: string, x: number, y: number}[]} entities x, y in world units
   * @param {number} now
   */
  onWorld(entities, now) {
    const present = new Set(entities.map((e) => e.id));
    const taken = new Set(this.shots.map((s) => s.twin));
    this.shots = this.shots.filter((s) => {
      if (s.twin !== null) return present.has(s.twin);
      for (const e of entities) {
        if (e.kind !== 'projectile' || taken.has(e.id)) continue;
        const px = e.x - s.x0;
        const py = e.y - s.y0;
        const along = px * s.dx + py * s.dy;
        const off = Math.abs(px * s.dy - py * s.dx);
        if (along > -TWIN_DISTANCE && off < TWIN_DISTANCE) {
          s.twin = e.id;
          taken.add(e.id);
          this.confirmed++;
          return true;
        }
      }
      return now - s.at < UNCONFIRMED_MS;
    });
  }

  /**
   * The remote entities to draw, with the server's twins of predicted shots replaced by them.
   * @param {import('./interp.js').RenderEntity[]} entities
   * @param {number} now
   * @returns {import('./interp.js').RenderEntity[]}
   */
  merge(entities, now) {
    if (this.shots.length === 0) return entities;
    const twins = new Set(this.shots.map((s) => s.twin));
    const out = entities.filter((e) => !twins.has(e.id));
    this.shots = this.shots.filter((s) => {
      const t = Math.max(0, now - s.at) / 1000;
      const x = s.x0 + s.dx * PROJECTILE_SPEED * t;
      const y = s.y0 + s.dy * PROJECTILE_SPEED * t;
      if (t > PROJECTILE_LIFETIME_SECS || this.blocked(x, y)) return false;
      out.push({ id: s.id, kind: 'projectile', x, y, angle: s.angle, hp: 1 });
      return true;
    });
    return out;
  }

  /**
   * Whether a projectile at (x, y) has met a wall or left the map.
   * @param {number} x
   * @param {number} y
   */
  blocked(x, y) {
    const r = PROJECTILE_RADIUS;
    if (x < 0 || y < 0 || x > this.map.width || y > this.map.height) return true;
    return this.map.walls.some((w) => x > w.x - r && x < w.x + w.w + r && y > w.y - r && y < w.y + w.h + r);
  }
}
