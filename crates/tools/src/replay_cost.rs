//! What recording costs: the same arena match (bots and scripted players, the same seed and
//! inputs) run as fast as it goes with recording off and on, side by side, and the recording's
//! size. Printed by `tickwire replay cost`.

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;
use tickwire_arena::{ArenaInput, ArenaSettings};
use tickwire_protocol::{ClientId, Record};
use tickwire_server::InputBuffer;
use tickwire_server::Metrics;
use tickwire_server::recording::replay_sim::{recording_header, verify};
use tickwire_server::{GameOptions, NewGame, PlayerInput, recording::recording_writer};
use tickwire_server::{Room, RoomConfig};

/// What [`measure`] found.
#[derive(Clone, Debug, Serialize)]
pub struct ReplayCost {
    /// Scripted players (each sends an input every tick).
    pub players: usize,
    /// Bots.
    pub bots: u32,
    /// Simulated seconds.
    pub seconds: u32,
    /// The recording's size.
    pub bytes: u64,
    /// Bytes a minute per player.
    pub bytes_per_minute_per_player: f64,
    /// Room tick median without recording, microseconds.
    pub tick_p50_off_us: f64,
    /// Room tick median with recording, microseconds.
    pub tick_p50_on_us: f64,
    /// Room tick p99 without recording, microseconds.
    pub tick_p99_off_us: f64,
    /// Room tick p99 with recording, microseconds.
    pub tick_p99_on_us: f64,
    /// Whether the recording verified (checksums equal on every tick).
    pub verified: bool,
}

/// Why a measurement failed.
#[derive(Debug, thiserror::Error)]
pub enum CostError {
    /// The arena could not be made.
    #[error("cannot make the arena: {0}")]
    Arena(String),
    /// The recording could not be written.
    #[error(transparent)]
    Write(#[from] recording_writer::WriteError),
    /// The recording could not be read back.
    #[error("cannot read the recording back: {0}")]
    Read(#[from] std::io::Error),
}

fn input(player: usize, tick: u64) -> Record {
    let phase = ((tick / 45 + player as u64 * 3) % 8) as usize;
    Record::of(&ArenaInput {
        move_x: [-1, 0, 1, 1, 0, -1, -1, 1][phase],
        move_y: [0, 1, 1, -1, -1, 0, 1, 0][phase],
        aim: (tick % 628) as f32 / 100.0 + player as f32,
        fire: (tick + player as u64 * 7) % 20 < 3,
    })
}

/// Runs one match; returns each tick's duration in microseconds.
fn run(room: &mut Room, players: usize, ticks: u64) -> Vec<f64> {
    let buffers: Vec<Arc<InputBuffer>> = (0..players)
        .map(|i| {
            let b = Arc::new(InputBuffer::new());
            // A room of this size always has a seat; a refused one plays with fewer players.
            let _ = room.handle_join(ClientId(i as u32 + 1), &format!("p{i}"), b.clone());
            b
        })
        .collect();
    let mut times = Vec::with_capacity(ticks as usize);
    for tick in 0..ticks {
        for (i, b) in buffers.iter().enumerate() {
            b.push(PlayerInput::new(tick as u32 + 1, input(i, tick)));
        }
        let start = Instant::now();
        room.tick();
        times.push(start.elapsed().as_secs_f64() * 1e6);
    }
    times
}

/// The `pct` percentile of `v` (sorted here).
fn percentile(v: &mut [f64], pct: usize) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() * pct / 100).copied().unwrap_or(0.0)
}

/// Measures `seconds` of an arena match with `players` scripted players and `bots` bots at
/// `tick_rate`, writing the recording under `dir`.
pub fn measure(
    players: usize,
    bots: u32,
    seconds: u32,
    tick_rate: u32,
    dir: &Path,
) -> Result<ReplayCost, CostError> {
    let games = ArenaSettings::new(None, bots, tick_rate)
        .map_err(|e| CostError::Arena(e.to_string()))?
        .games();
    let options = GameOptions {
        map: None,
        bots: Some(bots),
        tick_rate,
    };
    let config = RoomConfig {
        tick_rate,
        ticks_per_snapshot: 2,
        capacity: players.max(1),
        view_radius: None,
        hold_ticks: 0,
        max_rewind_ticks: 12,
    };
    let ticks = u64::from(tick_rate) * u64::from(seconds);
    let seed = 0x7153_3eed;
    let make = || {
        games
            .new_game_with(seed, &options)
            .map_err(CostError::Arena)
    };

    let metrics = Arc::new(Metrics::default());
    let mut off = Room::new(make()?, config, metrics.clone());
    let mut off_times = run(&mut off, players, ticks);

    let path = dir.join("replay-cost.twr");
    let game = make()?;
    let header = recording_header(game.as_ref(), seed, (tick_rate, 2), 0);
    let writer = recording_writer::start(&path, header, recording_writer::QUEUE_BATCHES, metrics)?;
    let mut on =
        Room::new(game, config, Arc::new(Metrics::default())).with_recording(writer.recording);
    let mut on_times = run(&mut on, players, ticks);
    let whole = on.is_recording();
    drop(on);
    let bytes = match writer.thread.join() {
        Ok(written) => written?,
        Err(_) => 0,
    };
    let file = std::fs::read(&path)?;
    let verified = whole && verify(&file, &games).is_ok();
    let _ = std::fs::remove_file(&path);
    let minutes = f64::from(seconds) / 60.0;
    Ok(ReplayCost {
        players,
        bots,
        seconds,
        bytes,
        bytes_per_minute_per_player: bytes as f64 / minutes / players.max(1) as f64,
        tick_p50_off_us: percentile(&mut off_times, 50),
        tick_p50_on_us: percentile(&mut on_times, 50),
        tick_p99_off_us: percentile(&mut off_times, 99),
        tick_p99_on_us: percentile(&mut on_times, 99),
        verified,
    })
}
