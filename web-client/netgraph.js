// The net graph (key N): one lane per figure over the last seconds (ping, jitter, the gap
// between snapshots, the interpolation buffer, corrections, bytes per snapshot), each lane a
// label column with its current figure and a plot beside it, so that bars never cross text; a
// footer line with the counters that have no lane. Figures that cannot be negative are kept at
// zero or more. `laneLayout`, `NetHistory` and `laneScale` are pure; `NetGraph` draws.

/**
 * @typedef {{key: string, label: string, unit: string, events: boolean, floor: number}} Lane
 *   `events`: a bar per event (a snapshot, a correction) rather than a level sampled in time;
 *   `floor`: the smallest top of the lane's scale, so that small noise stays small
 * @typedef {{x: number, y: number, w: number, h: number}} Rect
 * @typedef {{lane: Lane, label: Rect, plot: Rect}} LaneBox
 */

/** @type {Lane[]} */
export const LANES = [
  { key: 'ping', label: 'ping', unit: 'ms', events: false, floor: 50 },
  { key: 'jitter', label: 'jitter', unit: 'ms', events: false, floor: 10 },
  { key: 'gap', label: 'snap gap', unit: 'ms', events: true, floor: 50 },
  { key: 'buffer', label: 'buffer', unit: 'ms', events: false, floor: 100 },
  { key: 'corrections', label: 'corrections', unit: 'u', events: true, floor: 4 },
  { key: 'bytes', label: 'bytes/snap', unit: 'B', events: true, floor: 64 },
];

/** The window the graph shows, ms. */
export const GRAPH_WINDOW_MS = 5000;
/** Width of the label column, CSS px. */
export const LABEL_WIDTH = 132;
/** Height of a lane, CSS px. */
export const LANE_HEIGHT = 17;
/** Height of the footer line, CSS px. */
export const FOOTER_HEIGHT = 16;

/**
 * The boxes of `lanes` on a graph `width` CSS px wide: lane after lane from the top, each a
 * label box on the left and a plot box on the right that never overlap, then a footer box.
 * @param {number} width
 * @param {Lane[]} [lanes]
 * @returns {{lanes: LaneBox[], footer: Rect, height: number}}
 */
export function laneLayout(width, lanes = LANES) {
  const gap = 6;
  const labelW = Math.min(LABEL_WIDTH, Math.max(0, width / 2 - gap));
  const plotX = labelW + gap;
  const boxes = lanes.map((lane, i) => {
    const y = i * LANE_HEIGHT;
    return {
      lane,
      label: { x: 0, y, w: labelW, h: LANE_HEIGHT },
      plot: { x: plotX, y: y + 2, w: Math.max(0, width - plotX - 2), h: LANE_HEIGHT - 4 },
    };
  });
  const footerY = lanes.length * LANE_HEIGHT;
  return { lanes: boxes, footer: { x: 0, y: footerY, w: width, h: FOOTER_HEIGHT }, height: footerY + FOOTER_HEIGHT };
}

/**
 * The top of a lane's scale: the largest value shown, at least the lane's floor, rounded up to
 * 1, 2 or 5 times a power of ten so that the scale does not twitch.
 * @param {number[]} values
 * @param {number} floor
 * @returns {number}
 */
export function laneScale(values, floor) {
  const top = Math.max(floor, ...values.filter(Number.isFinite));
  const p = 10 ** Math.floor(Math.log10(top));
  for (const m of [1, 2, 5, 10]) if (m * p >= top) return m * p;
  return 10 * p;
}

/** Each lane's values over the last [`GRAPH_WINDOW_MS`], none below zero. */
export class NetHistory {
  /** @param {number} [windowMs] */
  constructor(windowMs = GRAPH_WINDOW_MS) {
    this.windowMs = windowMs;
    /** @type {Map<string, {t: number, v: number}[]>} */
    this.lanes = new Map();
  }

  /**
   * @param {string} key
   * @param {number} t ms
   * @param {number} v a negative or unknown value counts as 0
   */
  add(key, t, v) {
    let points = this.lanes.get(key);
    if (!points) this.lanes.set(key, (points = []));
    points.push({ t, v: Number.isFinite(v) ? Math.max(0, v) : 0 });
    this.trim(key, t);
  }

  /** @param {string} key @param {number} now */
  trim(key, now) {
    const points = this.lanes.get(key);
    while (points && points.length && points[0].t < now - this.windowMs) points.shift();
  }

  /** @param {string} key @returns {{t: number, v: number}[]} */
  points(key) {
    return this.lanes.get(key) ?? [];
  }

  /** The newest value of `key`, 0 before any. @param {string} key */
  latest(key) {
    const p = this.points(key);
    return p.length ? p[p.length - 1].v : 0;
  }

  /** How many points `key` has in the window ending at `now`. @param {string} key @param {number} now */
  count(key, now) {
    this.trim(key, now);
    return this.points(key).length;
  }
}

/**
 * A lane's figure as its label shows it.
 * @param {Lane} lane
 * @param {number} value
 * @param {number} [perSecond] events a second, for an events lane
 * @returns {string}
 */
export function laneText(lane, value, perSecond) {
  if (lane.key === 'corrections') return `${lane.label} ${(perSecond ?? 0).toFixed(1)}/s`;
  const digits = value < 10 && lane.unit === 'ms' ? 1 : 0;
  return `${lane.label} ${value.toFixed(digits)} ${lane.unit}`;
}

export class NetGraph {
  /** @param {HTMLCanvasElement} canvas */
  constructor(canvas) {
    this.canvas = canvas;
    this.visible = false;
    this.canvas.hidden = true;
  }

  toggle() {
    this.visible = !this.visible;
    this.canvas.hidden = !this.visible;
  }

  /**
   * Draws the lanes of `history` at `now`, and `footer` below them.
   * @param {NetHistory} history
   * @param {number} now
   * @param {string} footer
   */
  draw(history, now, footer) {
    if (!this.visible) return;
    const c = this.canvas;
    const dpr = window.devicePixelRatio || 1;
    // As wide as its place in the layout lets it be.
    const width = Math.max(160, Math.round(c.parentElement?.clientWidth ?? 420));
    const cssWidth = Math.min(420, width);
    const layout = laneLayout(cssWidth);
    if (c.width !== Math.round(cssWidth * dpr) || c.height !== Math.round(layout.height * dpr)) {
      c.width = Math.round(cssWidth * dpr);
      c.height = Math.round(layout.height * dpr);
      c.style.width = `${cssWidth}px`;
      c.style.height = `${layout.height}px`;
    }
    const ctx = /** @type {CanvasRenderingContext2D} */ (c.getContext('2d'));
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, cssWidth, layout.height);
    ctx.fillStyle = '#000000b8';
    ctx.fillRect(0, 0, cssWidth, layout.height);
    ctx.font = '11px ui-monospace, Menlo, Consolas, monospace';
    ctx.textBaseline = 'middle';
    for (const { lane, label, plot } of layout.lanes) {
      history.trim(lane.key, now);
      const points = history.points(lane.key);
      const top = laneScale(points.map((p) => p.v), lane.floor);
      ctx.fillStyle = '#ffffff0d';
      ctx.fillRect(plot.x, plot.y, plot.w, plot.h);
      ctx.fillStyle = lane.events ? '#4aa3ff' : '#3ee08f';
      for (let i = 0; i < points.length; i++) {
        const p = points[i];
        const x0 = plot.x + plot.w - ((now - p.t) / GRAPH_WINDOW_MS) * plot.w;
        const h = Math.min(1, p.v / top) * plot.h;
        if (lane.events) {
          ctx.fillRect(Math.max(plot.x, x0 - 1), plot.y + plot.h - h, 2, h);
        } else {
          const next = points[i + 1];
          const x1 = next ? plot.x + plot.w - ((now - next.t) / GRAPH_WINDOW_MS) * plot.w : plot.x + plot.w;
          const left = Math.max(plot.x, x0);
          if (x1 > left) ctx.fillRect(left, plot.y + plot.h - h, x1 - left, Math.max(1, h));
        }
      }
      ctx.textAlign = 'left';
      ctx.fillStyle = '#d8dee9';
      const perSecond = (history.count(lane.key, now) * 1000) / GRAPH_WINDOW_MS;
      ctx.fillText(laneText(lane, history.latest(lane.key), perSecond), label.x + 6, label.y + label.h / 2, label.w - 8);
    }
    ctx.fillStyle = '#9aa7b8';
    ctx.fillText(footer, layout.footer.x + 6, layout.footer.y + layout.footer.h / 2, layout.footer.w - 10);
  }
}
