//! The `random-walk` scenario's replicated data: its schema (game `random-walk`, version 1),
//! whose two kinds (`player`, `prop`) share the fields of [`WalkerBody`].

use std::sync::{Arc, LazyLock};

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

/// The kind of a client's own entity.
pub const PLAYER: KindId = KindId(0);
/// The kind of the scenario's walkers.
pub const PROP: KindId = KindId(1);

static SCHEMA: LazyLock<Arc<Schema>> = LazyLock::new(|| {
    let kind = |name: &str| KindDesc {
        name: name.into(),
        ..WalkerBody::kind_desc()
    };
    let desc = SchemaDesc {
        game: "random-walk".into(),
        version: 1,
        kinds: vec![kind("player"), kind("prop")],
    };
    // A fixed declaration, checked by the test below.
    Arc::new(Schema::new(desc).expect("the random-walk schema is valid"))
});

/// The scenario's schema (built once); the transport floor's frame is written in it too.
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
    }
}
