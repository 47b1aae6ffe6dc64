//! The bandwidth report: the standard scenarios and the arena run in-process (no sockets), with
//! every client decoding every delta, and a table of what each client receives.

use tickwire_arena::{ARENA_VIEW_RADIUS, ArenaGame};
use tickwire_protocol::{Baselines, Tick, World, codec, write_delta};
use tickwire_scenarios::{RANDOM_WALK_VIEW_RADIUS, RandomWalkGame};
use tickwire_server::RoomConfig;
use tickwire_server::{Game, ServerConfig};
use tickwire_sim::Map;

use crate::dry_run::{DryRun, InputPattern};

/// One row of the report.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Row {
    /// Scenario name.
    pub scenario: String,
    /// Entities in the world (walkers, bots, players; projectiles vary).
    pub entities: usize,
    /// Clients.
    pub clients: usize,
    /// Moving share of the scenario's entities, in percent (`None` for the arena).
    pub moving_pct: Option<u32>,
    /// Area-of-interest view radius, or `None` when everyone sees everything.
    pub view_radius: Option<f32>,
    /// WebSocket payload bytes of snapshot messages per client per second.
    pub bytes_per_sec_per_client: f64,
    /// Entity updates (changed or created entities) per client per second.
    pub updates_per_sec_per_client: f64,
    /// Payload bits per entity update.
    pub bits_per_entity_update: f64,
    /// Size of a snapshot message in which nothing changed.
    pub idle_snapshot_bytes: usize,
    /// Share of encodings shared between clients.
    pub cache_hit_rate: f64,
    /// Clients whose rebuilt world ever differed from the server's (must be 0).
    pub mismatches: u64,
}

/// Which game a case runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseGame {
    /// The `random-walk` scenario.
    RandomWalk {
        /// Non-player entities.
        entities: u32,
        /// 100 or 10.
        moving_pct: u32,
    },
    /// The arena on the bundled map.
    Arena {
        /// Bots per room.
        bots: u32,
    },
}

/// One configuration to measure.
#[derive(Clone, Debug)]
pub struct Case {
    /// Name in the table.
    pub name: &'static str,
    /// The game.
    pub game: CaseGame,
    /// Clients.
    pub clients: usize,
    /// Simulation ticks per second (snapshots are at 30 per second).
    pub tick_rate: u32,
    /// Area of interest, or `None` when everyone sees everything.
    pub view_radius: Option<f32>,
}

impl Case {
    /// A random-walk case at the scenario's 30 Hz.
    pub fn random_walk(
        entities: u32,
        moving_pct: u32,
        clients: usize,
        view_radius: Option<f32>,
    ) -> Case {
        Case {
            name: "random-walk",
            game: CaseGame::RandomWalk {
                entities,
                moving_pct,
            },
            clients,
            tick_rate: 30,
            view_radius,
        }
    }

    /// The room this case runs, with its clients joined, without sockets.
    pub fn dry_run(&self, verify: bool) -> DryRun {
        let room = RoomConfig {
            tick_rate: self.tick_rate,
            ticks_per_snapshot: (self.tick_rate / 30).max(1),
            capacity: self.clients,
            view_radius: self.view_radius,
            hold_ticks: 0,
            max_rewind_ticks: 0,
        };
        let seed = ServerConfig::default().seed;
        let (game, pattern): (Box<dyn Game>, _) = match self.game {
            CaseGame::RandomWalk {
                entities,
                moving_pct,
            } => (
                Box::new(RandomWalkGame::new(entities, moving_pct)),
                InputPattern::Wander,
            ),
            CaseGame::Arena { bots } => (
                Box::new(ArenaGame::new(
                    Map::default_arena(),
                    self.tick_rate,
                    bots,
                    seed,
                )),
                InputPattern::Arena,
            ),
        };
        DryRun::new(game, room, self.clients, pattern, verify)
    }
}

/// The standard cases: random-walk at the sizes of the scenario page that fit a quick run, with
/// and without area of interest, and the arena game.
pub fn standard_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for (e, c) in [(100u32, 10usize), (1000, 50), (1000, 200)] {
        for pct in [100, 10] {
            cases.push(Case::random_walk(e, pct, c, None));
        }
    }
    for pct in [100, 10] {
        cases.push(Case::random_walk(
            10_000,
            pct,
            100,
            Some(RANDOM_WALK_VIEW_RADIUS),
        ));
    }
    for (players, bots) in [(8usize, 8u32), (16, 48)] {
        cases.push(Case {
            name: "arena",
            game: CaseGame::Arena { bots },
            clients: players,
            tick_rate: 60,
            view_radius: Some(ARENA_VIEW_RADIUS),
        });
    }
    cases
}

/// Runs `case` for a warm-up of 2 s and `seconds` of measurement, at its own rates.
pub fn measure(case: &Case, seconds: u32) -> Row {
    let mut run = case.dry_run(true);
    let warm = 2 * case.tick_rate;
    for _ in 0..warm {
        run.tick();
    }
    let (mut bytes, mut updates, mut hits, mut misses, mut mismatches) = (0, 0, 0, 0, 0);
    for _ in 0..seconds * case.tick_rate {
        if let Some(s) = run.tick() {
            bytes += s.bytes;
            updates += s.entity_updates;
            hits += s.cache_hits;
            misses += s.cache_misses;
            mismatches += s.mismatches;
        }
    }
    let clients = run.clients().max(1) as f64;
    let secs = f64::from(seconds);
    let bps = bytes as f64 / clients / secs;
    let ups = updates as f64 / clients / secs;
    Row {
        scenario: case.name.to_string(),
        entities: run.world_entities(),
        clients: run.clients(),
        moving_pct: match case.game {
            CaseGame::RandomWalk { moving_pct, .. } => Some(moving_pct),
            CaseGame::Arena { .. } => None,
        },
        view_radius: case.view_radius,
        bytes_per_sec_per_client: bps,
        updates_per_sec_per_client: ups,
        bits_per_entity_update: if ups > 0.0 { bps * 8.0 / ups } else { 0.0 },
        idle_snapshot_bytes: idle_snapshot_bytes(),
        cache_hit_rate: if hits + misses > 0 {
            hits as f64 / (hits + misses) as f64
        } else {
            0.0
        },
        mismatches,
    }
}

/// The size of a snapshot message in which nothing changed, at a tick and ack typical of a
/// server that has run for an hour.
pub fn idle_snapshot_bytes() -> usize {
    let base = World::new(Tick(216_000));
    let cur = World::new(Tick(216_002));
    let worlds = Baselines {
        baseline: Some(&base),
        previous: None,
    };
    let schema = tickwire_scenarios::random_walk_schema();
    let mut body = Vec::new();
    write_delta(&schema, worlds, &cur, &mut body);
    let mut out = Vec::new();
    codec::write_snapshot(
        tickwire_protocol::InputAck {
            seq: 108_000,
            ..Default::default()
        },
        None,
        &body,
        &mut out,
    );
    out.len()
}

/// The rows as a Markdown table.
pub fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| scenario | entities | clients | moving | view radius | bytes/s per client | bits per entity update | idle snapshot bytes | cache hit rate |\n|---|---|---|---|---|---|---|---|---|\n",
    );
    for r in rows {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {:.0} | {:.1} | {} | {:.1} % |\n",
            r.scenario,
            r.entities,
            r.clients,
            r.moving_pct.map_or("game".into(), |p| format!("{p} %")),
            r.view_radius
                .map_or("all visible".into(), |v| format!("{v}")),
            r.bytes_per_sec_per_client,
            r.bits_per_entity_update,
            r.idle_snapshot_bytes,
            r.cache_hit_rate * 100.0,
        ));
    }
    out
}
