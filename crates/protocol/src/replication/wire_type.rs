//! `WireType`: what a replicated field is on the wire, and the precision it keeps.

use serde::{Deserialize, Serialize};

/// Most bits an [`WireType::Angle`] may take.
pub const MAX_ANGLE_BITS: u8 = 16;

/// Most variants an [`WireType::Enum`] may name.
pub const MAX_ENUM_VARIANTS: usize = 256;

/// Longest [`WireType::Text`] a schema may declare, in UTF-8 bytes.
pub const MAX_TEXT_BYTES: u16 = 256;

/// The wire type of one replicated field: how a value is quantized and packed.
///
/// Every field is held as one or two 32-bit *slots* (a [`WireType::Vec2`] takes two); a slot is
/// what a delta compares and sends.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum WireType {
    /// A number quantized to multiples of `step` (a position on one axis, a speed, a timer).
    /// Held as a signed 32-bit count of steps; changes are sent as small signed residuals.
    Fixed {
        /// The quantization step in the game's units; the error is at most half of it.
        step: f32,
    },
    /// A 2D vector (usually a position), each component quantized to `step` as [`WireType::Fixed`].
    Vec2 {
        /// The quantization step of each component.
        step: f32,
    },
    /// An angle of a full turn in `bits` bits (1 to [`MAX_ANGLE_BITS`]); it wraps, so a small
    /// turn across zero costs a small residual.
    Angle {
        /// Bits for a full turn: 8 bits is 1.41 degrees a step.
        bits: u8,
    },
    /// An integer in `min..=max`, sent as a residual when it changes and as an offset from `min`
    /// in full snapshots.
    Int {
        /// The smallest value.
        min: i32,
        /// The largest value.
        max: i32,
    },
    /// A boolean: a change costs no bits beyond saying which entity changed.
    Bool,
    /// One of a few named values, sent as its index in the fewest bits that hold every index.
    Enum {
        /// The variants' names, in index order (2 to [`MAX_ENUM_VARIANTS`]).
        variants: Vec<String>,
    },
    /// A 24-bit RGB colour (`0xRRGGBB`).
    Color,
    /// A short UTF-8 string (a name, a label), sent whole when it changes.
    Text {
        /// The longest value in bytes (1 to [`MAX_TEXT_BYTES`]).
        max_bytes: u16,
    },
}

/// How a slot's changes are packed (derived from its [`WireType`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SlotCoding {
    /// A signed residual in a block; `wrap` bits for an angle (residuals wrap at that width).
    Residual {
        /// For an angle, the bits of a turn; `None` for a plain signed value.
        wrap: Option<u8>,
    },
    /// The new value in `bits` bits (booleans: 0 bits, a change flips them).
    Raw {
        /// Bits of a value.
        bits: u8,
    },
    /// A string: its length then its bytes.
    Text {
        /// Longest value in bytes.
        max_bytes: u16,
    },
}

/// How a slot's value is packed when its entity is sent in full (derived from its [`WireType`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FullCoding {
    /// A signed value, zigzagged, in a block.
    Signed,
    /// An offset from `min`, in a block.
    Offset {
        /// The value an offset of zero stands for.
        min: i32,
    },
    /// The value in `bits` bits.
    Raw {
        /// Bits of a value.
        bits: u8,
    },
    /// A string: its length then its bytes.
    Text,
}

impl WireType {
    /// How a value of this type is packed in a full entity.
    pub fn full_coding(&self) -> FullCoding {
        match self {
            WireType::Fixed { .. } | WireType::Vec2 { .. } => FullCoding::Signed,
            WireType::Int { min, .. } => FullCoding::Offset { min: *min },
            WireType::Angle { bits } => FullCoding::Raw { bits: *bits },
            WireType::Bool => FullCoding::Raw { bits: 1 },
            WireType::Enum { variants } => FullCoding::Raw {
                bits: bits_for(variants.len() as u32 - 1),
            },
            WireType::Color => FullCoding::Raw { bits: 24 },
            WireType::Text { .. } => FullCoding::Text,
        }
    }

    /// The smallest and largest slot value the type holds (a text slot holds its text's index).
    pub fn range(&self) -> (i32, i32) {
        match self {
            WireType::Fixed { .. } | WireType::Vec2 { .. } => (i32::MIN, i32::MAX),
            WireType::Angle { bits } => (0, ((1u32 << bits) - 1) as i32),
            WireType::Int { min, max } => (*min, *max),
            WireType::Bool => (0, 1),
            WireType::Enum { variants } => (0, variants.len() as i32 - 1),
            WireType::Color => (0, 0xFF_FFFF),
            WireType::Text { .. } => (0, MAX_SLOTS_TEXT),
        }
    }

    /// Slots the type takes: 2 for a vector, 1 for everything else.
    pub fn slots(&self) -> usize {
        match self {
            WireType::Vec2 { .. } => 2,
            _ => 1,
        }
    }

    /// Why the type cannot be used, if it cannot.
    pub fn check(&self) -> Result<(), &'static str> {
        match self {
            WireType::Fixed { step } | WireType::Vec2 { step } => {
                if step.is_finite() && *step > 0.0 {
                    Ok(())
                } else {
                    Err("a step must be finite and above zero")
                }
            }
            WireType::Angle { bits } if (1..=MAX_ANGLE_BITS).contains(bits) => Ok(()),
            WireType::Angle { .. } => Err("an angle takes 1 to 16 bits"),
            WireType::Int { min, max } if min <= max => Ok(()),
            WireType::Int { .. } => Err("an integer's min is above its max"),
            WireType::Enum { variants } if (2..=MAX_ENUM_VARIANTS).contains(&variants.len()) => {
                Ok(())
            }
            WireType::Enum { .. } => Err("an enum takes 2 to 256 variants"),
            WireType::Text { max_bytes } if (1..=MAX_TEXT_BYTES).contains(max_bytes) => Ok(()),
            WireType::Text { .. } => Err("a text takes 1 to 256 bytes"),
            WireType::Bool | WireType::Color => Ok(()),
        }
    }

    /// How the type's slots are packed.
    pub fn coding(&self) -> SlotCoding {
        match self {
            WireType::Fixed { .. } | WireType::Vec2 { .. } | WireType::Int { .. } => {
                SlotCoding::Residual { wrap: None }
            }
            WireType::Angle { bits } => SlotCoding::Residual { wrap: Some(*bits) },
            WireType::Bool => SlotCoding::Raw { bits: 0 },
            WireType::Enum { variants } => SlotCoding::Raw {
                bits: bits_for(variants.len() as u32 - 1),
            },
            WireType::Color => SlotCoding::Raw { bits: 24 },
            WireType::Text { max_bytes } => SlotCoding::Text {
                max_bytes: *max_bytes,
            },
        }
    }

    /// Quantizes a game value to a slot value: rounded to the step, wrapped to a turn, clamped to
    /// a range. Non-finite values become 0 (or `min`).
    #[inline]
    pub fn quantize(&self, v: f64) -> i32 {
        match self {
            WireType::Fixed { step } | WireType::Vec2 { step } => quantize_fixed(v, *step),
            WireType::Angle { bits } => quantize_angle(v, *bits),
            WireType::Int { min, max } => quantize_int(v, *min, *max),
            WireType::Bool => i32::from(v.is_finite() && v != 0.0),
            WireType::Enum { variants } => {
                let v = if v.is_finite() { v } else { 0.0 };
                round_i64(v).clamp(0, variants.len() as i64 - 1) as i32
            }
            WireType::Color => {
                let v = if v.is_finite() { v } else { 0.0 };
                (v as i64).clamp(0, 0xFF_FFFF) as i32
            }
            WireType::Text { .. } => 0,
        }
    }

    /// The game value a slot value stands for (angles in radians in (-pi, pi]).
    #[inline]
    pub fn dequantize(&self, q: i32) -> f64 {
        match self {
            WireType::Fixed { step } | WireType::Vec2 { step } => f64::from(q) * f64::from(*step),
            WireType::Angle { bits } => {
                let a = f64::from(q) * std::f64::consts::TAU / f64::from(1u32 << bits);
                if a > std::f64::consts::PI {
                    a - std::f64::consts::TAU
                } else {
                    a
                }
            }
            _ => f64::from(q),
        }
    }
}

/// `x` rounded half away from zero, as `x.round() as i64` (saturating, NaN to 0), without the
/// call into libm that `f64::round` is on x86-64's baseline: the truncation is exact, and so is
/// the fraction it leaves below 2^52 (above, `x` is a whole number already).
#[inline(always)]
pub(crate) fn round_i64(x: f64) -> i64 {
    let t = x as i64;
    let fraction = x - t as f64;
    // Selects, not branches: the fraction of a moving value is anybody's guess, and a branch on
    // it would be mispredicted half the time.
    let up = i64::from(fraction >= 0.5);
    let down = i64::from(fraction <= -0.5);
    t.saturating_add(up).saturating_sub(down)
}

/// [`WireType::Fixed`]'s (and each [`WireType::Vec2`] component's) quantization.
#[inline(always)]
pub(crate) fn quantize_fixed(v: f64, step: f32) -> i32 {
    if !v.is_finite() {
        return 0;
    }
    // Saturates, so huge values clamp instead of wrapping.
    round_i64(v / f64::from(step)).clamp(i64::from(i32::MIN), i64::from(i32::MAX)) as i32
}

/// [`WireType::Angle`]'s quantization: the nearest of `2^bits` steps of a turn.
#[inline(always)]
pub(crate) fn quantize_angle(v: f64, bits: u8) -> i32 {
    let v = if v.is_finite() { v } else { 0.0 };
    let steps = f64::from(1u32 << bits);
    // The turn's remainder, as `rem_euclid(1 << bits)` but without a division: two's
    // complement makes the mask exact for negative values too.
    (round_i64(v / std::f64::consts::TAU * steps) & ((1i64 << bits) - 1)) as i32
}

/// [`WireType::Int`]'s quantization: the nearest integer, clamped to the range.
#[inline(always)]
pub(crate) fn quantize_int(v: f64, min: i32, max: i32) -> i32 {
    let v = if v.is_finite() { v } else { 0.0 };
    round_i64(v).clamp(i64::from(min), i64::from(max)) as i32
}

/// The largest text index a slot can hold (a kind holds at most 64 slots).
const MAX_SLOTS_TEXT: i32 = 63;

/// Bits needed to write every value up to `max`.
pub(crate) fn bits_for(max: u32) -> u8 {
    (32 - max.leading_zeros()) as u8
}

/// The residual of a slot between two values: wrapping for plain values, and for an angle the
/// turn of `bits` bits taken the short way round.
#[inline]
pub(crate) fn residual(coding_wrap: Option<u8>, from: i32, to: i32) -> i32 {
    let d = to.wrapping_sub(from);
    match coding_wrap {
        None => d,
        Some(bits) => {
            let shift = 32 - u32::from(bits);
            (d << shift) >> shift
        }
    }
}

/// `from` moved on by residual `r` (the inverse of [`residual`]).
#[inline]
pub(crate) fn apply_residual(coding_wrap: Option<u8>, from: i32, r: i32) -> i32 {
    let v = from.wrapping_add(r);
    match coding_wrap {
        None => v,
        Some(bits) => (v as u32 & ((1u32 << bits) - 1)) as i32,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_angle_turns_the_short_way_round() {
        assert_eq!(residual(Some(8), 250, 3), 9);
        assert_eq!(residual(Some(8), 3, 250), -9);
        assert_eq!(apply_residual(Some(8), 250, 9), 3);
        assert_eq!(apply_residual(Some(8), 3, -9), 250);
        assert_eq!(residual(None, i32::MAX, i32::MIN), 1);
    }

    #[test]
    fn quantizing_keeps_half_a_step() {
        let t = WireType::Fixed { step: 1.0 / 16.0 };
        for i in -1000..1000 {
            let v = f64::from(i) * 0.37;
            assert!((t.dequantize(t.quantize(v)) - v).abs() <= 1.0 / 32.0 + 1e-9);
        }
        let a = WireType::Angle { bits: 8 };
        assert_eq!(a.quantize(std::f64::consts::FRAC_PI_2), 64);
        assert_eq!(a.quantize(-std::f64::consts::FRAC_PI_2), 192);
        assert_eq!(WireType::Int { min: 0, max: 9 }.quantize(12.0), 9);
        assert_eq!(WireType::Fixed { step: 1.0 }.quantize(f64::NAN), 0);
        for x in [
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.5,
            -1.5,
            2.5,
            -2.49999,
            0.49999999999999994,
            1e15 + 0.5,
            4503599627370497.0,
            -4503599627370497.0,
            1e300,
            -1e300,
            f64::MAX,
            f64::MIN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            9.223372036854776e18,
        ] {
            assert_eq!(round_i64(x), x.round() as i64, "{x}");
        }
    }

    #[test]
    fn types_that_cannot_work_are_refused() {
        assert!(WireType::Fixed { step: 0.0 }.check().is_err());
        assert!(WireType::Angle { bits: 17 }.check().is_err());
        assert!(WireType::Int { min: 3, max: 2 }.check().is_err());
        assert!(
            WireType::Enum {
                variants: vec!["a".into()]
            }
            .check()
            .is_err()
        );
        assert!(WireType::Text { max_bytes: 0 }.check().is_err());
        assert_eq!(
            WireType::Enum {
                variants: vec!["a".into(), "b".into(), "c".into()]
            }
            .coding(),
            SlotCoding::Raw { bits: 2 }
        );
    }
}
