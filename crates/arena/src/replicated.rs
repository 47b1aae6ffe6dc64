//! The arena's data on the wire: its schema (game `arena`, version 1), whose entity kinds
//! (`player`, `bot`, `projectile`) share the fields of [`Body`] and whose map's walls are
//! [`Wall`]s; what a player sends ([`ArenaInput`]); the kill feed's event ([`Kill`]); and the
//! scoreboard's columns, `kills` (weight 1) and `deaths` (weight -1).

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

/// A wall of the map (`MapInfo::features`): its top-left corner and its size, to half a unit
/// (the arena snaps its walls to that grid, so that clients collide against exactly the
/// server's). No position: walls are never in snapshots.
#[derive(Clone, Copy, Debug, PartialEq, Replicate)]
#[replicate(kind = "wall")]
pub struct Wall {
    /// The top-left corner (smallest x and y).
    #[replicate(vec2(step = 0.5))]
    pub min: [f32; 2],
    /// Width and height.
    #[replicate(vec2(step = 0.5))]
    pub size: [f32; 2],
}

/// What an arena player sends each tick. Movement and fire always count for the same-intent
/// rule; the aim only while firing.
#[derive(Clone, Copy, Debug, Default, PartialEq, Replicate)]
pub struct ArenaInput {
    /// Horizontal movement: -1 (left), 0 or 1 (right).
    #[replicate(int(min = -1, max = 1))]
    pub move_x: i8,
    /// Vertical movement: -1 (up), 0 or 1 (down); +y is down on screen.
    #[replicate(int(min = -1, max = 1))]
    pub move_y: i8,
    /// Aim in radians (0 = +x, pi/2 = +y), in 65536 steps a turn: a shot at the longest
    /// range lands within a twentieth of a unit of where an exact aim would. A client that
    /// predicts its own shots uses the aim as it travels (dequantized), as the server does.
    #[replicate(angle(bits = 16), intent_when = "fire")]
    pub aim: f32,
    /// Whether the fire button is held.
    pub fire: bool,
}

/// The kill feed's event, to the whole room: `killer`'s shot killed `victim` (entity ids).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Replicate)]
#[replicate(kind = "kill")]
pub struct Kill {
    /// Who scored.
    #[replicate(int(min = 0, max = i32::MAX))]
    pub killer: u32,
    /// Who died.
    #[replicate(int(min = 0, max = i32::MAX))]
    pub victim: u32,
}

/// The arena's entity kinds, in schema order: a player's avatar, a bot, a shot in flight, and
/// a wall (map features only).
pub const KINDS: [&str; 4] = ["player", "bot", "projectile", "wall"];

static SCHEMA: LazyLock<Arc<Schema>> = LazyLock::new(|| {
    let body = |name: &str| KindDesc {
        name: name.into(),
        ..Body::kind_desc()
    };
    let desc = SchemaDesc::builder("arena", 1)
        .kind_desc(body("player"))
        .kind_desc(body("bot"))
        .kind_desc(body("projectile"))
        .kind::<Wall>()
        .input::<ArenaInput>()
        .event::<Kill>()
        .score("kills", 1)
        .score("deaths", -1);
    // A fixed declaration, checked by this crate's tests.
    Arc::new(desc.build().expect("the arena's schema is valid"))
});

/// The arena's schema (built once).
pub fn arena_schema() -> Arc<Schema> {
    SCHEMA.clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tickwire_protocol::{FieldDesc, Intent, KindId, WireType};

    #[test]
    fn the_schema_is_the_one_clients_read_by_name() {
        let schema = arena_schema();
        assert_eq!(schema.desc().game, "arena");
        for (i, kind) in schema.desc().kinds.iter().take(3).enumerate() {
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
        assert_eq!(schema.kind_of::<Wall>(), Some(KindId(3)));
        assert_eq!(schema.desc().kinds[3].position, None);
        assert_eq!(schema.event_of::<Kill>(), Some(0));
        let names: Vec<&str> = schema
            .desc()
            .scores
            .iter()
            .map(|c| c.name.as_str())
            .collect();
        assert_eq!(names, ["kills", "deaths"]);
        assert_eq!(schema.rating(&[7, 3]), 4, "kills minus deaths");
    }

    #[test]
    fn the_input_is_todays_arena_input_with_todays_intent() {
        let schema = arena_schema();
        let input = &schema.desc().input;
        let names: Vec<&str> = input.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["move_x", "move_y", "aim", "fire"]);
        assert_eq!(
            input.intent,
            vec![
                Intent::Always,
                Intent::Always,
                Intent::When(3),
                Intent::Always
            ]
        );
        assert_eq!(input.fields[2].ty, WireType::Angle { bits: 16 });
    }
}
