//! What a player asks for each tick.

use std::f32::consts::{PI, TAU};

/// One tick's worth of a player's intent. The server repeats the last one when none arrives.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PlayerInput {
    /// Horizontal movement: -1 (left), 0 or 1 (right). Other values count as their sign.
    pub move_x: i8,
    /// Vertical movement: -1 (up), 0 or 1 (down); +y is down on screen. Other values count as
    /// their sign.
    pub move_y: i8,
    /// Aim direction, in radians (0 = +x, pi/2 = +y, down). Any finite value; it is wrapped.
    pub aim: f32,
    /// Whether the fire button is held.
    pub fire: bool,
    /// Lag compensation: the player saw the world this many ticks before the one this input is
    /// applied to, so its shots are judged against where their targets were then (0: now; at
    /// most [`crate::HISTORY_TICKS`]).
    pub rewind: u16,
}

impl PlayerInput {
    /// The input with movement reduced to -1..=1 and aim wrapped into `(-pi, pi]` (a non-finite
    /// aim becomes 0), which is what the world stores and acts on.
    pub fn sanitized(self) -> Self {
        Self {
            move_x: self.move_x.signum(),
            move_y: self.move_y.signum(),
            aim: wrap_angle(self.aim),
            fire: self.fire,
            rewind: self.rewind.min(crate::rules::HISTORY_TICKS as u16),
        }
    }
}

/// Wraps an angle into `(-pi, pi]`; non-finite angles become 0.
pub fn wrap_angle(a: f32) -> f32 {
    if !a.is_finite() {
        return 0.0;
    }
    let mut a = a % TAU;
    if a > PI {
        a -= TAU;
    } else if a <= -PI {
        a += TAU;
    }
    // Rounding in the adjustment can land exactly on -pi; fold it to +pi.
    if a <= -PI { a + TAU } else { a }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_angle_lands_in_half_open_range() {
        for a in [
            0.0,
            PI,
            -PI,
            TAU,
            -TAU,
            3.0 * PI,
            -3.0 * PI,
            100.0,
            -100.0,
            1e7,
            -1e7,
        ] {
            let w = wrap_angle(a);
            assert!(w > -PI && w <= PI, "{a} -> {w}");
        }
        assert_eq!(wrap_angle(-PI), PI);
        assert_eq!(wrap_angle(f32::NAN), 0.0);
        assert_eq!(wrap_angle(1.0), 1.0);
    }

    #[test]
    fn sanitized_clamps_movement() {
        let i = PlayerInput {
            move_x: 100,
            move_y: -7,
            aim: f32::INFINITY,
            fire: true,
            rewind: 1000,
        }
        .sanitized();
        assert_eq!(
            i,
            PlayerInput {
                move_x: 1,
                move_y: -1,
                aim: 0.0,
                fire: true,
                rewind: crate::HISTORY_TICKS as u16,
            }
        );
    }
}
