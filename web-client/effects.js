// Hit and death effects: a world's hit points against the last world's tell who was hit (hp went
// down) and who died (hp reached 0); each becomes a short effect drawn where it happened (a
// spark for a hit, a burst for a death), and a hit on the own player flashes the screen's edge.
// `hpEvents` is pure; `Effects` keeps what is on screen, times as arguments.

/** How long a hit's spark lasts, ms. */
export const HIT_MS = 260;
/** How long a death's burst lasts, ms. */
export const DEATH_MS = 750;
/** How long the own player's hit flash lasts, ms. */
export const FLASH_MS = 320;

/**
 * @typedef {{id: number, kind: string, x: number, y: number, hp: number}} Living
 * @typedef {{id: number, what: 'hit' | 'death', x: number, y: number, damage: number}} HpEvent
 * @typedef {{what: 'hit' | 'death', x: number, y: number, at: number, own: boolean}} Effect
 */

/**
 * What happened between two worlds' hit points: an entity whose hp went down was hit, one whose
 * hp reached 0 died. Entities not in `before` (new, or back in view) did nothing; projectiles
 * have no hit points.
 * @param {Map<number, number>} before hp by entity id
 * @param {Living[]} entities the new world's
 * @returns {HpEvent[]}
 */
export function hpEvents(before, entities) {
  /** @type {HpEvent[]} */
  const out = [];
  for (const e of entities) {
    if (e.kind === 'projectile') continue;
    const was = before.get(e.id);
    if (was === undefined || e.hp >= was) continue;
    out.push({ id: e.id, what: e.hp === 0 ? 'death' : 'hit', x: e.x, y: e.y, damage: was - e.hp });
  }
  return out;
}

export class Effects {
  constructor() {
    /** @type {Map<number, number>} */
    this.hp = new Map();
    /** @type {Effect[]} */
    this.items = [];
    /** When the own player was last hit, ms. */
    this.ownHitAt = -Infinity;
  }

  /**
   * A new world: its hits and deaths become effects.
   * @param {Living[]} entities
   * @param {number | null} ownId
   * @param {number} now
   * @returns {HpEvent[]} what happened, for the sounds
   */
  onWorld(entities, ownId, now) {
    const events = hpEvents(this.hp, entities);
    this.hp = new Map(entities.filter((e) => e.kind !== 'projectile').map((e) => [e.id, e.hp]));
    for (const ev of events) {
      const own = ev.id === ownId;
      this.items.push({ what: ev.what, x: ev.x, y: ev.y, at: now, own });
      if (own) this.ownHitAt = now;
    }
    this.active(now);
    return events;
  }

  /**
   * The effects still on screen at `now`, each with its age from 0 (new) to 1 (gone).
   * @param {number} now
   * @returns {(Effect & {age: number})[]}
   */
  active(now) {
    this.items = this.items.filter((e) => now - e.at < (e.what === 'death' ? DEATH_MS : HIT_MS));
    return this.items.map((e) => ({ ...e, age: (now - e.at) / (e.what === 'death' ? DEATH_MS : HIT_MS) }));
  }

  /** How strong the own player's hit flash is at `now`, 0 to 1. @param {number} now */
  flash(now) {
    const t = (now - this.ownHitAt) / FLASH_MS;
    return t >= 0 && t < 1 ? 1 - t : 0;
  }
}
