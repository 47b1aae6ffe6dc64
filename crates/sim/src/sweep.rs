//! Segment tests for fast-moving things: projectiles against walls and targets, and bots'
//! line of sight. Server-only; the client never runs them.

use glam::Vec2;

use crate::map::{Map, Wall};

/// Where (as a fraction `t` in `[0, 1]` of the way from `p0` to `p1`) a segment first enters
/// `wall` grown by `pad` on every side, or `None` if it never does. A segment that starts inside
/// gives `Some(0.0)`. The grown rectangle has square corners, so a round projectile grazing a
/// corner diagonally is stopped up to `pad * (sqrt 2 - 1)` early, which nobody can see.
pub fn segment_wall(p0: Vec2, p1: Vec2, wall: &Wall, pad: f32) -> Option<f32> {
    let min = [wall.x - pad, wall.y - pad];
    let max = [wall.right() + pad, wall.bottom() + pad];
    // Cheap rejection of the common case (the segment's bounding box misses the wall entirely)
    // before the divisions below.
    if p0.x.max(p1.x) <= min[0]
        || p0.x.min(p1.x) >= max[0]
        || p0.y.max(p1.y) <= min[1]
        || p0.y.min(p1.y) >= max[1]
    {
        return None;
    }
    let start = [p0.x, p0.y];
    let delta = [p1.x - p0.x, p1.y - p0.y];
    let mut t_min = 0.0_f32;
    let mut t_max = 1.0_f32;
    for axis in 0..2 {
        if delta[axis] == 0.0 {
            if start[axis] <= min[axis] || start[axis] >= max[axis] {
                return None;
            }
        } else {
            let inv = 1.0 / delta[axis];
            let mut t1 = (min[axis] - start[axis]) * inv;
            let mut t2 = (max[axis] - start[axis]) * inv;
            if t1 > t2 {
                std::mem::swap(&mut t1, &mut t2);
            }
            t_min = t_min.max(t1);
            t_max = t_max.min(t2);
            if t_min >= t_max {
                return None;
            }
        }
    }
    Some(t_min)
}

/// Where (fraction `t` in `[0, 1]`) a segment first comes within `radius` of `center`, or `None`.
/// A segment that starts within `radius` gives `Some(0.0)`.
pub fn segment_circle(p0: Vec2, p1: Vec2, center: Vec2, radius: f32) -> Option<f32> {
    let d = p1 - p0;
    let f = p0 - center;
    let c = f.dot(f) - radius * radius;
    if c < 0.0 {
        return Some(0.0);
    }
    let a = d.dot(d);
    if a == 0.0 {
        return None;
    }
    let b = f.dot(d);
    if b >= 0.0 {
        // Moving away from (or alongside) the centre while outside: no entry.
        return None;
    }
    let disc = b * b - a * c;
    if disc < 0.0 {
        return None;
    }
    let t = (-b - disc.sqrt()) / a;
    (t <= 1.0).then_some(t.max(0.0))
}

/// True when a segment crosses no wall grown by `pad`.
pub fn clear_line(map: &Map, p0: Vec2, p1: Vec2, pad: f32) -> bool {
    map.walls
        .iter()
        .all(|w| segment_wall(p0, p1, w, pad).is_none())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_wall_hits_and_misses() {
        let w = Wall {
            x: 10.0,
            y: -5.0,
            w: 10.0,
            h: 10.0,
        };
        let t = segment_wall(Vec2::ZERO, Vec2::new(40.0, 0.0), &w, 0.0).expect("crosses");
        assert!((t - 0.25).abs() < 1e-6);
        assert!(segment_wall(Vec2::ZERO, Vec2::new(5.0, 0.0), &w, 0.0).is_none());
        assert!(segment_wall(Vec2::new(0.0, 20.0), Vec2::new(40.0, 20.0), &w, 0.0).is_none());
        assert_eq!(
            segment_wall(Vec2::new(15.0, 0.0), Vec2::new(16.0, 0.0), &w, 0.0),
            Some(0.0)
        );
        // Padding makes a near miss a hit.
        assert!(segment_wall(Vec2::new(0.0, 8.0), Vec2::new(40.0, 8.0), &w, 4.0).is_some());
    }

    #[test]
    fn segment_circle_hits_and_misses() {
        let t = segment_circle(
            Vec2::ZERO,
            Vec2::new(100.0, 0.0),
            Vec2::new(50.0, 0.0),
            10.0,
        )
        .expect("crosses");
        assert!((t - 0.4).abs() < 1e-6);
        assert!(
            segment_circle(
                Vec2::ZERO,
                Vec2::new(100.0, 0.0),
                Vec2::new(50.0, 20.0),
                10.0
            )
            .is_none()
        );
        assert!(
            segment_circle(Vec2::ZERO, Vec2::new(30.0, 0.0), Vec2::new(50.0, 0.0), 10.0).is_none()
        );
        assert_eq!(
            segment_circle(Vec2::ZERO, Vec2::new(1.0, 0.0), Vec2::ZERO, 10.0),
            Some(0.0)
        );
    }
}
