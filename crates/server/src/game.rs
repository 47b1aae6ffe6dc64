//! `Game`: the seam between tickwire and a game. The server runs any type that implements it,
//! one instance per room; the bundled arena, the benchmark scenarios and your own game all plug
//! in here.
//!
//! A game is a fixed-tick simulation with no IO and no clock: the room calls [`Game::step`] at
//! the tick rate with the inputs that arrived, and on snapshot ticks [`Game::capture`]s the
//! world as a quantized [`World`] of the game's own [`Schema`] (its entity kinds and their
//! fields, sent to every client on join). Everything else (sockets, delta encoding, area of
//! interest, input buffering, acks, scoreboard and kill-feed delivery) is the server's.

use std::sync::Arc;

use tickwire_protocol::{EntityId, Input, MapInfo, Schema, ScoreEntry, World};

/// A player's handle inside a game, chosen by the game in [`Game::add_player`] (not its entity
/// id: a player may keep its handle while its entity dies and respawns).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PlayerHandle(pub u32);

/// Something that happened that the world state alone does not show; the server delivers it
/// to every player of the room as a game event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GameNews {
    /// `killer` killed `victim` (the kill feed).
    Kill {
        /// Who scored.
        killer: EntityId,
        /// Who died.
        victim: EntityId,
    },
}

/// A fixed-tick game that a room runs.
///
/// Contract:
/// - **Pure.** No IO, no clock, no thread or OS randomness: the same calls give the same world.
///   Time advances only through [`Game::step`], one fixed tick per call.
/// - **Ids.** Entity ids are stable for an entity's life and unique within the game; a reused id
///   is allowed (clients see a removal and a creation).
/// - **Capture** writes the whole world, sorted by entity id, each entity of a kind of
///   [`Game::schema`] with that kind's slots; the server takes each client's view of it (area of
///   interest, by each kind's position field) and encodes deltas against what that client
///   already holds.
///
/// The required methods are the six that every game has; the rest have defaults that suit a
/// game without scores, events or a map of walls.
pub trait Game: Send + 'static {
    /// Adds a player called `name` (already cleaned of control characters, never empty) and
    /// returns its handle and the entity the player controls.
    fn add_player(&mut self, name: &str) -> (PlayerHandle, EntityId);

    /// Removes a player and whatever the game attaches to it.
    fn remove_player(&mut self, player: PlayerHandle);

    /// Runs one tick. `inputs` holds at most one input per player: the players whose input for
    /// this tick arrived. What a player without one does is the game's rule (the arena repeats
    /// the last input; a game may also stand still).
    fn step(&mut self, inputs: &[(PlayerHandle, Input)]);

    /// Ticks run so far (0 before the first [`Game::step`]).
    fn tick(&self) -> u64;

    /// The game's replicated data: its entity kinds and their fields. The same for the whole
    /// life of the game, and for every game one [`NewGame`] makes (the server checks each
    /// client's `Hello` against it before choosing a room). Sent to every client on join.
    fn schema(&self) -> Arc<Schema>;

    /// The quantized world into `out` (cleared first, see [`World::clear`]), sorted by entity
    /// id, in [`Game::schema`]'s kinds; its tick is [`Game::tick`].
    fn capture(&self, out: &mut World);

    /// The scoreboard, in a stable order. The server sends it again only when it changes.
    fn scores(&self) -> Vec<ScoreEntry> {
        Vec::new()
    }

    /// A player's connection dropped and the server holds its seat for it (`away` true), or it
    /// came back (`away` false). While away, the room gives it no inputs. A game should make an
    /// away player harmless and safe: the arena holds it still, lets it neither fire nor be hit,
    /// and marks it "(away)" on the scoreboard. The default does nothing.
    fn set_away(&mut self, player: PlayerHandle, away: bool) {
        let _ = (player, away);
    }

    /// A new match begins: set every score to zero. The server calls it when a match ends
    /// (after reading [`Game::scores`] for the result), with `--match-length` set. The default
    /// does nothing, for games without scores.
    fn reset_scores(&mut self) {}

    /// The game's name as match results store it (for example `arena`).
    fn name(&self) -> &str {
        "game"
    }

    /// News since the last call (the server calls it after every step).
    fn drain_news(&mut self) -> Vec<GameNews> {
        Vec::new()
    }

    /// The static map clients draw: its name, size and walls. The default is an empty
    /// 1024 x 1024 field called "field".
    fn map_info(&self) -> MapInfo {
        MapInfo {
            name: "field".into(),
            width: 1024.0,
            height: 1024.0,
            walls: Vec::new(),
        }
    }
}

/// What a room created through the rooms API (`POST /rooms`) asks of its game; `None` leaves a
/// setting at the game's default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GameOptions {
    /// The map by name, one of [`NewGame::maps`].
    pub map: Option<String>,
    /// Server-controlled players.
    pub bots: Option<u32>,
    /// Simulation ticks per second (already checked against the server's limits).
    pub tick_rate: u32,
}

impl GameOptions {
    /// True when nothing but the tick rate is set.
    pub fn is_plain(&self) -> bool {
        self.map.is_none() && self.bots.is_none()
    }
}

/// Makes the game of each new room. A closure `Fn(u64) -> Box<dyn Game>` is one; its argument
/// is the room's seed (the server's seed plus the room's number), so that rooms differ and a
/// run can be repeated.
pub trait NewGame: Send + Sync + 'static {
    /// A fresh game for a room seeded with `seed`.
    fn new_game(&self, seed: u64) -> Box<dyn Game>;

    /// The game's name, as the room list shows it.
    fn name(&self) -> &str {
        "game"
    }

    /// The maps a created room may ask for by name (the first is the default).
    fn maps(&self) -> Vec<String> {
        Vec::new()
    }

    /// The schema of every game this makes (see [`Game::schema`]), which clients' `Hello`s are
    /// checked against. The default asks a game made with seed 0 (once, when the server
    /// starts); a game that is costly to make may say it directly.
    fn schema(&self) -> Arc<Schema> {
        self.new_game(0).schema()
    }

    /// A game for a room created with `options`, or why those options cannot work (the text is
    /// the API's error message). The default plays [`NewGame::new_game`] and refuses a map or
    /// bots, which it cannot honour; it ignores the tick rate, so a game that depends on its
    /// tick rate should implement this.
    fn new_game_with(&self, seed: u64, options: &GameOptions) -> Result<Box<dyn Game>, String> {
        if options.is_plain() {
            Ok(self.new_game(seed))
        } else {
            Err(format!(
                "the game \"{}\" takes no map or bots options",
                self.name()
            ))
        }
    }
}

impl<F> NewGame for F
where
    F: Fn(u64) -> Box<dyn Game> + Send + Sync + 'static,
{
    fn new_game(&self, seed: u64) -> Box<dyn Game> {
        self(seed)
    }
}

impl NewGame for Box<dyn NewGame> {
    fn new_game(&self, seed: u64) -> Box<dyn Game> {
        (**self).new_game(seed)
    }

    fn name(&self) -> &str {
        (**self).name()
    }

    fn maps(&self) -> Vec<String> {
        (**self).maps()
    }

    fn schema(&self) -> Arc<Schema> {
        (**self).schema()
    }

    fn new_game_with(&self, seed: u64, options: &GameOptions) -> Result<Box<dyn Game>, String> {
        (**self).new_game_with(seed, options)
    }
}
