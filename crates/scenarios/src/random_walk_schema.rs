//! The `random-walk` scenario's data on the wire: its schema (game `random-walk`, version 1),
//! whose two kinds (`player`, `prop`) share the fields of [`WalkerBody`], and whose input is a
//! [`WalkInput`]. It has no events, no score columns and no map features.

use std::sync::{Arc, LazyLock};

use tickwire_protocol::replication::SchemaBuilder;
use tickwire_protocol::{KindDesc, KindId, Replicate, Schema, SchemaDesc};

/// What a client sees of a walker or a player: the same three fields as the arena's entities.
#[derive(Clone, Copy, Debug, PartialEq, Replicate)]
#[replicate(kind = "prop")]
pub struct WalkerBody {
    /// Position, to 1/16 unit; predicted from its motion and interpolated.
    #[replicate(vec2(step = 0.0625), position, moving)]
    pub pos: [f64; 2],
    /// Heading in 256 steps a turn; interpolated.
    #[replicate(angle(bits = 8), interpolate)]
    pub angle: f64,
    /// Hit points: always [`crate::random_walk::HP`].
    #[replicate(int(min = 0, max = 255))]
    pub hp: u8,
}

/// What a random-walk client sends each tick: its entity's movement on each axis, to 1/64 unit
/// (the scenario clamps it to [-3, 3]). Both count for the same-intent rule.
#[derive(Clone, Copy, Debug, Default, PartialEq, Replicate)]
pub struct WalkInput {
    /// Movement along x this tick.
    #[replicate(fixed(step = 0.015625))]
    pub dx: f64,
    /// Movement along y this tick.
    #[replicate(fixed(step = 0.015625))]
    pub dy: f64,
}

/// The kind of a client's own entity.
pub const PLAYER: KindId = KindId(0);
/// The kind of the scenario's walkers.
pub const PROP: KindId = KindId(1);

/// The scenario's kinds, `player` and `prop`, under another game's name and input (the
/// transport floor's frame is a world of them).
pub(crate) fn walker_kinds(game: &str) -> SchemaBuilder {
    let kind = |name: &str| KindDesc {
        name: name.into(),
        ..WalkerBody::kind_desc()
    };
    SchemaDesc::builder(game, 1)
        .kind_desc(kind("player"))
        .kind_desc(kind("prop"))
}

static SCHEMA: LazyLock<Arc<Schema>> = LazyLock::new(|| {
    let desc = walker_kinds("random-walk").input::<WalkInput>();
    // A fixed declaration, checked by the test below.
    Arc::new(desc.build().expect("the random-walk schema is valid"))
});

/// The scenario's schema (built once).
pub fn random_walk_schema() -> Arc<Schema> {
    SCHEMA.clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn players_and_props_have_the_same_fields() {
        let s = random_walk_schema();
        assert_eq!(s.kind("player"), Some(PLAYER));
        assert_eq!(s.kind("prop"), Some(PROP));
        assert_eq!(s.desc().kinds[0].fields, s.desc().kinds[1].fields);
        assert_eq!(s.layouts()[1].position, Some((0, 0.0625)));
        let names: Vec<&str> = s
            .desc()
            .input
            .fields
            .iter()
            .map(|f| f.name.as_str())
            .collect();
        assert_eq!(names, ["dx", "dy"]);
    }
}
