//! `ClientWorld`: the world a client rebuilds from the server's delta snapshots.

use tickwire_protocol::{Applied, Baselines, CodecError, DeltaBody, WorldState};

/// The last snapshot a client applied and the one before it (a delta is encoded against the
/// first and may predict motion from the second), plus a spare buffer: once two snapshots are
/// held, applying the next allocates nothing.
///
/// After every successful [`ClientWorld::apply`], [`ClientWorld::current`] equals the server's
/// quantized view of the world for this client, exactly.
#[derive(Clone, Debug, Default)]
pub struct ClientWorld {
    current: Option<WorldState>,
    previous: Option<WorldState>,
    spare: Option<WorldState>,
}

impl ClientWorld {
    /// A client that holds nothing yet: the first snapshot must be a full one.
    pub fn new() -> ClientWorld {
        ClientWorld::default()
    }

    /// Applies one snapshot's delta body (`SnapshotMsg::body`). On an error the world is out of
    /// step with the server and the client should reconnect; what it holds is left unchanged.
    pub fn apply(&mut self, body: &[u8]) -> Result<Applied, CodecError> {
        let worlds = Baselines {
            baseline: self.current.as_ref(),
            previous: self.previous.as_ref(),
        };
        let mut next = self.spare.take().unwrap_or_default();
        match DeltaBody::apply_into(body, worlds, &mut next) {
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
    pub fn current(&self) -> Option<&WorldState> {
        self.current.as_ref()
    }

    /// The world of the snapshot before it.
    pub fn previous(&self) -> Option<&WorldState> {
        self.previous.as_ref()
    }
}
