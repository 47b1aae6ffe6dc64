//! tickwire-agones: the server's [`Orchestrator`](tickwire_server::Orchestrator) for
//! [Agones](https://agones.dev), the Kubernetes platform for dedicated game servers, on the
//! official Agones SDK (gRPC to the SDK sidecar of the game server's pod).
//!
//! [`Agones::connect`] reaches the sidecar (the port comes from `AGONES_SDK_GRPC_PORT`, 9357 by
//! default). Then the server's calls become SDK calls, in order, on a task of their own: labels
//! for the game, the map and the capacity (`SetLabel`), `Ready` once the server listens, `Health`
//! at a fixed period, each player added to and removed from the Agones List `players`, and
//! `Shutdown` once a drain is over (or, with [`AgonesSettings::shutdown_when_empty`], once every
//! player has left after an allocation). A watch on the GameServer logs its allocation and stamps
//! it with an annotation.
//!
//! Nothing here blocks the server: each call is one `try_send` on a bounded queue, and an event
//! that finds the queue full is dropped, logged and counted. This crate needs `protoc` to build
//! (the SDK compiles its protocol files), so the workspace leaves it out and the binary builds it
//! only with its `agones` feature.

mod agones;
mod event;
mod label;
mod roster;
mod settings;
mod watch;
mod worker;

pub use agones::{Agones, ConnectError};
pub use label::label_value;
pub use roster::Roster;
pub use settings::AgonesSettings;
