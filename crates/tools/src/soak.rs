//! The soak and chaos run: honest clients play for minutes while misbehaving ones try what a
//! hostile or broken network does (slow readers, half-closes, frames cut in half, vanishing
//! sockets, too many connections from one address, ping floods, headers a byte at a time), and
//! the server must stay well: memory flat, the players gauge back at 0, honest clients unharmed.
//!
//! Each client spreads over its own loopback source address (honest ones `127.1.x.y`,
//! misbehaving ones `127.2.x.y`, the address flood `127.0.0.77`), so that the server's
//! per-address limit stays on and only the address flood meets it. Every loop is bounded in
//! count and time: a run ends by itself about `duration + hold + 20 s` after it starts.
//!
//! It runs only against loopback addresses unless [`SoakConfig::allow_remote`] is set, checked
//! before any lookup or connection (the rule of [`crate::loadgen::Target`]).

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use tickwire_client::{GameClient, connect_tcp_from, websocket_handshake};
use tokio::time::Instant;

use crate::loadgen::scrape::{self, Scrape};
use crate::loadgen::{
    SCRAPE_LIMIT, TICK_HISTOGRAM, Target, TargetError, client_seed, raise_fd_limit,
};

mod honest;
mod misbehave;
mod report;

pub use misbehave::{FLOOD_SOURCE, Kind, Outcome, role_for};
pub use report::{HonestFigures, KindFigures, SoakReport};

/// How long one client may take to connect, upgrade and be welcomed.
const JOIN_LIMIT: Duration = Duration::from_secs(5);
/// Time past the deadline and the hold that stopping every client may take before the rest are
/// abandoned.
const STOP_LIMIT: Duration = Duration::from_secs(15);
/// How often the players gauge is read while waiting for it to reach 0.
const DRAIN_POLL: Duration = Duration::from_millis(250);
/// Clients started per second.
const RAMP_PER_SEC: u64 = 200;

/// What to run.
#[derive(Clone, Debug, PartialEq)]
pub struct SoakConfig {
    /// The game socket, `ws://HOST:PORT/PATH`.
    pub url: String,
    /// Where to read `/metrics` (`http://HOST:PORT/metrics`, for a server with an admin
    /// listener); by default the game socket's host and port.
    pub metrics_url: Option<String>,
    /// How long clients play.
    pub duration: Duration,
    /// Clients at once, honest and misbehaving.
    pub clients: u32,
    /// Percent of the clients that misbehave (0 to 100).
    pub misbehaving_pct: u8,
    /// Seed of the honest clients' inputs and session lengths.
    pub seed: u64,
    /// Allow a host that is not a loopback address.
    pub allow_remote: bool,
    /// The most the server's resident memory may grow over the run, MiB.
    pub max_rss_growth_mib: f64,
    /// An honest session lasts between these two, then the client leaves and joins again.
    pub rejoin_after: (Duration, Duration),
    /// How long a slow reader is held, a slow request dripped or a half-closed socket watched
    /// before the misbehaviour counts as survived; above the server's write and header timeouts.
    pub hold: Duration,
    /// Connections an address flood opens (above the server's per-address limit).
    pub address_probe: u32,
    /// How long the players gauge may take to reach 0 once every client stopped.
    pub drain_limit: Duration,
}

impl Default for SoakConfig {
    fn default() -> Self {
        SoakConfig {
            url: "ws://127.0.0.1:8080/ws".into(),
            metrics_url: None,
            duration: Duration::from_secs(120),
            clients: 200,
            misbehaving_pct: 20,
            seed: 1,
            allow_remote: false,
            max_rss_growth_mib: 64.0,
            rejoin_after: (Duration::from_secs(10), Duration::from_secs(30)),
            hold: Duration::from_secs(15),
            address_probe: 80,
            drain_limit: Duration::from_secs(15),
        }
    }
}

/// Why a run could not be made, or failed.
#[derive(Debug, thiserror::Error)]
pub enum SoakError {
    /// The URL is malformed, not loopback (without `allow_remote`), or does not resolve.
    #[error(transparent)]
    Target(#[from] TargetError),
    /// A setting is out of range.
    #[error("invalid setting: {0}")]
    Config(&'static str),
    /// The metrics URL is not `http://HOST:PORT/metrics`.
    #[error("bad metrics URL {url:?}: {why}")]
    MetricsUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        why: &'static str,
    },
    /// `/metrics` could not be read at the start, so nothing could be checked.
    #[error("cannot read the server's /metrics: {0}")]
    Metrics(String),
    /// The run finished and a check failed; the report says what was seen.
    #[error("soak failed: {}", .report.failures.join("; "))]
    Failed {
        /// The whole report.
        report: Box<SoakReport>,
    },
}

/// What every client of one run shares.
pub(crate) struct Ctx {
    addr: SocketAddr,
    target: Target,
    deadline: Instant,
    rejoin_after: (Duration, Duration),
    hold: Duration,
    address_probe: u32,
}

impl Ctx {
    /// Whether the server is on an IPv4 loopback address (so source addresses can be chosen).
    fn v4_loopback(&self) -> bool {
        matches!(self.addr.ip(), IpAddr::V4(ip) if ip.is_loopback())
    }

    /// Client `i`'s source address in `block` (`127.block.x.y`), or `None` for a server not on
    /// IPv4 loopback.
    fn source(&self, block: u8, i: u32) -> Option<IpAddr> {
        self.v4_loopback()
            .then(|| IpAddr::V4(source_address(block, i)))
    }

    /// Connects from `local`, upgrades on the target's path and joins as `name`, within
    /// [`JOIN_LIMIT`].
    async fn join(
        &self,
        local: Option<IpAddr>,
        recv_buffer: Option<u32>,
        name: &str,
    ) -> Result<GameClient, String> {
        let joining = async {
            let stream = connect_tcp_from(local, self.addr, recv_buffer).await?;
            let ws =
                websocket_handshake(stream, &self.target.authority(), &self.target.path).await?;
            GameClient::join_with(GameClient::from_socket(ws), name).await
        };
        match tokio::time::timeout(JOIN_LIMIT, joining).await {
            Ok(Ok(c)) => Ok(c),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err("no welcome within 5 s".into()),
        }
    }
}

/// Address `i` of `127.block.0.1 ..= 127.block.249.250` (wrapping after 62 500).
pub fn source_address(block: u8, i: u32) -> Ipv4Addr {
    let n = i % 62_500;
    Ipv4Addr::new(127, block, (n / 250) as u8, (n % 250 + 1) as u8)
}

/// How many of `clients` misbehave at `pct` percent (rounded to the nearest).
pub fn misbehaving_count(clients: u32, pct: u8) -> u32 {
    ((u64::from(clients) * u64::from(pct.min(100)) + 50) / 100) as u32
}

/// The address and `Host` of `/metrics`: from `metrics_url`, or the game socket's.
async fn metrics_target(
    config: &SoakConfig,
    target: &Target,
    addr: SocketAddr,
) -> Result<(SocketAddr, String), SoakError> {
    let Some(url) = &config.metrics_url else {
        return Ok((addr, target.authority()));
    };
    let bad = |why| SoakError::MetricsUrl {
        url: url.clone(),
        why,
    };
    let rest = url
        .strip_prefix("http://")
        .ok_or_else(|| bad("only http:// URLs are supported"))?;
    let names_path = rest.contains('/');
    let m = Target::parse(&format!("ws://{rest}")).map_err(|_| bad("not a valid URL"))?;
    if names_path && m.path != "/metrics" {
        return Err(bad("the path must be /metrics"));
    }
    let addr = m.resolve(config.allow_remote).await?;
    Ok((addr, m.authority()))
}

/// Sums of a counter's samples by their `reason` label.
fn by_reason(s: &Scrape, name: &str) -> BTreeMap<String, f64> {
    let mut out = BTreeMap::new();
    for sample in s.samples.iter().filter(|x| x.name == name) {
        if let Some((_, reason)) = sample.labels.iter().find(|(k, _)| k == "reason") {
            *out.entry(reason.clone()).or_insert(0.0) += sample.value;
        }
    }
    out
}

/// What each reason's counter grew by between two scrapes.
fn reason_deltas(s0: &Scrape, s1: &Scrape, name: &str) -> BTreeMap<String, u64> {
    let before = by_reason(s0, name);
    by_reason(s1, name)
        .into_iter()
        .map(|(k, v)| {
            let d = (v - before.get(&k).copied().unwrap_or(0.0)).max(0.0);
            (k, d.round() as u64)
        })
        .collect()
}

const MIB: f64 = 1024.0 * 1024.0;

/// Runs the soak and returns its report; [`SoakError::Failed`] (holding the report) when a check
/// failed. Needs a tokio runtime (a multi-thread one: every honest client decodes every snapshot).
pub async fn run(config: SoakConfig) -> Result<SoakReport, SoakError> {
    if config.clients == 0 {
        return Err(SoakError::Config("clients must be at least 1"));
    }
    if config.misbehaving_pct > 100 {
        return Err(SoakError::Config("misbehaving-pct must be at most 100"));
    }
    if config.duration.is_zero() || config.hold.is_zero() {
        return Err(SoakError::Config("durations must be positive"));
    }
    if config.rejoin_after.0 > config.rejoin_after.1 {
        return Err(SoakError::Config(
            "the shortest session is longer than the longest",
        ));
    }
    let target = Target::parse(&config.url)?;
    let addr = target.resolve(config.allow_remote).await?;
    let (metrics_addr, metrics_host) = metrics_target(&config, &target, addr).await?;
    let misbehaving = misbehaving_count(config.clients, config.misbehaving_pct);
    let honest_n = config.clients - misbehaving;
    // Each client holds one socket at a time, an address flood many.
    raise_fd_limit(config.clients + misbehaving.saturating_mul(config.address_probe));

    let s0 = scrape::fetch(metrics_addr, &metrics_host, SCRAPE_LIMIT)
        .await
        .map_err(|e| SoakError::Metrics(e.to_string()))?;
    let t0 = Instant::now();
    let ctx = Arc::new(Ctx {
        addr,
        target,
        deadline: t0 + config.duration,
        rejoin_after: config.rejoin_after,
        hold: config.hold,
        address_probe: config.address_probe,
    });
    tracing::info!(
        clients = config.clients,
        misbehaving,
        seconds = config.duration.as_secs_f64(),
        "soak starting"
    );
    let pace = |k: u32| Duration::from_micros(u64::from(k) * 1_000_000 / RAMP_PER_SEC);
    let mut honest_tasks = Vec::with_capacity(honest_n as usize);
    for i in 0..honest_n {
        let ctx = ctx.clone();
        let seed = client_seed(config.seed, i);
        honest_tasks.push(tokio::spawn(async move {
            tokio::time::sleep(pace(i)).await;
            honest::run(&ctx, i, seed).await
        }));
    }
    let mut bad_tasks = Vec::with_capacity(misbehaving as usize);
    for j in 0..misbehaving {
        let ctx = ctx.clone();
        bad_tasks.push(tokio::spawn(async move {
            tokio::time::sleep(pace(honest_n + j)).await;
            misbehave::run(&ctx, j).await
        }));
    }

    // Every task stops by itself after the deadline; a stuck one is abandoned.
    let stop_by = ctx.deadline + config.hold + STOP_LIMIT;
    let mut honest = HonestFigures::default();
    for mut task in honest_tasks {
        match tokio::time::timeout_at(stop_by, &mut task).await {
            Ok(Ok(figures)) => honest.add(figures),
            Ok(Err(e)) => tracing::warn!(error = %e, "an honest client failed"),
            Err(_) => task.abort(),
        }
    }
    let mut misbehaviours: BTreeMap<String, KindFigures> = BTreeMap::new();
    for kind in Kind::ALL {
        misbehaviours.insert(kind.as_str().into(), KindFigures::default());
    }
    for mut task in bad_tasks {
        match tokio::time::timeout_at(stop_by, &mut task).await {
            Ok(Ok(seen)) => {
                for (kind, outcome) in seen {
                    let k = misbehaviours.entry(kind.as_str().into()).or_default();
                    k.tried += 1;
                    k.as_expected += u64::from(kind.expects(outcome));
                    *k.outcomes.entry(outcome.label()).or_default() += 1;
                }
            }
            Ok(Err(e)) => tracing::warn!(error = %e, "a misbehaving client failed"),
            Err(_) => task.abort(),
        }
    }
    let duration = t0.elapsed();

    // The players gauge must come back to 0 now that every client stopped.
    let drain_start = Instant::now();
    let drain_by = drain_start + config.drain_limit;
    let mut last = None;
    loop {
        if let Ok(s) = scrape::fetch(metrics_addr, &metrics_host, SCRAPE_LIMIT).await {
            let players = s.value("tickwire_players");
            last = Some(s);
            if players == Some(0.0) {
                break;
            }
        }
        if Instant::now() >= drain_by {
            break;
        }
        tokio::time::sleep(DRAIN_POLL).await;
    }
    let players_drain_s = drain_start.elapsed().as_secs_f64();

    let mut report = SoakReport {
        url: config.url.clone(),
        duration_s: duration.as_secs_f64(),
        clients: config.clients,
        misbehaving,
        misbehaving_pct: f64::from(misbehaving) * 100.0 / f64::from(config.clients),
        rss_start_mib: s0.value("process_resident_memory_bytes").map(|b| b / MIB),
        players_drain_s,
        honest,
        misbehaviours,
        ..SoakReport::default()
    };
    if let Some(s1) = &last {
        report.rss_end_mib = s1.value("process_resident_memory_bytes").map(|b| b / MIB);
        report.players_end = s1.value("tickwire_players");
        let (b0, b1) = (s0.buckets(TICK_HISTOGRAM), s1.buckets(TICK_HISTOGRAM));
        let longest = s1.value("tickwire_tick_duration_max_seconds");
        report.tick_p99_ms = scrape::window_quantile(&b0, &b1, 0.99)
            .map(|s| match longest {
                Some(l) if s.is_infinite() => l,
                _ => s,
            })
            .map(|s| (s * 1e6).round() / 1e3);
        report.server_closes = reason_deltas(&s0, s1, "tickwire_sessions_closed_total");
        report.server_refusals = reason_deltas(&s0, s1, "tickwire_connections_refused_total");
    }
    report.check(config.max_rss_growth_mib);
    if report.failures.is_empty() {
        Ok(report)
    } else {
        Err(SoakError::Failed {
            report: Box::new(report),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_and_addresses() {
        assert_eq!(misbehaving_count(200, 20), 40);
        assert_eq!(misbehaving_count(30, 30), 9);
        assert_eq!(misbehaving_count(5, 0), 0);
        assert_eq!(misbehaving_count(5, 100), 5);
        assert_eq!(misbehaving_count(3, 50), 2);
        assert_eq!(source_address(1, 0), Ipv4Addr::new(127, 1, 0, 1));
        assert_eq!(source_address(1, 249), Ipv4Addr::new(127, 1, 0, 250));
        assert_eq!(source_address(2, 250), Ipv4Addr::new(127, 2, 1, 1));
        assert!(source_address(1, u32::MAX).is_loopback());
        assert_ne!(IpAddr::V4(FLOOD_SOURCE), IpAddr::V4(source_address(2, 76)));
    }

    #[test]
    fn counts_by_reason_over_a_run() {
        let s0 = Scrape::parse(
            "tickwire_sessions_closed_total{reason=\"slow\"} 2\n\
             tickwire_sessions_closed_total{reason=\"idle\"} 1\n",
        );
        let s1 = Scrape::parse(
            "tickwire_sessions_closed_total{reason=\"slow\"} 5\n\
             tickwire_sessions_closed_total{reason=\"idle\"} 1\n\
             tickwire_sessions_closed_total{reason=\"flood\"} 4\n",
        );
        let d = reason_deltas(&s0, &s1, "tickwire_sessions_closed_total");
        assert_eq!(
            d,
            [("flood".into(), 4), ("idle".into(), 0), ("slow".into(), 3)].into()
        );
    }

    #[tokio::test]
    async fn metrics_urls() {
        let target = Target::parse("ws://127.0.0.1:9000/ws").expect("parses");
        let addr: SocketAddr = "127.0.0.1:9000".parse().expect("address");
        let with = |url: Option<&str>| SoakConfig {
            metrics_url: url.map(str::to_owned),
            ..SoakConfig::default()
        };
        let (a, host) = metrics_target(&with(None), &target, addr)
            .await
            .expect("default");
        assert_eq!((a, host.as_str()), (addr, "127.0.0.1:9000"));
        let (a, host) = metrics_target(&with(Some("http://127.0.0.1:9100/metrics")), &target, addr)
            .await
            .expect("admin");
        assert_eq!(a, "127.0.0.1:9100".parse().expect("address"));
        assert_eq!(host, "127.0.0.1:9100");
        for bad in [
            "https://127.0.0.1:9100/metrics",
            "http://127.0.0.1:9100/rooms",
            "http://10.0.0.1:9100/metrics",
        ] {
            assert!(
                metrics_target(&with(Some(bad)), &target, addr)
                    .await
                    .is_err(),
                "{bad}"
            );
        }
    }
}
