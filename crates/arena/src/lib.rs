//! tickwire-arena: the bundled game. The top-down arena shooter of `tickwire-sim` put on the
//! server's [`Game`](tickwire_server::Game) seam, exactly as a game of your own would be.
//!
//! [`ArenaGame`] maps the pure simulation onto the wire, all of it declared in [`arena_schema`]:
//! sim inputs from [`ArenaInput`] records, the quantized world for snapshots (kinds `player`,
//! `bot` and `projectile`, each a [`Body`]), kills as [`Kill`] events to the room, the
//! scoreboard's columns (`kills`, `deaths`) and the map's walls as [`Wall`] features. [`ArenaSettings`]
//! is what `tickwire serve` is told about the arena (map file, bots), checked before anything
//! starts; [`ArenaSettings::games`] makes one game per room.
//!
//! What it never does: IO other than reading the map file once, or anything with sockets.

mod arena_game;
mod replicated;
mod settings;

pub use arena_game::ArenaGame;
pub use replicated::{ArenaInput, Body, KINDS, Kill, Wall, arena_schema};
pub use settings::{ARENA_ROOM_CAPACITY, ARENA_VIEW_RADIUS, ArenaError, ArenaSettings};
