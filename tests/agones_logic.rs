//! The parts of `tickwire-agones` that need no SDK (the players roster and label values), with
//! their unit tests. That crate is outside the workspace, since the Agones SDK needs `protoc` to
//! build, so its own `cargo test` is not part of the workspace's; these files are compiled here
//! as they are, so that their tests run on every machine.

#[path = "../crates/agones/src/label.rs"]
mod label;
#[path = "../crates/agones/src/roster.rs"]
mod roster;
