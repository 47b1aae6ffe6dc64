// Keyboard and mouse state: WASD/arrows to move, mouse to aim, click or space to fire; N, L and U
// toggle the net graph, the leaderboard and the sound. Touch screens have touch.js. Nothing is
// read at import time; `attachInput` binds to a window and a canvas.

const LEFT = new Set(['KeyA', 'ArrowLeft']);
const RIGHT = new Set(['KeyD', 'ArrowRight']);
const UP = new Set(['KeyW', 'ArrowUp']);
const DOWN = new Set(['KeyS', 'ArrowDown']);
const FIRE = new Set(['Space']);

/**
 * @typedef {{move_x: number, move_y: number, fire: boolean, mouseX: number, mouseY: number}} InputState
 */

/**
 * Movement axes from a set of held key codes.
 * @param {Set<string>} held
 * @returns {{move_x: number, move_y: number}}
 */
export function axesFromKeys(held) {
  const has = (/** @type {Set<string>} */ set) => [...set].some((k) => held.has(k));
  return {
    move_x: (has(RIGHT) ? 1 : 0) - (has(LEFT) ? 1 : 0),
    move_y: (has(DOWN) ? 1 : 0) - (has(UP) ? 1 : 0),
  };
}

/**
 * Listens to the keyboard and mouse.
 * @param {Window} win
 * @param {HTMLCanvasElement} canvas
 * @param {{onToggleNetGraph?: () => void, onToggleLeaderboard?: () => void, onToggleSound?: () => void,
 *   onKey?: () => void}} [hooks] `onKey`: any key went down (the sound may start then)
 * @returns {{sample: () => InputState, enabled: boolean}}
 */
export function attachInput(win, canvas, hooks = {}) {
  /** @type {Set<string>} */
  const held = new Set();
  let mouseDown = false;
  let mouseX = 0;
  let mouseY = 0;
  const api = {
    enabled: true,
    sample() {
      const axes = api.enabled ? axesFromKeys(held) : { move_x: 0, move_y: 0 };
      const fire = api.enabled && (mouseDown || [...FIRE].some((k) => held.has(k)));
      return { ...axes, fire, mouseX, mouseY };
    },
  };
  const typing = (/** @type {EventTarget | null} */ t) =>
    t instanceof HTMLElement && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.isContentEditable);
  win.addEventListener('keydown', (e) => {
    hooks.onKey?.();
    if (typing(e.target)) return;
    if (e.code === 'KeyN' && !e.repeat) hooks.onToggleNetGraph?.();
    if (e.code === 'KeyL' && !e.repeat) hooks.onToggleLeaderboard?.();
    if (e.code === 'KeyU' && !e.repeat) hooks.onToggleSound?.();
    if (LEFT.has(e.code) || RIGHT.has(e.code) || UP.has(e.code) || DOWN.has(e.code) || FIRE.has(e.code)) {
      e.preventDefault();
      held.add(e.code);
    }
  });
  win.addEventListener('keyup', (e) => held.delete(e.code));
  win.addEventListener('blur', () => {
    held.clear();
    mouseDown = false;
  });
  canvas.addEventListener('mousemove', (e) => {
    mouseX = e.clientX;
    mouseY = e.clientY;
  });
  canvas.addEventListener('mousedown', (e) => {
    if (e.button === 0) mouseDown = true;
    mouseX = e.clientX;
    mouseY = e.clientY;
  });
  win.addEventListener('mouseup', (e) => {
    if (e.button === 0) mouseDown = false;
  });
  canvas.addEventListener('contextmenu', (e) => e.preventDefault());
  return api;
}
