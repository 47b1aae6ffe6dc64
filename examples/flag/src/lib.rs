//! Capture the flag on tickwire: an example game whose data looks nothing like the arena's.
//!
//! Two teams, red (left half) and blue (right half); a joining player goes to the smaller team.
//! Each team's flag rests at its base. Walk over the enemy flag to carry it; bring it into your
//! own base while your own flag is home to score a capture. A defender who touches an enemy
//! carrier in the defender's half tags it: the carrier drops the flag where it stands and
//! respawns at its own base. A dropped flag touched by its own team returns home; left alone it
//! returns after [`field::RETURN_SECS`].
//!
//! What it shows that tag does not: teams as an enum field, per-player colours and name labels
//! on the wire (`color`, `text`), an entity that refers to another (`flag.carrier`, an entity
//! id), a kind with no position (`team_score`), which every client sees wherever it is, several
//! event kinds (captures, tags, returns to the room; "you have the flag" to the carrier alone),
//! four score columns with their weights, and the bases as the map's features rather than
//! snapshot entities.
//!
//! The pieces: [`sim`] (the rules, pure and deterministic, with their unit tests), [`views`]
//! (the schema, the capture and the map's features), [`input`] (the schema's input),
//! [`records`] (the event kinds and score columns), [`game`] (the thin `Game` impl that puts
//! them on the wire). Its page is `web-client/flag/` ([`PAGE`]).

pub mod colour;
pub mod field;
pub mod game;
pub mod input;
pub mod records;
pub mod sim;
pub mod views;

pub use field::Team;
pub use game::{FlagGame, FlagGames};
pub use input::FlagInput;
pub use records::{CaptureEvent, CarrierEvent, ReturnEvent, SCORE_COLUMNS, TagEvent};
pub use sim::{FlagEvent, FlagSim, PlayerId};
pub use views::flag_schema;

/// The page of the bundled web client that plays capture the flag: a server of this game serves
/// it at `/` ([`tickwire_server::ServerConfig::index_page`]).
pub const PAGE: &str = "flag/index.html";
