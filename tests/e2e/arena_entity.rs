//! `ArenaEntity`: an entity of the arena's schema read from a server frame's world, with its
//! quantized slots by name (what the browser tests compare with the page's world).

use tickwire_protocol::{EntityId, KindId, World};

/// The arena's kinds, in schema order (`tickwire_arena::KINDS`).
pub const BOT: KindId = KindId(1);
pub const PROJECTILE: KindId = KindId(2);

/// One arena entity as it travels: position in 1/16 units, angle in 256 steps, hit points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArenaEntity {
    pub id: EntityId,
    pub kind: KindId,
    pub x: i32,
    pub y: i32,
    pub angle: u8,
    pub hp: u8,
}

impl ArenaEntity {
    /// Its kind's name in the arena's schema.
    pub fn kind_name(&self) -> &'static str {
        tickwire_arena::KINDS
            .get(usize::from(self.kind.0))
            .copied()
            .unwrap_or("?")
    }
}

/// Entity `i` of `world`, a world of the arena's schema (slots `pos.x`, `pos.y`, `angle`, `hp`).
fn at(world: &World, i: usize) -> Option<ArenaEntity> {
    let e = world.entities().get(i)?;
    match *world.slots(i) {
        [x, y, angle, hp] => Some(ArenaEntity {
            id: e.id,
            kind: e.kind,
            x,
            y,
            angle: angle as u8,
            hp: hp as u8,
        }),
        _ => None,
    }
}

/// Entity `id` of `world`.
pub fn arena_entity(world: &World, id: EntityId) -> Option<ArenaEntity> {
    at(world, world.find(id)?)
}

/// Every entity of `world`, in id order.
pub fn arena_entities(world: &World) -> impl Iterator<Item = ArenaEntity> + '_ {
    (0..world.len()).filter_map(|i| at(world, i))
}
