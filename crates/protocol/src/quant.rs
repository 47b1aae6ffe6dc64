//! Quantization of world values for the wire, and the precision it keeps.
//!
//! - Positions are fixed-point with [`POS_SCALE`] steps per world unit: a value is rounded to the
//!   nearest 1/16 unit, so the error is at most 1/32 unit.
//! - Angles are 8 bits for a full turn ([`ANGLE_STEPS`]): one step is 1.40625 degrees, so the
//!   error after rounding is at most 0.703 degrees.
//! - Hit points are whole numbers 0..=255.
//!
//! A client that applies deltas holds exactly the server's quantized values: errors never
//! accumulate, because deltas are taken between quantized values.

use std::f32::consts::{PI, TAU};

/// Fixed-point steps per world unit for positions.
pub const POS_SCALE: f32 = 16.0;

/// Steps for a full turn of an angle.
pub const ANGLE_STEPS: f32 = 256.0;

/// Largest position magnitude that quantizes without saturating, in world units.
pub const POS_LIMIT: f32 = (i32::MAX / 16) as f32;

/// Quantizes a position coordinate (world units) to fixed point, saturating non-finite values to 0.
pub fn pos_to_fixed(v: f32) -> i32 {
    if !v.is_finite() {
        return 0;
    }
    // `as` saturates, so huge values clamp instead of wrapping.
    (v * POS_SCALE).round() as i32
}

/// The world position a fixed-point coordinate stands for.
pub fn fixed_to_pos(q: i32) -> f32 {
    q as f32 / POS_SCALE
}

/// Quantizes an angle in radians (any value) to one of 256 steps; 0 is angle 0, 64 is +pi/2.
pub fn angle_to_u8(a: f32) -> u8 {
    if !a.is_finite() {
        return 0;
    }
    let turns = a / TAU;
    let steps = (turns * ANGLE_STEPS).round() as i64;
    steps.rem_euclid(256) as u8
}

/// The angle in (-pi, pi] that a quantized angle stands for.
pub fn u8_to_angle(q: u8) -> f32 {
    let a = q as f32 * TAU / ANGLE_STEPS;
    if a > PI { a - TAU } else { a }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn position_error_is_half_a_step() {
        for i in -1000..1000 {
            let v = i as f32 * 0.37;
            assert!((fixed_to_pos(pos_to_fixed(v)) - v).abs() <= 1.0 / 32.0 + 1e-4);
        }
        assert_eq!(pos_to_fixed(f32::NAN), 0);
        assert_eq!(pos_to_fixed(f32::INFINITY), 0);
    }

    #[test]
    fn angle_error_is_under_one_degree() {
        for i in -700..700 {
            let a = i as f32 * 0.01;
            let back = u8_to_angle(angle_to_u8(a));
            let mut d = (back - a).rem_euclid(TAU);
            if d > PI {
                d = TAU - d;
            }
            assert!(d.to_degrees() <= 0.71, "{a} -> {back}");
        }
        assert_eq!(angle_to_u8(PI / 2.0), 64);
        assert_eq!(angle_to_u8(-PI / 2.0), 192);
    }
}
