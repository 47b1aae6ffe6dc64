//! `EntityView`: one entity of a [`World`], its fields read by name and dequantized through the
//! schema, for code that has no Rust type of the game's (tests, tools, a generic client).

use super::record_view;
use super::schema::{KindDesc, Schema};
use super::wire_type::WireType;
use super::world::World;
use crate::EntityId;

/// Entity `index` of a world of `schema`, read by field name.
#[derive(Clone, Copy, Debug)]
pub struct EntityView<'a> {
    schema: &'a Schema,
    world: &'a World,
    index: usize,
}

impl<'a> EntityView<'a> {
    /// Entity `index` of `world`, if there is one and the schema declares its kind.
    pub fn new(schema: &'a Schema, world: &'a World, index: usize) -> Option<EntityView<'a>> {
        let e = world.entities().get(index)?;
        schema.desc().kinds.get(usize::from(e.kind.0))?;
        Some(EntityView {
            schema,
            world,
            index,
        })
    }

    /// The entity with id `id` in `world`.
    pub fn find(schema: &'a Schema, world: &'a World, id: EntityId) -> Option<EntityView<'a>> {
        EntityView::new(schema, world, world.find(id)?)
    }

    /// Its id.
    pub fn id(&self) -> EntityId {
        self.world.entities()[self.index].id
    }

    /// Its kind's declaration.
    pub fn kind(&self) -> &'a KindDesc {
        let kind = self.world.entities()[self.index].kind;
        &self.schema.desc().kinds[usize::from(kind.0)]
    }

    /// Its index in the world.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The field called `name`: its wire type and its slots.
    fn slots_of(&self, name: &str) -> Option<(&'a WireType, &'a [i32])> {
        record_view::field_slots(&self.kind().fields, self.world.slots(self.index), name)
    }

    /// A number field (fixed, angle in radians, integer, enum index, colour), dequantized;
    /// `None` when there is no such field or it is a vector or a text.
    pub fn number(&self, name: &str) -> Option<f64> {
        self.slots_of(name).and_then(record_view::number)
    }

    /// A vector field, dequantized.
    pub fn vec2(&self, name: &str) -> Option<[f64; 2]> {
        self.slots_of(name).and_then(record_view::vec2)
    }

    /// A boolean field.
    pub fn flag(&self, name: &str) -> Option<bool> {
        self.slots_of(name).and_then(record_view::flag)
    }

    /// A text field.
    pub fn text(&self, name: &str) -> Option<&'a str> {
        self.slots_of(name)
            .and_then(record_view::text_index)
            .map(|k| self.world.text(self.index, k))
    }

    /// The slots of the field called `name`, as they travel (quantized).
    pub fn raw(&self, name: &str) -> Option<&'a [i32]> {
        self.slots_of(name).map(|(_, s)| s)
    }

    /// Its position (the field its kind places it by), dequantized; `None` for a kind that has
    /// no position.
    pub fn position(&self) -> Option<[f64; 2]> {
        let kind = self.kind();
        let field = kind.fields.get(usize::from(kind.position?))?;
        self.vec2(&field.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Tick;
    use crate::replication::{FieldDesc, KindId, SchemaDesc};

    #[test]
    fn fields_read_by_name() {
        let schema = Schema::new(SchemaDesc {
            game: "t".into(),
            version: 1,
            kinds: vec![
                KindDesc::new(
                    "runner",
                    vec![
                        FieldDesc::new("pos", WireType::Vec2 { step: 0.5 }),
                        FieldDesc::new("it", WireType::Bool),
                        FieldDesc::new("name", WireType::Text { max_bytes: 8 }),
                        FieldDesc::new("hp", WireType::Int { min: 0, max: 9 }),
                    ],
                )
                .positioned_by("pos"),
            ],
            ..SchemaDesc::default()
        })
        .expect("valid");
        let mut w = World::new(Tick(1));
        w.push(EntityId(4), KindId(0))
            .values(&[3, -4, 1])
            .text("ada")
            .value(7);
        let e = EntityView::find(&schema, &w, EntityId(4)).expect("there");
        assert_eq!(e.kind().name, "runner");
        assert_eq!(e.position(), Some([1.5, -2.0]));
        assert_eq!(e.flag("it"), Some(true));
        assert_eq!(e.text("name"), Some("ada"));
        assert_eq!(e.number("hp"), Some(7.0));
        assert_eq!(e.number("pos"), None);
        assert_eq!(e.raw("pos"), Some(&[3, -4][..]));
        assert!(e.flag("nope").is_none());
    }
}
