// Canvas drawing of the world: background grid, map bounds, walls, players, bots, projectiles,
// props, names, hp bars and aim lines. The camera centres on a world point.

import { MAX_HP, PLAYER_RADIUS, PROJECTILE_RADIUS } from './movement.js';

const COLORS = {
  background: '#0e1116',
  outside: '#07090c',
  grid: '#1a1f27',
  gridMajor: '#232a35',
  border: '#3a4658',
  wall: '#2c3442',
  wallEdge: '#4a566b',
  own: '#3ee08f',
  player: '#4aa3ff',
  bot: '#ff7a45',
  projectile: '#ffe066',
  prop: '#b48cff',
  name: '#d8dee9',
  hpBack: '#00000099',
  hpGood: '#3ee08f',
  hpMid: '#ffd23f',
  hpLow: '#ff4d4d',
};

/**
 * @typedef {import('./interp.js').RenderEntity} RenderEntity
 * @typedef {import('./arena_map.js').ArenaMap} MapInfo
 * @typedef {{x: number, y: number, angle: number, hp: number, id: number}} OwnView
 * @typedef {{map: MapInfo | null, camera: {x: number, y: number}, entities: RenderEntity[],
 *   own: OwnView | null, names: Map<number, string>}} Scene
 */

/**
 * World units to CSS pixels: 1 on a 1000 px tall window, within [0.6, 1.6].
 * @param {number} width css px
 * @param {number} height css px
 * @returns {number}
 */
export function zoomFor(width, height) {
  return Math.min(1.6, Math.max(0.6, Math.min(width, height * 1.4) / 1000));
}

export class Renderer {
  /** @param {HTMLCanvasElement} canvas */
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
    this.width = 0;
    this.height = 0;
    this.zoom = 1;
    /** @type {{x: number, y: number}} */
    this.camera = { x: 0, y: 0 };
  }

  /** Matches the backing store to the window size and pixel ratio. */
  resize() {
    const dpr = window.devicePixelRatio || 1;
    const w = window.innerWidth;
    const h = window.innerHeight;
    if (w !== this.width || h !== this.height || this.canvas.width !== Math.round(w * dpr)) {
      this.width = w;
      this.height = h;
      this.canvas.width = Math.round(w * dpr);
      this.canvas.height = Math.round(h * dpr);
      this.canvas.style.width = `${w}px`;
      this.canvas.style.height = `${h}px`;
    }
    this.dpr = dpr;
    this.zoom = zoomFor(w, h);
  }

  /**
   * CSS pixel position of a world point under the current camera.
   * @param {number} x
   * @param {number} y
   * @returns {{x: number, y: number}}
   */
  toScreen(x, y) {
    return { x: (x - this.camera.x) * this.zoom + this.width / 2, y: (y - this.camera.y) * this.zoom + this.height / 2 };
  }

  /**
   * Draws one frame.
   * @param {Scene} scene
   */
  draw(scene) {
    this.resize();
    const { ctx } = this;
    this.camera = scene.camera;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.fillStyle = COLORS.outside;
    ctx.fillRect(0, 0, this.width, this.height);

    const z = this.zoom;
    ctx.setTransform(this.dpr * z, 0, 0, this.dpr * z, this.dpr * (this.width / 2 - scene.camera.x * z), this.dpr * (this.height / 2 - scene.camera.y * z));
    if (scene.map) this.drawMap(scene.map);
    for (const e of scene.entities) {
      if (e.hp === 0) continue;
      this.drawEntity(e, scene.names.get(e.id), false);
    }
    if (scene.own && scene.own.hp > 0) {
      this.drawEntity({ ...scene.own, kind: 'player' }, scene.names.get(scene.own.id), true);
    }
  }

  /** @param {MapInfo} map */
  drawMap(map) {
    const { ctx } = this;
    ctx.fillStyle = COLORS.background;
    ctx.fillRect(0, 0, map.width, map.height);
    // Grid: every 50 units, a stronger line every 250; only the visible part.
    const half = { w: this.width / 2 / this.zoom, h: this.height / 2 / this.zoom };
    const x0 = Math.max(0, Math.floor((this.camera.x - half.w) / 50) * 50);
    const x1 = Math.min(map.width, this.camera.x + half.w);
    const y0 = Math.max(0, Math.floor((this.camera.y - half.h) / 50) * 50);
    const y1 = Math.min(map.height, this.camera.y + half.h);
    ctx.lineWidth = 1 / this.zoom;
    for (const major of [false, true]) {
      ctx.strokeStyle = major ? COLORS.gridMajor : COLORS.grid;
      ctx.beginPath();
      for (let x = x0; x <= x1; x += 50) {
        if ((x % 250 === 0) !== major) continue;
        ctx.moveTo(x, Math.max(0, y0));
        ctx.lineTo(x, y1);
      }
      for (let y = y0; y <= y1; y += 50) {
        if ((y % 250 === 0) !== major) continue;
        ctx.moveTo(Math.max(0, x0), y);
        ctx.lineTo(x1, y);
      }
      ctx.stroke();
    }
    ctx.strokeStyle = COLORS.border;
    ctx.lineWidth = 3 / this.zoom;
    ctx.strokeRect(0, 0, map.width, map.height);
    for (const w of map.walls) {
      ctx.fillStyle = COLORS.wall;
      ctx.fillRect(w.x, w.y, w.w, w.h);
      ctx.strokeStyle = COLORS.wallEdge;
      ctx.lineWidth = 1.5 / this.zoom;
      ctx.strokeRect(w.x, w.y, w.w, w.h);
    }
  }

  /**
   * @param {{x: number, y: number, angle: number, hp: number, kind: string}} e
   * @param {string | undefined} name
   * @param {boolean} own
   */
  drawEntity(e, name, own) {
    const { ctx } = this;
    if (e.kind === 'projectile') {
      ctx.fillStyle = COLORS.projectile;
      ctx.shadowColor = COLORS.projectile;
      ctx.shadowBlur = 8;
      ctx.beginPath();
      ctx.arc(e.x, e.y, PROJECTILE_RADIUS, 0, Math.PI * 2);
      ctx.fill();
      ctx.shadowBlur = 0;
      return;
    }
    const color = own ? COLORS.own : e.kind === 'bot' ? COLORS.bot : e.kind === 'prop' ? COLORS.prop : COLORS.player;
    const r = e.kind === 'prop' ? 8 : PLAYER_RADIUS;
    // Muzzle direction.
    ctx.strokeStyle = color;
    ctx.lineWidth = 4;
    ctx.lineCap = 'round';
    ctx.beginPath();
    ctx.moveTo(e.x + Math.cos(e.angle) * r * 0.4, e.y + Math.sin(e.angle) * r * 0.4);
    ctx.lineTo(e.x + Math.cos(e.angle) * (r + 10), e.y + Math.sin(e.angle) * (r + 10));
    ctx.stroke();
    // Body.
    ctx.fillStyle = color;
    ctx.beginPath();
    ctx.arc(e.x, e.y, r, 0, Math.PI * 2);
    ctx.fill();
    ctx.lineWidth = own ? 3 : 2;
    ctx.strokeStyle = own ? '#ffffff' : '#00000088';
    ctx.stroke();
    if (e.kind === 'prop') return;
    // Hp bar.
    const frac = Math.max(0, Math.min(1, e.hp / MAX_HP));
    const bw = 34;
    const by = e.y - r - 10;
    ctx.fillStyle = COLORS.hpBack;
    ctx.fillRect(e.x - bw / 2, by, bw, 5);
    ctx.fillStyle = frac > 0.6 ? COLORS.hpGood : frac > 0.3 ? COLORS.hpMid : COLORS.hpLow;
    ctx.fillRect(e.x - bw / 2, by, bw * frac, 5);
    // Name.
    if (name) {
      ctx.font = `${own ? 'bold ' : ''}12px system-ui, sans-serif`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      ctx.fillStyle = '#000000aa';
      ctx.fillText(name, e.x + 1, by - 2 + 1);
      ctx.fillStyle = own ? COLORS.own : COLORS.name;
      ctx.fillText(name, e.x, by - 2);
    }
  }
}
