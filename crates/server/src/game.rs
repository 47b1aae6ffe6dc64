//! `Game`: the seam between tickwire and a game. The server runs any type that implements it,
//! one instance per room; the bundled arena, the benchmark scenarios and your own game all plug
//! in here.
//!
//! A game is a fixed-tick simulation with no IO and no clock: the room calls [`Game::step`] at
//! the tick rate with the inputs that arrived (each a [`Record`] of the schema's input fields,
//! decoded and checked by the server), and on snapshot ticks [`Game::capture`]s the world as a
//! quantized [`World`] of the game's own [`Schema`] (its entity kinds and their fields, its
//! input, events and score columns, sent to every client on join). Everything else (sockets,
//! delta encoding, area of interest, input buffering and decoding, acks, lag compensation's
//! bookkeeping, scoreboard and event delivery) is the server's.

use std::sync::Arc;

use tickwire_protocol::{EntityId, MapInfo, Record, Replicate, Schema, ScoreEntry, World};

/// A player's handle inside a game, chosen by the game in [`Game::add_player`] (not its entity
/// id: a player may keep its handle while its entity dies and respawns).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PlayerHandle(pub u32);

/// One player's input for a tick, as the room hands it to [`Game::step`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TickInput {
    /// The input's values: a record of the schema's input fields (read it as the game's own
    /// type with [`Record::read`]).
    pub record: Record,
    /// Lag compensation: the player was looking at the world this many ticks before the one
    /// this step starts from (0: the present), already bounded by the server's
    /// `max_rewind_ticks`. A game that judges what the player aimed at looks that far back.
    pub rewind: u16,
}

/// Who an event is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Audience {
    /// Every session of the room, spectators included.
    Room,
    /// One player of the room (its sessions; nobody once it has left).
    Player(PlayerHandle),
    /// Every session of every room of this server (sent at once, not with the next snapshot;
    /// a session whose queue is full misses it).
    Everyone,
}

/// Something that happened that the world alone does not show (a kill feed's line): an event
/// kind of the schema (`SchemaDesc::events`) and a record of its fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GameEvent {
    /// The event kind: an index into the schema's events ([`Schema::event_of`]).
    pub kind: u16,
    /// Its values.
    pub record: Record,
}

impl GameEvent {
    /// `value` as an event of its kind in `schema`; `None` when the schema does not declare
    /// `T` as an event kind.
    pub fn of<T: Replicate>(schema: &Schema, value: &T) -> Option<GameEvent> {
        Some(GameEvent {
            kind: schema.event_of::<T>()?,
            record: Record::of(value),
        })
    }
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
/// game without scores, events or a map.
pub trait Game: Send + 'static {
    /// Adds a player called `name` (already cleaned of control characters, never empty) and
    /// returns its handle and the entity the player controls.
    fn add_player(&mut self, name: &str) -> (PlayerHandle, EntityId);

    /// Removes a player and whatever the game attaches to it.
    fn remove_player(&mut self, player: PlayerHandle);

    /// Runs one tick. `inputs` holds at most one input per player: the players whose input for
    /// this tick arrived, and those who went quiet for too long (given the schema's neutral
    /// input, `InputDesc::neutral`). What a player without one does is the game's rule (the
    /// arena repeats the last input; a game may also stand still). Every record has been decoded
    /// by the schema's input layout, so each value is in its field's range.
    fn step(&mut self, inputs: &[(PlayerHandle, TickInput)]);

    /// Ticks run so far (0 before the first [`Game::step`]).
    fn tick(&self) -> u64;

    /// The game's replicated data: its entity kinds and their fields. The same for the whole
    /// life of the game, and for every game one [`NewGame`] makes (the server checks each
    /// client's `Hello` against it before choosing a room). Sent to every client on join.
    fn schema(&self) -> Arc<Schema>;

    /// The quantized world into `out` (cleared first, see [`World::clear`]), sorted by entity
    /// id, in [`Game::schema`]'s kinds; its tick is [`Game::tick`].
    fn capture(&self, out: &mut World);

    /// The scoreboard, in a stable order, each line with one value per score column of the
    /// schema. The server reads it after a step that drained events and once a second, and
    /// sends it again when it changed.
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
        UNNAMED
    }

    /// Events since the last call, each with who it is for (the server calls it after every
    /// step, and sends each event once: to a room's sessions with their next snapshot, to
    /// everyone at once). An event of a kind the schema does not declare is dropped.
    fn drain_events(&mut self) -> Vec<(Audience, GameEvent)> {
        Vec::new()
    }

    /// A hash of the game's whole state after the last step, the same on every machine for the
    /// same calls: a recording keeps it every tick, and verifying one re-simulates and compares.
    /// `None` (the default) says the game is not deterministic: its rooms record the snapshot
    /// stream instead, which plays but cannot be re-simulated.
    fn checksum(&self) -> Option<u64> {
        None
    }

    /// The options that make this game again through [`NewGame::new_game_with`] with the same
    /// seed (its map and bots; the tick rate is the room's). `None` (the default): only
    /// [`NewGame::new_game`] makes it again, with the same settings.
    fn options(&self) -> Option<GameOptions> {
        None
    }

    /// The static map clients draw: its name, size and features (a full delta body of a world
    /// of the schema's kinds, see `MapInfo::features`). Asked once, when the room starts. The
    /// default is an empty 1024 x 1024 field called "field".
    fn map_info(&self) -> MapInfo {
        MapInfo {
            name: "field".into(),
            width: 1024.0,
            height: 1024.0,
            features: Vec::new(),
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

/// The name of a game or a maker of games that does not name itself.
pub const UNNAMED: &str = "game";

/// Makes the game of each new room. A closure `Fn(u64) -> Box<dyn Game>` is one; its argument
/// is the room's seed (the server's seed plus the room's number), so that rooms differ and a
/// run can be repeated.
pub trait NewGame: Send + Sync + 'static {
    /// A fresh game for a room seeded with `seed`.
    fn new_game(&self, seed: u64) -> Box<dyn Game>;

    /// The game's name, as the room list shows it and the leaderboard and the recent matches
    /// are read under. The default ([`UNNAMED`]) stands for the name the games it makes give
    /// themselves ([`Game::name`]), which their results are stored under.
    fn name(&self) -> &str {
        UNNAMED
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
