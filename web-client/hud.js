// The HUD: a compact line of network and frame figures, and a toggleable net graph (key N) of bytes
// per snapshot over the last seconds, with the netcode's figures written over it.

/**
 * @typedef {{pingMs: number, serverTick: number, snapshotsPerSec: number, kbpsIn: number,
 *   entitiesInView: number, fps: number, delayMs: number, predictionErrorPx: number}} HudFigures
 */

export class Hud {
  /**
   * @param {HTMLElement} textEl
   * @param {HTMLCanvasElement} graphCanvas
   */
  constructor(textEl, graphCanvas) {
    this.textEl = textEl;
    this.graph = graphCanvas;
    this.graphVisible = false;
    this.graph.style.display = 'none';
  }

  toggleGraph() {
    this.graphVisible = !this.graphVisible;
    this.graph.style.display = this.graphVisible ? 'block' : 'none';
  }

  /** @param {HudFigures} f */
  update(f) {
    const rows = [
      ['ping', `${Math.round(f.pingMs)} ms`],
      ['tick', `${Math.floor(f.serverTick)}`],
      ['snap/s', `${Math.round(f.snapshotsPerSec)}`],
      ['in', `${f.kbpsIn.toFixed(1)} kbit/s`],
      ['entities', `${f.entitiesInView}`],
      ['fps', `${Math.round(f.fps)}`],
      ['interp', `${Math.round(f.delayMs)} ms`],
      ['pred err', `${f.predictionErrorPx.toFixed(2)}`],
    ];
    this.textEl.textContent = rows.map(([k, v]) => `${k} ${v}`).join('  ·  ') + '   [N] net graph';
  }

  /**
   * Draws the net graph: one bar per snapshot, bytes on the y axis.
   * @param {{t: number, bytes: number}[]} points
   * @param {number} nowMs
   * @param {number} windowMs
   * @param {string[]} [details] lines of figures drawn under the title
   */
  drawGraph(points, nowMs, windowMs, details = []) {
    if (!this.graphVisible) return;
    const c = this.graph;
    const ctx = /** @type {CanvasRenderingContext2D} */ (c.getContext('2d'));
    const w = c.width;
    const h = c.height;
    ctx.clearRect(0, 0, w, h);
    ctx.fillStyle = '#000000b0';
    ctx.fillRect(0, 0, w, h);
    const max = Math.max(64, ...points.map((p) => p.bytes));
    ctx.fillStyle = '#4aa3ff';
    for (const p of points) {
      const x = w - ((nowMs - p.t) / windowMs) * w;
      const bh = (p.bytes / max) * (h - 16);
      ctx.fillRect(x - 1, h - bh, 2, bh);
    }
    const avg = points.length ? points.reduce((s, p) => s + p.bytes, 0) / points.length : 0;
    ctx.fillStyle = '#d8dee9';
    ctx.font = '11px ui-monospace, monospace';
    ctx.textBaseline = 'top';
    ctx.fillText(`bytes/snapshot  max ${max}  avg ${avg.toFixed(0)}  (${windowMs / 1000} s)`, 6, 3);
    details.forEach((line, i) => ctx.fillText(line, 6, 16 + i * 12));
  }
}
