//! The field: a rectangle split into two halves, a base on each side where that team's flag
//! rests, and the distances at which things touch. Pure data and geometry, no state.

use tickwire_protocol::replication::ReplicateEnum;

/// Width of the field, in world units (x runs over `0..WIDTH`).
pub const WIDTH: f32 = 1600.0;
/// Height of the field, in world units (y runs over `0..HEIGHT`).
pub const HEIGHT: f32 = 800.0;
/// Radius of a base: a carrier inside its own base scores (while its own flag is home).
pub const BASE_RADIUS: f32 = 80.0;
/// Radius of a runner; runners stay this far inside the field's edges.
pub const RUNNER_RADIUS: f32 = 14.0;
/// Centre distance at which a defender touches an enemy carrier (two runners touching).
pub const TAG_REACH: f32 = 28.0;
/// Centre distance at which a runner touches a flag (picks it up, or returns it).
pub const FLAG_REACH: f32 = 24.0;
/// How fast a runner runs, in units per second.
pub const SPEED: f32 = 220.0;
/// How fast a flag carrier runs: a little slower, so that defenders can catch up.
pub const CARRIER_SPEED: f32 = 198.0;
/// Seconds a dropped flag lies where it fell before it returns home by itself.
pub const RETURN_SECS: f32 = 10.0;

/// A team. Red defends the left half, blue the right one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, ReplicateEnum)]
pub enum Team {
    /// The left half's team.
    Red,
    /// The right half's team.
    Blue,
}

impl Team {
    /// Both teams, in order (red first).
    pub const BOTH: [Team; 2] = [Team::Red, Team::Blue];

    /// The other team.
    pub fn other(self) -> Team {
        match self {
            Team::Red => Team::Blue,
            Team::Blue => Team::Red,
        }
    }

    /// 0 for red, 1 for blue: an index into per-team arrays.
    pub fn slot(self) -> usize {
        match self {
            Team::Red => 0,
            Team::Blue => 1,
        }
    }

    /// The centre of this team's base, where its flag rests.
    pub fn base(self) -> [f32; 2] {
        match self {
            Team::Red => [BASE_INSET, HEIGHT / 2.0],
            Team::Blue => [WIDTH - BASE_INSET, HEIGHT / 2.0],
        }
    }

    /// Whether `pos` is in this team's half (the middle line belongs to blue).
    pub fn owns(self, pos: [f32; 2]) -> bool {
        (pos[0] < WIDTH / 2.0) == (self == Team::Red)
    }

    /// The team's name as players read it.
    pub fn name(self) -> &'static str {
        match self {
            Team::Red => "red",
            Team::Blue => "blue",
        }
    }
}

/// How far each base's centre is from its end of the field.
const BASE_INSET: f32 = 200.0;

/// Whether `a` and `b` are at most `reach` apart.
pub fn within(a: [f32; 2], b: [f32; 2], reach: f32) -> bool {
    let (dx, dy) = (a[0] - b[0], a[1] - b[1]);
    dx * dx + dy * dy <= reach * reach
}

/// `pos` kept inside the field, a runner's radius from its edges.
pub fn clamp_to_field(pos: [f32; 2]) -> [f32; 2] {
    [
        pos[0].clamp(RUNNER_RADIUS, WIDTH - RUNNER_RADIUS),
        pos[1].clamp(RUNNER_RADIUS, HEIGHT - RUNNER_RADIUS),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_base_is_in_its_own_half() {
        for team in Team::BOTH {
            assert!(team.owns(team.base()), "{team:?}");
            assert!(!team.other().owns(team.base()), "{team:?}");
            assert_eq!(team.other().other(), team);
        }
        assert!(Team::Blue.owns([WIDTH / 2.0, 10.0]));
        assert_eq!(Team::VARIANTS, ["red", "blue"]);
    }
}
