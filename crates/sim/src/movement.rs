//! The movement rule for players and bots.
//!
//! PORTABILITY CONSTRAINT: the browser client runs this same rule to predict its own player, and
//! must get bit-identical results. So everything in this file uses only f32 `+ - * /`, `sqrt`,
//! `min`, `max`, `abs` and comparisons, each rounded to f32 (JavaScript: wrap every operation in
//! `Math.fround`; for these operations rounding the f64 result to f32 equals the f32 result).
//! Minimum, maximum and clamping are written as explicit comparisons (`if a < b`), not
//! `f32::min`/`max`, whose choice between `-0.0` and `+0.0` is unspecified. No `sin`, `cos`, `atan2`, `exp`, `powf`, no fused multiply-add, no glam vector methods (whose
//! evaluation order is not ours to pin down): scalar code, in the order written. Walls are
//! resolved in map order. Change this file only together with `web-client`'s port and the shared
//! test vectors.

use glam::Vec2;

use crate::input::PlayerInput;
use crate::map::{Map, Wall};
use crate::rules::{
    ACCELERATION, COLLISION_PASSES, DIAGONAL_FACTOR, FRICTION, MAX_SPEED, PLAYER_RADIUS,
};

/// The unit direction a movement input asks for: each axis is the sign of `move_x` / `move_y`,
/// and both are multiplied by [`DIAGONAL_FACTOR`] when both are non-zero.
pub fn move_direction(input: &PlayerInput) -> (f32, f32) {
    let x = f32::from(input.move_x.signum());
    let y = f32::from(input.move_y.signum());
    if x != 0.0 && y != 0.0 {
        (x * DIAGONAL_FACTOR, y * DIAGONAL_FACTOR)
    } else {
        (x, y)
    }
}

/// One tick of movement for a player or bot of radius [`PLAYER_RADIUS`]: returns the new
/// position and velocity. Pure; the browser client ports it exactly (see the module docs).
///
/// 1. Velocity moves toward `direction * MAX_SPEED` by at most `rate * dt`, where the rate is
///    [`ACCELERATION`] while a key is held and [`FRICTION`] when none is.
/// 2. Speed is clamped to [`MAX_SPEED`].
/// 3. Position moves by `velocity * dt`.
/// 4. [`COLLISION_PASSES`] times, in map order, the circle is pushed out of each wall it
///    overlaps, and velocity loses its component into that wall.
/// 5. The circle is clamped inside the map, and velocity into an edge is zeroed.
pub fn move_player(pos: Vec2, vel: Vec2, input: &PlayerInput, dt: f32, map: &Map) -> (Vec2, Vec2) {
    let (dir_x, dir_y) = move_direction(input);
    let target_x = dir_x * MAX_SPEED;
    let target_y = dir_y * MAX_SPEED;
    let rate = if dir_x == 0.0 && dir_y == 0.0 {
        FRICTION
    } else {
        ACCELERATION
    };
    let max_change = rate * dt;

    let gap_x = target_x - vel.x;
    let gap_y = target_y - vel.y;
    let gap = (gap_x * gap_x + gap_y * gap_y).sqrt();
    let (mut vx, mut vy) = if gap <= max_change {
        (target_x, target_y)
    } else {
        let k = max_change / gap;
        (vel.x + gap_x * k, vel.y + gap_y * k)
    };

    let speed = (vx * vx + vy * vy).sqrt();
    if speed > MAX_SPEED {
        let k = MAX_SPEED / speed;
        vx *= k;
        vy *= k;
    }

    let mut px = pos.x + vx * dt;
    let mut py = pos.y + vy * dt;
    let r = PLAYER_RADIUS;

    for _ in 0..COLLISION_PASSES {
        for wall in &map.walls {
            push_out_of_wall(wall, r, &mut px, &mut py, &mut vx, &mut vy);
        }
    }

    let max_x = map.width - r;
    let max_y = map.height - r;
    if px < r {
        px = r;
        if vx < 0.0 {
            vx = 0.0;
        }
    }
    if px > max_x {
        px = max_x;
        if vx > 0.0 {
            vx = 0.0;
        }
    }
    if py < r {
        py = r;
        if vy < 0.0 {
            vy = 0.0;
        }
    }
    if py > max_y {
        py = max_y;
        if vy > 0.0 {
            vy = 0.0;
        }
    }
    (Vec2::new(px, py), Vec2::new(vx, vy))
}

/// Pushes a circle of radius `r` at `(px, py)` out of `wall` if they overlap, and removes the
/// velocity component that points into the wall.
fn push_out_of_wall(wall: &Wall, r: f32, px: &mut f32, py: &mut f32, vx: &mut f32, vy: &mut f32) {
    let right = wall.x + wall.w;
    let bottom = wall.y + wall.h;
    let cx = clamp(*px, wall.x, right);
    let cy = clamp(*py, wall.y, bottom);
    let dx = *px - cx;
    let dy = *py - cy;
    let d2 = dx * dx + dy * dy;
    if d2 >= r * r {
        return;
    }
    let (nx, ny);
    if d2 > 0.0 {
        // The centre is outside the rectangle: push along the line from the nearest point.
        let d = d2.sqrt();
        nx = dx / d;
        ny = dy / d;
        *px = cx + nx * r;
        *py = cy + ny * r;
    } else {
        // The centre is inside the rectangle: leave by the nearest side (ties: left, right,
        // top, bottom, in that order).
        let left = *px - wall.x;
        let to_right = right - *px;
        let top = *py - wall.y;
        let to_bottom = bottom - *py;
        let m = least(least(least(left, to_right), top), to_bottom);
        if left == m {
            (nx, ny) = (-1.0, 0.0);
            *px = wall.x - r;
        } else if to_right == m {
            (nx, ny) = (1.0, 0.0);
            *px = right + r;
        } else if top == m {
            (nx, ny) = (0.0, -1.0);
            *py = wall.y - r;
        } else {
            (nx, ny) = (0.0, 1.0);
            *py = bottom + r;
        }
    }
    let into = *vx * nx + *vy * ny;
    if into < 0.0 {
        *vx -= nx * into;
        *vy -= ny * into;
    }
}

/// `lo` if `v < lo`, else `hi` if `v > hi`, else `v`.
fn clamp(v: f32, lo: f32, hi: f32) -> f32 {
    if v < lo {
        lo
    } else if v > hi {
        hi
    } else {
        v
    }
}

/// `b` if `b < a`, else `a`.
fn least(a: f32, b: f32) -> f32 {
    if b < a { b } else { a }
}
