// Twin-stick touch controls: a thumb on the left half of the screen is a floating stick that
// moves (its direction, from where the thumb came down, in the arena's eight directions), a thumb
// on the right half aims and fires: dragged, it aims along the drag; a tap fires at the point
// tapped. A tap is held until the input clock has sent it, so that a touch shorter than a tick
// still fires. Shown only on touch screens. `stickMove` and `TouchSticks` take positions and
// times as arguments; `attachTouch` binds them to a canvas's pointer events.

/** How far (CSS px) a thumb moves before its stick counts. */
export const DEAD_ZONE = 12;
/** The drawn stick's radius, CSS px. */
export const STICK_RADIUS = 56;

/**
 * The arena's movement axes (-1, 0 or 1 each) for a stick pushed by (`dx`, `dy`): none inside
 * the dead zone, else the nearest of eight directions.
 * @param {number} dx
 * @param {number} dy
 * @param {number} [deadZone]
 * @returns {{move_x: number, move_y: number}}
 */
export function stickMove(dx, dy, deadZone = DEAD_ZONE) {
  if (Math.hypot(dx, dy) < deadZone) return { move_x: 0, move_y: 0 };
  const sector = Math.round(Math.atan2(dy, dx) / (Math.PI / 4));
  const angle = sector * (Math.PI / 4);
  return { move_x: Math.round(Math.cos(angle)) || 0, move_y: Math.round(Math.sin(angle)) || 0 };
}

/**
 * Whether the page runs on a touch screen.
 * @param {{navigator?: {maxTouchPoints?: number}, matchMedia?: (q: string) => {matches: boolean}}} win
 * @returns {boolean}
 */
export function isTouchScreen(win) {
  if ((win.navigator?.maxTouchPoints ?? 0) > 0) return true;
  return !!win.matchMedia?.('(pointer: coarse)').matches;
}

/**
 * @typedef {{id: number, x0: number, y0: number, x: number, y: number}} Thumb
 * @typedef {{move_x: number, move_y: number, fire: boolean, aim: number | null,
 *   aimAt: {x: number, y: number} | null}} TouchSample
 *   `aim`: the right stick's angle while dragged; `aimAt`: the screen point of a tap (the caller
 *   aims from the own player's screen position); both null when the right thumb said nothing
 */

export class TouchSticks {
  /** @param {number} width the screen's width, CSS px (the halves' border) */
  constructor(width) {
    this.width = width;
    /** @type {Thumb | null} */
    this.left = null;
    /** @type {Thumb | null} */
    this.right = null;
    /** A tap's shot not yet sent. */
    this.pendingFire = false;
    /** The last aim the right thumb gave, kept after it lifts. @type {number | null} */
    this.aim = null;
    /** @type {{x: number, y: number} | null} */
    this.aimAt = null;
  }

  /** @param {number} id @param {number} x @param {number} y */
  down(id, x, y) {
    const thumb = { id, x0: x, y0: y, x, y };
    if (x < this.width / 2) {
      if (!this.left) this.left = thumb;
    } else if (!this.right) {
      this.right = thumb;
      this.pendingFire = true;
      this.aim = null;
      this.aimAt = { x, y };
    }
  }

  /** @param {number} id @param {number} x @param {number} y */
  move(id, x, y) {
    if (this.left?.id === id) Object.assign(this.left, { x, y });
    if (this.right?.id === id) {
      Object.assign(this.right, { x, y });
      const dx = x - this.right.x0;
      const dy = y - this.right.y0;
      if (Math.hypot(dx, dy) >= DEAD_ZONE) {
        this.aim = Math.atan2(dy, dx);
        this.aimAt = null;
      }
    }
  }

  /** @param {number} id */
  up(id) {
    if (this.left?.id === id) this.left = null;
    if (this.right?.id === id) this.right = null;
  }

  /** Every thumb lifted (the page lost focus). */
  clear() {
    this.left = null;
    this.right = null;
    this.pendingFire = false;
  }

  /**
   * What the thumbs ask for now; a tap's shot is taken by this call.
   * @returns {TouchSample}
   */
  sample() {
    const l = this.left;
    const move = l ? stickMove(l.x - l.x0, l.y - l.y0) : { move_x: 0, move_y: 0 };
    const fire = !!this.right || this.pendingFire;
    this.pendingFire = false;
    return { ...move, fire, aim: this.aim, aimAt: this.aimAt };
  }
}

/**
 * Binds twin sticks to `canvas`'s touch pointers, and shows the thumbs' sticks in `overlay`
 * (two rings with a knob each). The sticks are only drawn on a touch screen, once touched.
 * @param {HTMLCanvasElement} canvas
 * @param {HTMLElement} overlay
 * @returns {{sticks: TouchSticks, active: () => boolean}}
 */
export function attachTouch(canvas, overlay) {
  const sticks = new TouchSticks(window.innerWidth);
  let used = false;
  /** @param {PointerEvent} e */
  const isTouch = (e) => e.pointerType === 'touch' || e.pointerType === 'pen';
  /** @param {Thumb | null} t @param {string} side */
  const show = (t, side) => {
    const el = /** @type {HTMLElement | null} */ (overlay.querySelector(`.stick-${side}`));
    if (!el) return;
    el.hidden = !t;
    if (!t) return;
    const dx = t.x - t.x0;
    const dy = t.y - t.y0;
    const len = Math.hypot(dx, dy);
    const k = len > STICK_RADIUS ? STICK_RADIUS / len : 1;
    el.style.transform = `translate(${t.x0}px, ${t.y0}px)`;
    const knob = /** @type {HTMLElement | null} */ (el.firstElementChild);
    if (knob) knob.style.transform = `translate(${dx * k}px, ${dy * k}px)`;
  };
  const redraw = () => {
    show(sticks.left, 'left');
    show(sticks.right, 'right');
  };
  canvas.addEventListener('pointerdown', (e) => {
    if (!isTouch(e)) return;
    e.preventDefault();
    used = true;
    document.body.classList.add('touching');
    sticks.width = window.innerWidth;
    sticks.down(e.pointerId, e.clientX, e.clientY);
    redraw();
  });
  canvas.addEventListener('pointermove', (e) => {
    if (!isTouch(e)) return;
    e.preventDefault();
    sticks.move(e.pointerId, e.clientX, e.clientY);
    redraw();
  });
  for (const kind of ['pointerup', 'pointercancel']) {
    canvas.addEventListener(kind, (e) => {
      const p = /** @type {PointerEvent} */ (e);
      if (!isTouch(p)) return;
      sticks.up(p.pointerId);
      redraw();
    });
  }
  // A touch would also fire mouse events after it (a click, a held button): the sticks stand
  // for both.
  canvas.addEventListener('touchstart', (e) => e.preventDefault(), { passive: false });
  window.addEventListener('blur', () => {
    sticks.clear();
    redraw();
  });
  return { sticks, active: () => used };
}
