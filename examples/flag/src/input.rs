//! `FlagInput`: what a player of capture the flag sends each tick, in the game's own shape. It
//! derives `Replicate` and is the schema's input (`.input::<FlagInput>()`): a client sends it as
//! a record of these two fields, and the `Game` impl reads each tick's record back as one.

use tickwire_protocol::Replicate;

/// One tick's controls: which way to run, each axis to 1/128. Each axis is clamped to -1..=1 (a
/// diagonal is normalized), so that no input runs faster than [`crate::field::SPEED`]. Both
/// fields always count for the same-intent rule.
#[derive(Clone, Copy, Debug, Default, PartialEq, Replicate)]
#[replicate(kind = "flag_input")]
pub struct FlagInput {
    /// Right is positive.
    #[replicate(fixed(step = 0.0078125))]
    pub move_x: f32,
    /// Down is positive (y grows down the field).
    #[replicate(fixed(step = 0.0078125))]
    pub move_y: f32,
}

impl FlagInput {
    /// Running in direction (`x`, `y`).
    pub fn new(x: f32, y: f32) -> FlagInput {
        FlagInput {
            move_x: x,
            move_y: y,
        }
    }

    /// The direction as a step of at most length 1; zero for a non-finite axis or one that is
    /// too small to mean anything.
    pub fn direction(&self) -> [f32; 2] {
        let axis = |v: f32| {
            if v.is_finite() {
                v.clamp(-1.0, 1.0)
            } else {
                0.0
            }
        };
        let (x, y) = (axis(self.move_x), axis(self.move_y));
        let len = (x * x + y * y).sqrt();
        if len < 0.01 {
            [0.0, 0.0]
        } else {
            let scale = 1.0 / len.max(1.0);
            [x * scale, y * scale]
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directions_are_clamped_and_normalized() {
        assert_eq!(FlagInput::new(0.0, 0.0).direction(), [0.0, 0.0]);
        assert_eq!(FlagInput::new(f32::NAN, 1.0).direction(), [0.0, 1.0]);
        assert_eq!(FlagInput::new(f32::INFINITY, 0.0).direction(), [0.0, 0.0]);
        assert_eq!(FlagInput::new(5.0, 0.0).direction(), [1.0, 0.0]);
        assert_eq!(FlagInput::new(0.5, 0.0).direction(), [0.5, 0.0]);
        let [x, y] = FlagInput::new(1.0, -1.0).direction();
        assert!(((x * x + y * y).sqrt() - 1.0).abs() < 1e-6);
    }

    #[test]
    fn it_declares_an_input_record_of_two_fields() {
        let desc = FlagInput::kind_desc();
        let names: Vec<_> = desc.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["move_x", "move_y"]);
        assert_eq!(desc.position, None);
    }
}
