// The arena's movement rule, a bit-exact port of the server's (crates/sim/src/movement.rs,
// constants from crates/sim/src/rules.rs): the step function the own player's prediction runs
// (own_player.js).
//
// Every arithmetic operation is rounded to f32 with Math.fround, in the order the Rust code
// writes it: for + - * / and sqrt, rounding the exact f64 result to f32 equals the f32 result, so
// the port gives the same bits as the server. Keep this file in step with movement.rs; the
// predict_*.json vectors in tests/vectors/ check it.

const f = Math.fround;

/** Radius of a player or bot, in world units (rules::PLAYER_RADIUS). */
export const PLAYER_RADIUS = 14;
/** Top speed, units per second (rules::MAX_SPEED). */
export const MAX_SPEED = 220;
/** Velocity change per second while a key is held (rules::ACCELERATION). */
export const ACCELERATION = 1600;
/** Velocity decay per second when no key is held (rules::FRICTION). */
export const FRICTION = 1200;
/** f32 FRAC_1_SQRT_2, bits 0x3F3504F3 (rules::DIAGONAL_FACTOR). */
export const DIAGONAL_FACTOR = f(Math.SQRT1_2);
/** Wall resolution passes per tick (rules::COLLISION_PASSES). */
export const COLLISION_PASSES = 2;
/** Radius of a projectile (rules::PROJECTILE_RADIUS), for drawing. */
export const PROJECTILE_RADIUS = 4;
/** Hit points at spawn (rules::MAX_HP), for hp bars. */
export const MAX_HP = 100;
/** Seconds a dead player waits to respawn (rules::RESPAWN_DELAY_SECS), for the countdown. */
export const RESPAWN_DELAY_SECS = 2;

/** Fixed-point steps per world unit of positions on the wire (quant::POS_SCALE). */
export const POS_SCALE = 16;

/**
 * @typedef {{x: number, y: number, w: number, h: number}} Wall
 * @typedef {{width: number, height: number, walls: Wall[]}} MoveMap
 * @typedef {{move_x?: unknown, move_y?: unknown, aim?: unknown, fire?: unknown}} MoveInput
 *   the arena's input values by field name (the axes -1, 0 or 1; others are not read here)
 * @typedef {{pos: [number, number], vel: [number, number]}} Body
 */

/**
 * A movement axis as the server reads it: the sign of the input's integer axis (-1, 0 or 1;
 * anything else counts from over half a unit, as the v4 server read its floats).
 * @param {number} v
 * @returns {number}
 */
export function axis(v) {
  return v > 0.5 ? 1 : v < -0.5 ? -1 : 0;
}

/**
 * The direction a movement input asks for (movement::move_direction).
 * @param {MoveInput} input
 * @returns {[number, number]}
 */
export function moveDirection(input) {
  const x = axis(Number(input.move_x ?? 0));
  const y = axis(Number(input.move_y ?? 0));
  if (x !== 0 && y !== 0) return [f(x * DIAGONAL_FACTOR), f(y * DIAGONAL_FACTOR)];
  return [x, y];
}

/**
 * One tick of movement (movement::move_player), bit-exact with the server.
 * @param {[number, number]} pos
 * @param {[number, number]} vel
 * @param {MoveInput} input
 * @param {number} dt seconds, an f32 (use `tickDt`)
 * @param {MoveMap} map
 * @returns {Body}
 */
export function movePlayer(pos, vel, input, dt, map) {
  const [dirX, dirY] = moveDirection(input);
  const targetX = f(dirX * MAX_SPEED);
  const targetY = f(dirY * MAX_SPEED);
  const rate = dirX === 0 && dirY === 0 ? FRICTION : ACCELERATION;
  const maxChange = f(rate * dt);

  const velX = f(vel[0]);
  const velY = f(vel[1]);
  const gapX = f(targetX - velX);
  const gapY = f(targetY - velY);
  const gap = f(Math.sqrt(f(f(gapX * gapX) + f(gapY * gapY))));
  let vx;
  let vy;
  if (gap <= maxChange) {
    vx = targetX;
    vy = targetY;
  } else {
    const k = f(maxChange / gap);
    vx = f(velX + f(gapX * k));
    vy = f(velY + f(gapY * k));
  }

  const speed = f(Math.sqrt(f(f(vx * vx) + f(vy * vy))));
  if (speed > MAX_SPEED) {
    const k = f(MAX_SPEED / speed);
    vx = f(vx * k);
    vy = f(vy * k);
  }

  const s = { px: f(f(pos[0]) + f(vx * dt)), py: f(f(pos[1]) + f(vy * dt)), vx, vy };
  const r = PLAYER_RADIUS;
  for (let pass = 0; pass < COLLISION_PASSES; pass++) {
    for (const wall of map.walls) pushOutOfWall(wall, r, s);
  }

  const maxX = f(map.width - r);
  const maxY = f(map.height - r);
  if (s.px < r) {
    s.px = r;
    s.vx = Math.max(s.vx, 0);
  }
  if (s.px > maxX) {
    s.px = maxX;
    s.vx = Math.min(s.vx, 0);
  }
  if (s.py < r) {
    s.py = r;
    s.vy = Math.max(s.vy, 0);
  }
  if (s.py > maxY) {
    s.py = maxY;
    s.vy = Math.min(s.vy, 0);
  }
  return { pos: [s.px, s.py], vel: [s.vx, s.vy] };
}

/**
 * Pushes the circle out of one wall and removes the velocity into it (movement::push_out_of_wall).
 * @param {Wall} wall
 * @param {number} r
 * @param {{px: number, py: number, vx: number, vy: number}} s updated in place
 */
function pushOutOfWall(wall, r, s) {
  const wx = f(wall.x);
  const wy = f(wall.y);
  const right = f(wx + f(wall.w));
  const bottom = f(wy + f(wall.h));
  const cx = Math.min(Math.max(s.px, wx), right);
  const cy = Math.min(Math.max(s.py, wy), bottom);
  const dx = f(s.px - cx);
  const dy = f(s.py - cy);
  const d2 = f(f(dx * dx) + f(dy * dy));
  if (d2 >= f(r * r)) return;
  let nx;
  let ny;
  if (d2 > 0) {
    const d = f(Math.sqrt(d2));
    nx = f(dx / d);
    ny = f(dy / d);
    s.px = f(cx + f(nx * r));
    s.py = f(cy + f(ny * r));
  } else {
    const left = f(s.px - wx);
    const toRight = f(right - s.px);
    const top = f(s.py - wy);
    const toBottom = f(bottom - s.py);
    const m = Math.min(Math.min(Math.min(left, toRight), top), toBottom);
    if (left === m) {
      nx = -1;
      ny = 0;
      s.px = f(wx - r);
    } else if (toRight === m) {
      nx = 1;
      ny = 0;
      s.px = f(right + r);
    } else if (top === m) {
      nx = 0;
      ny = -1;
      s.py = f(wy - r);
    } else {
      nx = 0;
      ny = 1;
      s.py = f(bottom + r);
    }
  }
  const into = f(f(s.vx * nx) + f(s.vy * ny));
  if (into < 0) {
    s.vx = f(s.vx - f(nx * into));
    s.vy = f(s.vy - f(ny * into));
  }
}

/**
 * The f32 tick length the server uses for a tick rate.
 * @param {number} tickRate ticks per second
 * @returns {number}
 */
export function tickDt(tickRate) {
  return f(1 / f(tickRate));
}

/**
 * Quantizes a world coordinate like the server (quant::pos_to_fixed: round half away from zero).
 * @param {number} v
 * @returns {number}
 */
export function posToFixed(v) {
  if (!Number.isFinite(v)) return 0;
  const s = f(v * POS_SCALE);
  const r = Math.sign(s) * Math.round(Math.abs(s));
  return Math.max(-2147483648, Math.min(2147483647, r));
}
