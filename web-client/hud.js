// The HUD: a compact line of figures. Each figure has one place: while the net graph (netgraph.js)
// is open, the line leaves out what the graph shows (the ping and the prediction error), and both
// are fed from one sample of the page's figures, so they never disagree.

/**
 * @typedef {{pingMs: number, serverTick: number, snapshotsPerSec: number, kbpsIn: number,
 *   entitiesInView: number, fps: number, predictionErrorPx: number}} HudFigures
 */

/**
 * The HUD's line: `label value` pairs, joined by " · ".
 * @param {HudFigures} f
 * @param {boolean} graphShown whether the net graph shows the network's figures
 * @param {boolean} [touch] a touch screen (no keys to name)
 * @returns {string}
 */
export function hudLine(f, graphShown, touch = false) {
  const rows = [
    ...(graphShown ? [] : [['ping', `${Math.round(f.pingMs)} ms`]]),
    ['tick', `${Math.floor(f.serverTick)}`],
    ['snap/s', `${Math.round(f.snapshotsPerSec)}`],
    ['in', `${f.kbpsIn.toFixed(1)} kbit/s`],
    ['entities', `${f.entitiesInView}`],
    ['fps', `${Math.round(f.fps)}`],
    ...(graphShown ? [] : [['pred err', `${f.predictionErrorPx.toFixed(2)}`]]),
  ];
  const hint = touch || graphShown ? '' : '   [N] net graph';
  return rows.map(([k, v]) => `${k} ${v}`).join('  ·  ') + hint;
}

export class Hud {
  /** @param {HTMLElement} textEl */
  constructor(textEl) {
    this.textEl = textEl;
  }

  /** @param {HudFigures} f @param {boolean} graphShown @param {boolean} touch */
  update(f, graphShown, touch) {
    const line = hudLine(f, graphShown, touch);
    if (this.textEl.textContent !== line) this.textEl.textContent = line;
  }
}
