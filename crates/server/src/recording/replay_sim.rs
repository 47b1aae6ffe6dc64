//! Re-simulating a recording: [`verify`] makes the game again from the header's seed and
//! options, replays every call the room made, and compares the game's checksum tick by tick and
//! its captured world at every keyframe; [`viewer_stream`] turns a recording into the stream a
//! browser plays (re-simulated for an input recording, read for a stream recording).

use std::sync::Arc;

use tickwire_protocol::{
    Baselines, EntityId, PROTOCOL_VERSION, Schema, ScoreEntry, ServerMsg, Tick, Welcome, World,
    apply_delta, codec, read_record, write_delta, write_record,
};
use tickwire_replay::{
    Header, Op, RecordingKind, ReplayError, ReplayFile, Section, StreamEncoder, TickEntry,
};

use crate::game::{Audience, Game, GameOptions, NewGame, PlayerHandle, TickInput};

/// Why a recording does not verify or play.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The file is not a readable recording (names the part).
    #[error(transparent)]
    File(#[from] ReplayError),
    /// The game's schema is not the recording's (another game, or another version of it).
    #[error(
        "the recording is of \"{game}\" with schema {recorded:016x}; this verifier's game \"{ours_game}\" has {ours:016x}"
    )]
    Schema {
        /// The recording's game.
        game: String,
        /// The recording's hash.
        recorded: u64,
        /// The verifier's game.
        ours_game: String,
        /// The game's.
        ours: u64,
    },
    /// The game could not be made again.
    #[error("cannot make the game again: {0}")]
    Remake(String),
    /// The re-simulation went another way at `tick`.
    #[error("tick {tick} differs: {what}")]
    Diverged {
        /// The first tick that differs.
        tick: u64,
        /// What differs.
        what: String,
    },
    /// A recording of a game that is not deterministic has nothing to re-simulate.
    #[error("a stream recording (a game without a checksum) cannot be re-simulated")]
    NotDeterministic,
}

/// What [`verify`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// Ticks re-simulated and compared.
    pub ticks: u64,
    /// Keyframes compared.
    pub keyframes: usize,
    /// Whether the file has its end marker (a server that stopped mid-write leaves none).
    pub complete: bool,
    /// Items the room could not queue (the recording stops at the first).
    pub lost: u64,
}

/// The header of a recording of `game`, begun now, made with `seed`.
pub fn recording_header(
    game: &dyn Game,
    seed: u64,
    (tick_rate, ticks_per_snapshot): (u32, u32),
    started_ms: u64,
) -> Header {
    let kind = match game.checksum() {
        Some(_) => RecordingKind::Inputs,
        None => RecordingKind::Stream,
    };
    Header {
        kind,
        game: game.name().to_owned(),
        schema: (*game.schema()).clone(),
        map: game.map_info(),
        options: game.options().map(|o| (o.map, o.bots)),
        seed,
        tick_rate,
        ticks_per_snapshot,
        start_tick: game.tick(),
        started_ms,
    }
}

/// A game made again from a recording's header, and replayed call by call.
struct Resim {
    game: Box<dyn Game>,
    schema: Arc<Schema>,
    inputs: Vec<(PlayerHandle, TickInput)>,
    tick: u64,
}

impl Resim {
    fn new(header: &Header, games: &dyn NewGame) -> Result<Resim, VerifyError> {
        let game = match &header.options {
            Some((map, bots)) => games
                .new_game_with(
                    header.seed,
                    &GameOptions {
                        map: map.clone(),
                        bots: *bots,
                        tick_rate: header.tick_rate,
                    },
                )
                .map_err(VerifyError::Remake)?,
            None => games.new_game(header.seed),
        };
        let schema = game.schema();
        if schema.hash() != header.schema.hash() {
            return Err(VerifyError::Schema {
                game: header.game.clone(),
                recorded: header.schema.hash().0,
                ours_game: game.name().to_owned(),
                ours: schema.hash().0,
            });
        }
        let mut resim = Resim {
            game,
            schema,
            inputs: Vec::new(),
            tick: 0,
        };
        // A room that recorded from a later tick ran its game that far with no players first.
        let bound = header.start_tick.min(1 << 32);
        while resim.game.tick() < bound {
            resim.game.step(&[]);
            resim.game.drain_events();
        }
        resim.tick = resim.game.tick();
        Ok(resim)
    }

    fn diverged(&self, tick: u64, what: impl Into<String>) -> VerifyError {
        VerifyError::Diverged {
            tick,
            what: what.into(),
        }
    }

    /// Compares the captured world with a keyframe.
    fn check_keyframe(&self, section: &Section) -> Result<(), VerifyError> {
        if section.first_tick != self.game.tick() {
            return Err(self.diverged(
                section.first_tick,
                format!(
                    "a keyframe at tick {} where the game is at {}",
                    section.first_tick,
                    self.game.tick()
                ),
            ));
        }
        let mut world = World::new(Tick(self.game.tick() as u32));
        self.game.capture(&mut world);
        let mut body = Vec::new();
        write_delta(&self.schema, Baselines::default(), &world, &mut body);
        if body != section.keyframe {
            return Err(self.diverged(section.first_tick, "the keyframe is not the captured world"));
        }
        Ok(())
    }

    /// Replays one tick's calls; `events` gets what the game said to the room.
    fn apply(
        &mut self,
        entry: &TickEntry,
        events: &mut Vec<(u16, Vec<u8>)>,
    ) -> Result<(), VerifyError> {
        let tick = self.tick + 1;
        for op in &entry.ops {
            match op {
                Op::Join {
                    name,
                    player,
                    entity,
                } => {
                    let (p, e) = self.game.add_player(name);
                    if (p.0, e) != (*player, EntityId(*entity)) {
                        return Err(self.diverged(
                            tick,
                            format!(
                                "\"{name}\" joined as player {} entity {}, recorded {player} {entity}",
                                p.0, e.0
                            ),
                        ));
                    }
                }
                Op::Leave { player } => self.game.remove_player(PlayerHandle(*player)),
                Op::Away { player, away } => self.game.set_away(PlayerHandle(*player), *away),
                Op::ResetScores => self.game.reset_scores(),
                Op::Step(staged) => {
                    self.inputs.clear();
                    for s in staged {
                        let record = read_record(self.schema.input(), &s.record).map_err(|e| {
                            self.diverged(tick, format!("an input does not read: {e}"))
                        })?;
                        let input = TickInput {
                            record,
                            rewind: s.rewind,
                        };
                        self.inputs.push((PlayerHandle(s.player), input));
                    }
                    self.game.step(&self.inputs);
                    for (audience, event) in self.game.drain_events() {
                        if matches!(audience, Audience::Player(_)) {
                            continue;
                        }
                        if let Some(layout) = self.schema.event_layout(event.kind) {
                            let mut data = Vec::new();
                            write_record(layout, &event.record, &mut data);
                            events.push((event.kind, data));
                        }
                    }
                }
            }
        }
        if self.game.tick() != tick {
            return Err(self.diverged(tick, format!("the game is at tick {}", self.game.tick())));
        }
        self.tick = tick;
        let ours = self.game.checksum().map(TickEntry::fold);
        if ours != entry.checksum {
            return Err(self.diverged(
                tick,
                format!(
                    "checksum {} where the recording has {}",
                    hex(ours),
                    hex(entry.checksum)
                ),
            ));
        }
        Ok(())
    }
}

fn hex(v: Option<u32>) -> String {
    v.map_or_else(|| "none".into(), |v| format!("{v:08x}"))
}

/// Re-simulates the recording in `bytes` with a game of `games`, comparing checksums tick by
/// tick and worlds at keyframes; the error names the first tick (or the file's part) that
/// differs.
pub fn verify(bytes: &[u8], games: &dyn NewGame) -> Result<Verified, VerifyError> {
    let mut file = ReplayFile::open(bytes)?;
    if file.header.kind == RecordingKind::Stream {
        return Err(VerifyError::NotDeterministic);
    }
    let mut resim = Resim::new(&file.header, games)?;
    let mut events = Vec::new();
    let mut keyframes = 0;
    let mut ticks = 0;
    while let Some(section) = file.sections.next_section()? {
        resim.check_keyframe(&section)?;
        keyframes += 1;
        for entry in &section.entries {
            resim.apply(entry, &mut events)?;
            events.clear();
            ticks += 1;
        }
    }
    let end = file.sections.end();
    Ok(Verified {
        ticks,
        keyframes,
        complete: end.is_some(),
        lost: end.map_or(0, |(_, lost)| lost),
    })
}

/// The spectator's Welcome a viewer stream starts with.
fn viewer_welcome(header: &Header) -> Welcome {
    Welcome {
        protocol_version: PROTOCOL_VERSION,
        client_id: tickwire_protocol::ClientId(0),
        entity_id: EntityId(0),
        tick_rate: header.tick_rate.min(u32::from(u16::MAX)) as u16,
        snapshot_rate: (header.tick_rate / header.ticks_per_snapshot.max(1)).max(1) as u16,
        tick: Tick(header.start_tick as u32),
        map: header.map.clone(),
        room: 0,
        resume_token: String::new(),
        spectator: true,
        schema: header.schema.clone(),
    }
}

fn encoded_scores(scores: &[ScoreEntry]) -> Vec<u8> {
    let mut bytes = Vec::new();
    // A scoreboard within the protocol's limits always encodes; an empty one stands in.
    let _ = codec::encode_server(&ServerMsg::Scoreboard(scores.to_vec()), &mut bytes);
    bytes
}

/// The recording in `bytes` as the stream a browser plays (see `tickwire_replay`'s
/// `StreamEncoder`): a full snapshot at every keyframe, deltas at the snapshot rate between,
/// the room's events and the scoreboard when it changes. An input recording is re-simulated
/// with a game of `games` (and verified on the way); a stream recording is read as it is.
pub fn viewer_stream(bytes: &[u8], games: &dyn NewGame) -> Result<Vec<u8>, VerifyError> {
    let mut file = ReplayFile::open(bytes)?;
    let header = file.header.clone();
    let mut out = StreamEncoder::new(viewer_welcome(&header))?;
    let per = u64::from(header.ticks_per_snapshot.max(1));
    let schema = Arc::new(header.schema.clone());
    if header.kind == RecordingKind::Stream {
        while let Some(section) = file.sections.next_section()? {
            let bad = |e: tickwire_protocol::CodecError| VerifyError::Diverged {
                tick: section.first_tick,
                what: format!("a snapshot does not apply: {e}"),
            };
            let mut world = World::default();
            apply_delta(&schema, &section.keyframe, Baselines::default(), &mut world)
                .map_err(bad)?;
            out.world(&world, true);
            for entry in &section.entries {
                let Some(frame) = &entry.frame else { continue };
                let mut next = World::default();
                let base = Baselines {
                    baseline: Some(&world),
                    previous: None,
                };
                apply_delta(&schema, &frame.body, base, &mut next).map_err(bad)?;
                world = next;
                // A tick's events and scoreboard come before its snapshot, as in an input
                // recording's stream: a player gives each the tick of the snapshot after it.
                for (kind, data) in &frame.events {
                    out.event(*kind, data.clone())?;
                }
                if let Some(board) = &frame.scoreboard {
                    out.scoreboard(board);
                }
                out.world(&world, false);
            }
        }
        return Ok(out.finish());
    }
    let mut resim = Resim::new(&header, games)?;
    let mut events = Vec::new();
    let mut scores: Option<Vec<ScoreEntry>> = None;
    let mut world = World::default();
    // The last section's last snapshot waits: the next keyframe (the same tick) replaces it.
    let mut pending = false;
    while let Some(section) = file.sections.next_section()? {
        resim.check_keyframe(&section)?;
        resim.game.capture(&mut world);
        out.world(&world, true);
        pending = false;
        let last = section.entries.len();
        for (i, entry) in section.entries.iter().enumerate() {
            resim.apply(entry, &mut events)?;
            let now = resim.game.scores();
            if scores.as_ref() != Some(&now) {
                out.scoreboard(&encoded_scores(&now));
                scores = Some(now);
            }
            for (kind, data) in events.drain(..) {
                out.event(kind, data)?;
            }
            if resim.game.tick().is_multiple_of(per) {
                if i + 1 == last {
                    pending = true;
                } else {
                    resim.game.capture(&mut world);
                    out.world(&world, false);
                }
            }
        }
    }
    if pending {
        resim.game.capture(&mut world);
        out.world(&world, false);
    }
    Ok(out.finish())
}

/// The game's captured world at each of `ticks` (ascending; each at or after the recording's
/// first tick), re-simulated from the input recording in `bytes` and verified on the way: what a
/// viewer of the recording shows at those ticks. A tick past the recording's end is refused.
pub fn worlds_at(
    bytes: &[u8],
    games: &dyn NewGame,
    ticks: &[u64],
) -> Result<Vec<World>, VerifyError> {
    let mut file = ReplayFile::open(bytes)?;
    if file.header.kind == RecordingKind::Stream {
        return Err(VerifyError::NotDeterministic);
    }
    let mut resim = Resim::new(&file.header, games)?;
    let mut events = Vec::new();
    let mut out = Vec::with_capacity(ticks.len());
    let mut wanted = ticks.iter().copied().peekable();
    let mut take = |resim: &Resim, out: &mut Vec<World>| {
        while wanted.next_if(|&t| t <= resim.game.tick()).is_some() {
            let mut world = World::new(Tick(resim.game.tick() as u32));
            resim.game.capture(&mut world);
            out.push(world);
        }
    };
    while let Some(section) = file.sections.next_section()? {
        resim.check_keyframe(&section)?;
        take(&resim, &mut out);
        for entry in &section.entries {
            resim.apply(entry, &mut events)?;
            events.clear();
            take(&resim, &mut out);
        }
    }
    if out.len() < ticks.len() {
        return Err(VerifyError::Diverged {
            tick: ticks[out.len()],
            what: format!("the recording ends at tick {}", resim.game.tick()),
        });
    }
    Ok(out)
}
