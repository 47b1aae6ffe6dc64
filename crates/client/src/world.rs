//! `ClientWorld`: the world a client rebuilds from the server's delta snapshots, in the schema
//! the server's `Welcome` carried.

use std::sync::Arc;

use tickwire_protocol::{
    Applied, Baselines, CodecError, EntityId, EntityView, Schema, SchemaHash, World, apply_delta,
};

/// The last snapshot a client applied and the one before it (a delta is encoded against the
/// first and may predict motion from the second), plus a spare buffer: once two snapshots are
/// held, applying the next allocates nothing. It decodes by the schema it was given (the one in
/// the server's `Welcome`), with no code of the game's.
///
/// After every successful [`ClientWorld::apply`], [`ClientWorld::current`] equals the server's
/// quantized view of the world for this client, exactly.
#[derive(Clone, Debug, Default)]
pub struct ClientWorld {
    schema: Option<Arc<Schema>>,
    current: Option<World>,
    previous: Option<World>,
    spare: Option<World>,
}

impl ClientWorld {
    /// A client that holds nothing yet and knows no schema: it applies nothing until
    /// [`ClientWorld::set_schema`], and then the first snapshot must be a full one.
    pub fn new() -> ClientWorld {
        ClientWorld::default()
    }

    /// A client that decodes snapshots of `schema`.
    pub fn with_schema(schema: Arc<Schema>) -> ClientWorld {
        ClientWorld {
            schema: Some(schema),
            ..ClientWorld::default()
        }
    }

    /// Decodes snapshots of `schema` from now on (a new session's `Welcome`); forgets the
    /// worlds held, which belong to the old session.
    pub fn set_schema(&mut self, schema: Arc<Schema>) {
        self.schema = Some(schema);
        self.current = None;
        self.previous = None;
    }

    /// The schema snapshots are decoded by.
    pub fn schema(&self) -> Option<&Arc<Schema>> {
        self.schema.as_ref()
    }

    /// Applies one snapshot (`SnapshotMsg::schema` and `SnapshotMsg::body`). A full snapshot
    /// that names another schema than the one held, or any snapshot before a schema, is
    /// refused. On an
    /// error the world is out of step with the server and the client should reconnect; what it
    /// holds is left unchanged.
    pub fn apply(
        &mut self,
        schema: Option<SchemaHash>,
        body: &[u8],
    ) -> Result<Applied, CodecError> {
        let Some(held) = self.schema.as_deref() else {
            return Err(CodecError::Invalid("a snapshot before the schema"));
        };
        if schema.is_some_and(|h| h != held.hash()) {
            return Err(CodecError::Invalid("a snapshot of another schema"));
        }
        let worlds = Baselines {
            baseline: self.current.as_ref(),
            previous: self.previous.as_ref(),
        };
        let mut next = self.spare.take().unwrap_or_default();
        match apply_delta(held, body, worlds, &mut next) {
            Ok(applied) => {
                self.spare = self.previous.take();
                self.previous = self.current.replace(next);
                Ok(applied)
            }
            Err(e) => {
                self.spare = Some(next);
                Err(e)
            }
        }
    }

    /// The world as of the last snapshot applied.
    pub fn current(&self) -> Option<&World> {
        self.current.as_ref()
    }

    /// The world of the snapshot before it.
    pub fn previous(&self) -> Option<&World> {
        self.previous.as_ref()
    }

    /// Entity `id` of the current world, its fields read by name (`e.vec2("pos")`,
    /// `e.number("hp")`, `e.flag("it")`).
    pub fn entity(&self, id: EntityId) -> Option<EntityView<'_>> {
        EntityView::find(self.schema.as_deref()?, self.current.as_ref()?, id)
    }

    /// Every entity of the current world, in id order, read by name.
    pub fn entities(&self) -> impl Iterator<Item = EntityView<'_>> {
        let both = self.schema.as_deref().zip(self.current.as_ref());
        let n = both.map_or(0, |(_, w)| w.len());
        (0..n).filter_map(move |i| both.and_then(|(s, w)| EntityView::new(s, w, i)))
    }
}
