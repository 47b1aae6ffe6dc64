//! The load generator: many headless clients over real WebSockets from one process, and the
//! figures of a measurement window, the client's side (snapshots, bytes, entity updates, input ack
//! latency) next to the server's own (tick durations, CPU and memory from its `/metrics`).
//!
//! A run connects [`LoadgenConfig::clients`] clients at a bounded rate, warms up, then measures
//! over a window by summing every client's counters and scraping `/metrics` at both edges, and
//! closes every client with a close frame (1000). Every wait is bounded: a run ends by itself about
//! ramp + warm-up + window + 5 s after it starts, however the server behaves.
//!
//! It loads only loopback addresses unless [`LoadgenConfig::allow_remote`] is set, and checks
//! this before any lookup or connection. While it runs it prints one progress line a second on
//! stderr (when [`LoadgenConfig::progress`] names it); clients that fail are counted by the reason
//! the server gave ([`failure`]), with what to change when the reason is a server limit.

use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

use tokio::sync::watch;

mod client;
pub mod failure;
mod progress;
mod report;
pub(crate) mod scrape;
mod target;
mod upgrade;

use client::{Counters, RunShared, Running, Totals};
use failure::{FailureTally, JoinFailure};
use progress::Live;
pub use report::Report;
use scrape::Scrape;
pub use target::{Target, TargetError};

/// How long one client may take to connect, upgrade and be welcomed.
const JOIN_LIMIT: Duration = Duration::from_secs(5);
/// How long one `/metrics` scrape may take.
pub(crate) const SCRAPE_LIMIT: Duration = Duration::from_secs(1);
/// How long closing every client may take before the rest are dropped.
const CLOSE_LIMIT: Duration = Duration::from_secs(2);
/// The histogram of server tick durations in `/metrics`.
pub(crate) const TICK_HISTOGRAM: &str = "tickwire_tick_duration_seconds";

/// What to run.
#[derive(Clone, Debug, PartialEq)]
pub struct LoadgenConfig {
    /// The game socket, `ws://HOST:PORT/PATH`; `/metrics` is read from the same host and port.
    pub url: String,
    /// Clients to connect.
    pub clients: u32,
    /// The measurement window.
    pub duration: Duration,
    /// Time between the last client joining and the window opening.
    pub warmup: Duration,
    /// Clients connected per second during the ramp-up (so the listen backlog is not overrun).
    pub ramp_per_sec: u32,
    /// Seed of the clients' random inputs (client `i` uses a generator derived from it and `i`).
    pub seed: u64,
    /// Allow a host that is not a loopback address.
    pub allow_remote: bool,
    /// Players are named `{name_prefix}-{i}`: a prefix of the run's own keeps its players apart
    /// from other runs' on a server that stores players (at most 16 characters are kept).
    pub name_prefix: String,
    /// Print a progress line a second on stderr, starting with this label; `None`: quiet.
    pub progress: Option<String>,
    /// Every client sends its input at the same moment of each tick, instead of on its own
    /// clock from when it joined (the default, as players do): the server then sees its inputs
    /// arrive together, as it would at best if it read them in batches. The difference between
    /// the two is what the server's wake-ups for inputs arriving one after another cost.
    pub aligned_inputs: bool,
    /// Every `decode_every`-th client (the first, then every n-th) applies each snapshot to a
    /// world of its own; the others count its bytes, read its acknowledgement and check that it
    /// decodes as a message. 1 (the default): every client. Decoding every snapshot of a large
    /// world for 1,000 clients takes more than a core, so a load generator on the server's own
    /// machine cannot send the load it is asked for without sampling; entity updates and bits
    /// per update are then measured over the clients that decode.
    pub decode_every: u32,
}

impl Default for LoadgenConfig {
    fn default() -> Self {
        LoadgenConfig {
            url: "ws://127.0.0.1:8080/ws".into(),
            clients: 10,
            duration: Duration::from_secs(15),
            warmup: Duration::from_secs(5),
            ramp_per_sec: 200,
            seed: 1,
            allow_remote: false,
            name_prefix: run_name_prefix(),
            progress: None,
            aligned_inputs: false,
            decode_every: 1,
        }
    }
}

/// A name prefix that differs from run to run: `lg` and the wall clock's seconds in base 36
/// (`lg-s3k2f1`), so that a stored player's name says which run it came from.
pub fn run_name_prefix() -> String {
    let mut secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut digits = Vec::new();
    while secs > 0 {
        digits.push(char::from_digit((secs % 36) as u32, 36).unwrap_or('0'));
        secs /= 36;
    }
    digits.reverse();
    format!("lg-{}", digits.into_iter().collect::<String>())
}

/// The longest name prefix kept: room for `-` and a client number within the name limit.
const MAX_PREFIX_CHARS: usize = 16;

/// Why a run could not be made.
#[derive(Debug, thiserror::Error)]
pub enum LoadgenError {
    /// The URL is malformed, not loopback (without `allow_remote`), or does not resolve.
    #[error(transparent)]
    Target(#[from] TargetError),
    /// A setting is out of range.
    #[error("invalid setting: {0}")]
    Config(&'static str),
    /// Not one client could join, so there is nothing to measure.
    #[error("no client could join ({failures} tried): {reasons}{}", hint.as_deref().map(|h| format!(" ({h})")).unwrap_or_default())]
    NoClientJoined {
        /// Clients that tried.
        failures: u32,
        /// The failures grouped by reason, with counts.
        reasons: String,
        /// What to change, for the most frequent reason, when known.
        hint: Option<String>,
    },
}

/// One joined client: its counters and its two tasks.
struct Client {
    counters: Arc<Counters>,
    running: Running,
}

/// Runs the load and returns what it measured. Needs a tokio runtime (a multi-thread one for
/// realistic figures: every client decodes every snapshot).
pub async fn run(config: LoadgenConfig) -> Result<Report, LoadgenError> {
    if config.clients == 0 {
        return Err(LoadgenError::Config("clients must be at least 1"));
    }
    if config.ramp_per_sec == 0 {
        return Err(LoadgenError::Config("ramp-per-sec must be at least 1"));
    }
    if config.duration.is_zero() {
        return Err(LoadgenError::Config("duration must be positive"));
    }
    let target = Target::parse(&config.url)?;
    let addr = target.resolve(config.allow_remote).await?;
    raise_fd_limit(config.clients);

    let shared = Arc::new(RunShared::new(config.aligned_inputs));
    let (stop_tx, stop_rx) = watch::channel(false);
    let metrics_host = target.authority();
    // Read before the first client, so that a server whose /metrics cannot be read is said at
    // once (`scrape` warns), not after the ramp and warm-up.
    let _ = scrape(addr, &metrics_host).await;
    let live = Arc::new(Live::new());
    let (progress_stop, progress_rx) = watch::channel(false);
    let progress = config.progress.clone().map(|label| {
        tokio::spawn(progress::report_every_second(
            label,
            config.clients,
            live.clone(),
            Some((addr, metrics_host.clone())),
            progress_rx,
        ))
    });
    let prefix: String = config.name_prefix.chars().take(MAX_PREFIX_CHARS).collect();

    // Ramp-up: one join started every 1/ramp_per_sec, each bounded by JOIN_LIMIT.
    let ramp_start = Instant::now();
    let mut pace = tokio::time::interval(Duration::from_secs_f64(
        1.0 / f64::from(config.ramp_per_sec),
    ));
    pace.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut joins = Vec::with_capacity(config.clients as usize);
    for i in 0..config.clients {
        pace.tick().await;
        let target = target.clone();
        let shared = shared.clone();
        let stop = stop_rx.clone();
        let live = live.clone();
        let seed = client_seed(config.seed, i);
        let name = format!("{prefix}-{i}");
        joins.push(tokio::spawn(async move {
            let attempt = |version| {
                let name = name.clone();
                let target = &target;
                async move {
                    tokio::time::timeout(JOIN_LIMIT, client::join(addr, target, name, version))
                        .await
                        .map_err(|_| JoinFailure::Timeout)
                        .and_then(|r| r)
                }
            };
            let mut joined = attempt(shared.version.load(Relaxed)).await;
            // An older server names its version; every later client says it at once.
            if let Some(version) = joined.as_ref().err().and_then(client::spoken_instead) {
                shared.version.store(version, Relaxed);
                joined = attempt(version).await;
            }
            let joined = match joined {
                Ok(j) => j,
                Err(e) => {
                    live.failed.fetch_add(1, Relaxed);
                    return Err(e);
                }
            };
            let rates = (joined.welcome.tick_rate, joined.welcome.snapshot_rate);
            let counters = Arc::new(Counters::default());
            let decodes = i % config.decode_every.max(1) == 0;
            let running = client::start(joined, seed, decodes, counters.clone(), shared, stop);
            live.clients.lock().push(counters.clone());
            live.joined.fetch_add(1, Relaxed);
            Ok::<_, JoinFailure>((Client { counters, running }, rates))
        }));
    }
    let mut clients = Vec::with_capacity(joins.len());
    let mut rates = None;
    let mut failures = FailureTally::default();
    let mut first_error = None;
    for join in joins {
        let failure = match join.await {
            Ok(Ok((client, r))) => {
                rates.get_or_insert(r);
                clients.push(client);
                continue;
            }
            Ok(Err(e)) => e,
            Err(e) => JoinFailure::Other(format!("join task: {e}")),
        };
        failures.add(&failure);
        first_error.get_or_insert_with(|| failure.reason());
    }
    let ramp = ramp_start.elapsed();
    let groups = failures.groups();
    let Some((tick_rate, snapshot_rate)) = rates else {
        let _ = progress_stop.send(true);
        if let Some(p) = progress {
            let _ = p.await;
        }
        return Err(LoadgenError::NoClientJoined {
            failures: failures.total(),
            reasons: failure::summary(&groups),
            hint: groups.first().and_then(|g| g.hint.clone()),
        });
    };
    if !groups.is_empty() {
        tracing::warn!(
            failed = failures.total(),
            reasons = %failure::summary(&groups),
            "some clients could not join"
        );
    }
    tracing::info!(
        joined = clients.len(),
        failed = failures.total(),
        ramp_s = ramp.as_secs_f64(),
        "clients joined; warming up"
    );
    *live.phase.lock() = "warm-up";
    tokio::time::sleep(config.warmup).await;

    // The window: client counters and the server's metrics at both edges.
    *live.phase.lock() = "measure";
    let start = totals(&clients);
    let snapshots_at_start = snapshot_counts(&clients);
    shared.measuring.store(true, Relaxed);
    let t0 = Instant::now();
    let cpu0 = tickwire_server::telemetry::process_stats::cpu_seconds();
    let scrape0 = scrape(addr, &metrics_host).await;
    tracing::info!(seconds = config.duration.as_secs_f64(), "measuring");
    tokio::time::sleep_until((t0 + config.duration).into()).await;
    let end = totals(&clients);
    let snapshots_at_end = snapshot_counts(&clients);
    shared.measuring.store(false, Relaxed);
    let window = t0.elapsed();
    let cpu1 = tickwire_server::telemetry::process_stats::cpu_seconds();
    let scrape1 = scrape(addr, &metrics_host).await;

    // Closing: closes are expected from here on.
    *live.phase.lock() = "close";
    let _ = progress_stop.send(true);
    if let Some(p) = progress {
        let _ = p.await;
    }
    shared.ending.store(true, Relaxed);
    let _ = stop_tx.send(true);
    let deadline = tokio::time::Instant::now() + CLOSE_LIMIT;
    for c in &mut clients {
        if tokio::time::timeout_at(deadline, &mut c.running.reader)
            .await
            .is_err()
        {
            c.running.reader.abort();
        }
        if tokio::time::timeout_at(deadline, &mut c.running.writer)
            .await
            .is_err()
        {
            c.running.writer.abort();
        }
    }
    let last = totals(&clients);

    let secs = window.as_secs_f64();
    let measured = start.alive.max(1) as f64;
    let per_client = |a: u64, b: u64| b.saturating_sub(a) as f64 / measured / secs;
    let bytes_per_sec = per_client(start.bytes_in, end.bytes_in);
    // Over the clients that decode: what each of them was sent, and how many updates that held.
    let decoding = start.decoding_alive.max(1) as f64;
    let updates_per_sec =
        end.entity_updates.saturating_sub(start.entity_updates) as f64 / decoding / secs;
    let decoded_bytes_per_sec =
        end.decoded_bytes.saturating_sub(start.decoded_bytes) as f64 / decoding / secs;
    let ms = |us: Option<u64>| us.map(|us| us as f64 / 1000.0);
    let latency = shared.ack_latency();
    let mut report = Report {
        url: config.url.clone(),
        clients_requested: config.clients,
        clients_connected: clients.len() as u32,
        connect_failures: failures.total(),
        first_connect_error: first_error,
        connect_failures_by_reason: groups,
        unexpected_closes_by_reason: close_reasons(&clients),
        clients_measured: start.alive as u32,
        ramp_s: ramp.as_secs_f64(),
        warmup_s: config.warmup.as_secs_f64(),
        duration_s: config.duration.as_secs_f64(),
        window_s: secs,
        tick_rate,
        snapshot_rate,
        snapshots_per_sec_per_client: per_client(start.snapshots, end.snapshots),
        snapshots_per_sec_slowest_client: snapshots_at_start
            .iter()
            .zip(&snapshots_at_end)
            .map(|(a, b)| b.saturating_sub(*a))
            .min()
            .unwrap_or(0) as f64
            / secs,
        bytes_per_sec_per_client: bytes_per_sec,
        entity_updates_per_sec: updates_per_sec,
        bits_per_entity_update: (updates_per_sec > 0.0)
            .then(|| decoded_bytes_per_sec * 8.0 / updates_per_sec),
        clients_decoding: start.decoding_alive as u32,
        inputs_per_sec_per_client: per_client(start.inputs_sent, end.inputs_sent),
        input_ack_latency_ms_p50: ms(latency.p50_us),
        input_ack_latency_ms_p99: ms(latency.p99_us),
        input_ack_latency_ms_max: ms(latency.max_us),
        input_ack_samples: latency.samples,
        decode_errors: last.decode_errors,
        unexpected_closes: last.unexpected_closes,
        loadgen_cpu_pct: cpu0.zip(cpu1).map(|(a, b)| (b - a).max(0.0) / secs * 100.0),
        ..Report::default()
    };
    match (scrape0, scrape1) {
        (Ok(s0), Ok(s1)) => server_figures(&mut report, &s0, &s1),
        (Err(e), _) | (_, Err(e)) => report.metrics_error = Some(e),
    }
    Ok(report)
}

/// The seed of client `i`'s inputs: one draw of a generator seeded from the run's seed and `i`.
pub(crate) fn client_seed(run_seed: u64, i: u32) -> u64 {
    tickwire_sim::Rng::new(run_seed ^ u64::from(i).wrapping_mul(0x9E37_79B9)).next_u64()
}

/// Each client's snapshot count, in client order.
fn snapshot_counts(clients: &[Client]) -> Vec<u64> {
    clients
        .iter()
        .map(|c| c.counters.snapshots.load(Relaxed))
        .collect()
}

/// The reasons clients ended before the run closed them, grouped.
fn close_reasons(clients: &[Client]) -> Vec<failure::FailureGroup> {
    let mut tally = FailureTally::default();
    for c in clients {
        if let Some(why) = &*c.counters.close_reason.lock() {
            tally.add(why);
        }
    }
    tally.groups()
}

fn totals(clients: &[Client]) -> Totals {
    Totals::sum(clients.iter().map(|c| &*c.counters))
}

/// One scrape and the instant its answer arrived.
async fn scrape(addr: std::net::SocketAddr, host: &str) -> Result<(Scrape, Instant), String> {
    scrape::fetch(addr, host, SCRAPE_LIMIT)
        .await
        .map(|s| (s, Instant::now()))
        .map_err(|e| {
            tracing::warn!(error = %e, "cannot read the server's /metrics");
            e.to_string()
        })
}

/// Fills the server's figures from scrapes at both edges of the window.
fn server_figures(report: &mut Report, (s0, t0): &(Scrape, Instant), (s1, t1): &(Scrape, Instant)) {
    let secs = t1.duration_since(*t0).as_secs_f64();
    if secs <= 0.0 {
        return;
    }
    let (b0, b1) = (s0.buckets(TICK_HISTOGRAM), s1.buckets(TICK_HISTOGRAM));
    // A percentile past the last finite bucket is bounded by the longest tick the server saw.
    let longest = s1.value("tickwire_tick_duration_max_seconds");
    let ms = |v: Option<f64>| {
        v.map(|s| match longest {
            Some(l) if s.is_infinite() => l,
            _ => s,
        })
        // Bucket bounds are whole microseconds: keep the figure free of float noise.
        .map(|s| (s * 1e6).round() / 1e3)
    };
    report.server_tick_ms_p50 = ms(scrape::window_quantile(&b0, &b1, 0.5));
    report.server_tick_ms_p99 = ms(scrape::window_quantile(&b0, &b1, 0.99));
    report.server_tick_ms_max = ms(scrape::window_max(&b0, &b1));
    let delta = |name: &str| Some(s1.value(name)? - s0.value(name)?);
    let ticks = delta("tickwire_ticks_total");
    report.server_bytes_out_per_sec = delta("tickwire_bytes_out_total").map(|b| b / secs);
    let cpu = delta("process_cpu_seconds_total");
    report.server_ticks_per_sec = ticks.map(|t| t / secs);
    report.server_cpu_pct = cpu.map(|c| c / secs * 100.0);
    report.server_cpu_ms_per_tick = cpu
        .zip(ticks)
        .and_then(|(c, t)| (t > 0.0).then(|| c * 1000.0 / t));
    report.server_rss_mb = s1
        .value("process_resident_memory_bytes")
        .map(|b| b / (1024.0 * 1024.0));
}

/// Raises the open-file limit for `clients` sockets and some room for the runtime and scrapes.
pub(crate) fn raise_fd_limit(clients: u32) {
    tickwire_server::telemetry::process_stats::raise_open_file_limit(u64::from(clients) + 64);
}
