// What part of the world a screen shows: every screen sees the same world width, so that a bigger
// window sees no further, and no more height than that width (a screen taller than wide shows a
// square band of the world, the page's panels above and below it). The camera stops at the map's
// edges, so that no screen shows the black outside the map while the map goes on the other way.
// Pure functions: sizes come in as arguments.

/** World units across every screen. */
export const VIEW_WIDTH = 1200;

/**
 * @typedef {{zoom: number, worldWidth: number, worldHeight: number, top: number, height: number}} View
 *   `zoom`: CSS pixels per world unit; `worldWidth`, `worldHeight`: the world units shown;
 *   `top`, `height`: the band of the screen (CSS pixels) that shows them
 */

/**
 * The view of a screen `width` x `height` CSS pixels: [`VIEW_WIDTH`] units across, at most as
 * many down.
 * @param {number} width
 * @param {number} height
 * @returns {View}
 */
export function viewFor(width, height) {
  const w = Math.max(1, width);
  const h = Math.max(1, height);
  const zoom = w / VIEW_WIDTH;
  const worldHeight = Math.min(h / zoom, VIEW_WIDTH);
  const band = worldHeight * zoom;
  return { zoom, worldWidth: VIEW_WIDTH, worldHeight, top: (h - band) / 2, height: band };
}

/**
 * One axis of the camera: the centre `c` kept so that a span `view` wide stays inside [0, size];
 * a map narrower than the view is centred.
 * @param {number} c
 * @param {number} view
 * @param {number} size
 * @returns {number}
 */
export function clampAxis(c, view, size) {
  if (view >= size) return size / 2;
  return Math.min(Math.max(c, view / 2), size - view / 2);
}

/**
 * The camera's centre for a wish to centre on (`x`, `y`), stopped at the map's edges.
 * @param {number} x
 * @param {number} y
 * @param {View} view
 * @param {{width: number, height: number}} map
 * @returns {{x: number, y: number}}
 */
export function clampCamera(x, y, view, map) {
  return { x: clampAxis(x, view.worldWidth, map.width), y: clampAxis(y, view.worldHeight, map.height) };
}

/**
 * A world point's CSS pixel position on a screen `width` wide whose view is `view`, centred on
 * `camera`.
 * @param {number} x
 * @param {number} y
 * @param {{x: number, y: number}} camera
 * @param {View} view
 * @param {number} width
 * @returns {{x: number, y: number}}
 */
export function worldToScreen(x, y, camera, view, width) {
  return {
    x: (x - camera.x) * view.zoom + width / 2,
    y: (y - camera.y) * view.zoom + view.top + view.height / 2,
  };
}
