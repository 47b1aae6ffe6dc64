// The last step before drawing remote entities: no entity moves further in one frame than twice
// its top speed allows (1.9 times, to be exact), unless the server marked the move a jump (a
// respawn, a death, a teleport). When the sampled position is further away (extrapolation was
// wrong about a turn, a stall ended), the drawn position chases it at that speed instead of
// jumping; since an entity never moves faster than its top speed, the chase catches up.

import { TOP_SPEED } from './interp.js';

/** The most an entity is drawn moving, in multiples of its top speed. */
export const MAX_DRAWN_SPEED = 1.9;
/** A frame longer than this (s) is not chased: the page was not drawing. */
const MAX_FRAME_SECONDS = 0.25;

export class SmoothView {
  constructor() {
    /** @type {Map<number, {x: number, y: number}>} where each entity was drawn last */
    this.drawn = new Map();
    /** Frames in which some entity was being chased. */
    this.chasing = 0;
  }

  /**
   * @param {import('./interp.js').RenderEntity[]} entities sampled this frame (changed in place)
   * @param {number} seconds since the last frame
   * @returns {import('./interp.js').RenderEntity[]}
   */
  apply(entities, seconds) {
    /** @type {Map<number, {x: number, y: number}>} */
    const next = new Map();
    let chased = false;
    for (const e of entities) {
      const prev = this.drawn.get(e.id);
      if (prev && !e.jump && seconds > 0 && seconds <= MAX_FRAME_SECONDS) {
        const dx = e.x - prev.x;
        const dy = e.y - prev.y;
        const d = Math.hypot(dx, dy);
        const limit = MAX_DRAWN_SPEED * (TOP_SPEED[e.kind] ?? TOP_SPEED.player) * seconds;
        if (d > limit) {
          e.x = prev.x + (dx * limit) / d;
          e.y = prev.y + (dy * limit) / d;
          chased = true;
        }
      }
      next.set(e.id, { x: e.x, y: e.y });
    }
    if (chased) this.chasing++;
    this.drawn = next;
    return entities;
  }
}
