// A spectator's camera: free (arrow keys or WASD pan it) or following a player (Tab cycles
// through the scoreboard, 1-9 pick its rows, a click on a name picks that player). A spectator
// has no entity of its own and sends no inputs.

/** World units a second the free camera pans at. */
export const PAN_SPEED = 700;

/** @typedef {import('./interp.js').RenderEntity} RenderEntity */
/** @typedef {import('./netcode/messages.js').ScoreEntry} ScoreEntry */

export class SpectatorCamera {
  /** @param {number} x @param {number} y the starting point (the map's centre) */
  constructor(x, y) {
    this.x = x;
    this.y = y;
    /** @type {number | null} the entity followed, or null for a free camera */
    this.following = null;
  }

  /**
   * Pans by the movement keys held; any pan frees the camera.
   * @param {number} moveX -1, 0 or 1
   * @param {number} moveY -1, 0 or 1
   * @param {number} elapsedMs
   */
  pan(moveX, moveY, elapsedMs) {
    if (!moveX && !moveY) return;
    this.following = null;
    const step = (PAN_SPEED * elapsedMs) / 1000;
    this.x += moveX * step;
    this.y += moveY * step;
  }

  /** @param {number | null} id */
  follow(id) {
    this.following = id;
  }

  /**
   * Follows the next (step 1) or previous (step -1) entry of the scoreboard, in its order.
   * @param {ScoreEntry[]} ranked
   * @param {number} step
   */
  cycle(ranked, step) {
    if (ranked.length === 0) return;
    const at = ranked.findIndex((e) => e.entity === this.following);
    const next = at < 0 ? (step > 0 ? 0 : ranked.length - 1) : (at + step + ranked.length) % ranked.length;
    this.following = ranked[next].entity;
  }

  /**
   * Where to look: the followed entity when it is in view (the camera stays with it), else the
   * free camera's point, kept inside the map.
   * @param {RenderEntity[]} entities
   * @param {{width: number, height: number}} map
   * @returns {{x: number, y: number}}
   */
  position(entities, map) {
    if (this.following !== null) {
      const e = entities.find((x) => x.id === this.following);
      if (e) {
        this.x = e.x;
        this.y = e.y;
      }
    }
    this.x = Math.min(Math.max(this.x, 0), map.width);
    this.y = Math.min(Math.max(this.y, 0), map.height);
    return { x: this.x, y: this.y };
  }

  /**
   * The "spectating" label.
   * @param {(id: number) => string} nameOf
   * @returns {string}
   */
  label(nameOf) {
    const keys = 'WASD/arrows pan · Tab or 1-9 follow · click a name';
    return this.following === null
      ? `Spectating · free camera · ${keys}`
      : `Spectating ${nameOf(this.following)} · ${keys}`;
  }
}
