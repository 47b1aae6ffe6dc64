//! The arena's replicated data: its schema (game `arena`, version 1), whose three kinds
//! (`player`, `bot`, `projectile`) share the fields of [`Body`].

use std::sync::{Arc, LazyLock};

use tickwire_protocol::{KindDesc, Replicate, Schema, SchemaDesc};

/// What a client sees of any arena entity: where it is, where it faces, its hit points.
#[derive(Clone, Copy, Debug, PartialEq, Replicate)]
#[replicate(kind = "player")]
pub struct Body {
    /// Centre, to 1/16 unit; predicted from its motion and interpolated. Area of interest
    /// follows it.
    #[replicate(vec2(step = 0.0625), position, moving)]
    pub pos: [f32; 2],
    /// Facing (players, bots) or heading (projectiles), in 256 steps a turn; interpolated.
    #[replicate(angle(bits = 8), interpolate)]
    pub angle: f32,
    /// Hit points, 0 while dead (not drawn).
    #[replicate(int(min = 0, max = 255))]
    pub hp: u8,
}

/// The arena's kinds, in schema order: a player's avatar, a bot, a shot in flight.
pub const KINDS: [&str; 3] = ["player", "bot", "projectile"];

static SCHEMA: LazyLock<Arc<Schema>> = LazyLock::new(|| {
    let desc = SchemaDesc {
        game: "arena".into(),
        version: 1,
        kinds: KINDS
            .iter()
            .map(|&name| KindDesc {
                name: name.into(),
                ..Body::kind_desc()
            })
            .collect(),
    };
    // A fixed declaration, checked by this crate's tests.
    Arc::new(Schema::new(desc).expect("the arena's schema is valid"))
});

/// The arena's schema (built once).
pub fn arena_schema() -> Arc<Schema> {
    SCHEMA.clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tickwire_protocol::{FieldDesc, WireType};

    #[test]
    fn the_schema_is_the_one_clients_read_by_name() {
        let schema = arena_schema();
        assert_eq!(schema.desc().game, "arena");
        for (i, kind) in schema.desc().kinds.iter().enumerate() {
            assert_eq!(kind.name, KINDS[i]);
            assert_eq!(
                kind.fields,
                vec![
                    FieldDesc::new("pos", WireType::Vec2 { step: 1.0 / 16.0 }).moving(),
                    FieldDesc::new("angle", WireType::Angle { bits: 8 }).interpolated(),
                    FieldDesc::new("hp", WireType::Int { min: 0, max: 255 }),
                ]
            );
            assert_eq!(kind.position, Some(0));
        }
    }
}
