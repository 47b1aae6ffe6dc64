// Canvas drawing of the world: background grid, map bounds, walls, players, bots, projectiles,
// props, names, hp bars and aim lines, hit and death effects. The camera centres on a world point
// and stops at the map's edges; every screen sees the same world width (view.js), drawn at the
// screen's pixel ratio.

import { MAX_HP, PLAYER_RADIUS, PROJECTILE_RADIUS } from './movement.js';
import { clampCamera, viewFor, worldToScreen } from './view.js';

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
 * @typedef {import('./effects.js').Effect & {age: number}} ShownEffect
 * @typedef {{map: MapInfo | null, camera: {x: number, y: number}, entities: RenderEntity[],
 *   own: OwnView | null, names: Map<number, string>, effects?: ShownEffect[], flash?: number}} Scene
 *   `camera`: the point to centre on (the renderer stops it at the map's edges); `flash`: how
 *   strongly the screen's edge flashes for a hit on the own player, 0 to 1
 */

export class Renderer {
  /** @param {HTMLCanvasElement} canvas */
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
    this.width = 0;
    this.height = 0;
    this.dpr = 1;
    this.view = viewFor(1, 1);
    this.zoom = this.view.zoom;
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
    this.view = viewFor(w, h);
    this.zoom = this.view.zoom;
  }

  /**
   * CSS pixel position of a world point under the current camera.
   * @param {number} x
   * @param {number} y
   * @returns {{x: number, y: number}}
   */
  toScreen(x, y) {
    return worldToScreen(x, y, this.camera, this.view, this.width);
  }

  /**
   * Draws one frame.
   * @param {Scene} scene
   */
  draw(scene) {
    this.resize();
    const { ctx, view } = this;
    const camera = scene.map ? clampCamera(scene.camera.x, scene.camera.y, view, scene.map) : scene.camera;
    this.camera = camera;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.fillStyle = COLORS.outside;
    ctx.fillRect(0, 0, this.width, this.height);

    ctx.save();
    // A screen taller than the view shows the world in a band; the rest stays dark.
    ctx.beginPath();
    ctx.rect(0, view.top, this.width, view.height);
    ctx.clip();
    const z = this.zoom;
    const cx = this.width / 2 - camera.x * z;
    const cy = view.top + view.height / 2 - camera.y * z;
    ctx.setTransform(this.dpr * z, 0, 0, this.dpr * z, this.dpr * cx, this.dpr * cy);
    if (scene.map) this.drawMap(scene.map);
    for (const e of scene.entities) {
      if (e.hp === 0) continue;
      this.drawEntity(e, scene.names.get(e.id), false);
    }
    if (scene.own && scene.own.hp > 0) {
      this.drawEntity({ ...scene.own, kind: 'player' }, scene.names.get(scene.own.id), true);
    }
    for (const fx of scene.effects ?? []) this.drawEffect(fx);
    ctx.restore();
    if (scene.flash) this.drawFlash(scene.flash);
  }

  /** @param {ShownEffect} fx */
  drawEffect(fx) {
    const { ctx } = this;
    const fade = 1 - fx.age;
    if (fx.what === 'hit') {
      ctx.strokeStyle = `rgba(255, 240, 160, ${fade})`;
      ctx.lineWidth = 3;
      ctx.beginPath();
      ctx.arc(fx.x, fx.y, PLAYER_RADIUS + 4 + fx.age * 14, 0, Math.PI * 2);
      ctx.stroke();
      return;
    }
    // A death: a ring that grows and a burst of sparks.
    ctx.strokeStyle = `rgba(255, 110, 80, ${fade})`;
    ctx.lineWidth = 4 * fade + 1;
    ctx.beginPath();
    ctx.arc(fx.x, fx.y, PLAYER_RADIUS + fx.age * 46, 0, Math.PI * 2);
    ctx.stroke();
    ctx.fillStyle = `rgba(255, 200, 90, ${fade})`;
    for (let i = 0; i < 12; i++) {
      const a = (i / 12) * Math.PI * 2 + 0.3;
      const d = PLAYER_RADIUS + fx.age * 70;
      ctx.fillRect(fx.x + Math.cos(a) * d - 2, fx.y + Math.sin(a) * d - 2, 4, 4);
    }
  }

  /** The own player was hit: the screen's edge flashes red. @param {number} strength 0 to 1 */
  drawFlash(strength) {
    const { ctx } = this;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    const r = Math.max(this.width, this.height) / 2;
    const g = ctx.createRadialGradient(this.width / 2, this.height / 2, r * 0.55, this.width / 2, this.height / 2, r * 1.15);
    g.addColorStop(0, 'rgba(255, 40, 40, 0)');
    g.addColorStop(1, `rgba(255, 40, 40, ${0.45 * strength})`);
    ctx.fillStyle = g;
    ctx.fillRect(0, 0, this.width, this.height);
  }

  /** @param {MapInfo} map */
  drawMap(map) {
    const { ctx } = this;
    ctx.fillStyle = COLORS.background;
    ctx.fillRect(0, 0, map.width, map.height);
    // Grid: every 50 units, a stronger line every 250; only the visible part.
    const half = { w: this.view.worldWidth / 2, h: this.view.worldHeight / 2 };
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
      // Names read at 12 CSS px on every screen, whatever the zoom.
      ctx.font = `${own ? 'bold ' : ''}${(12 / this.zoom).toFixed(2)}px system-ui, sans-serif`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      ctx.fillStyle = '#000000aa';
      ctx.fillText(name, e.x + 1, by - 2 + 1);
      ctx.fillStyle = own ? COLORS.own : COLORS.name;
      ctx.fillText(name, e.x, by - 2);
    }
  }
}
