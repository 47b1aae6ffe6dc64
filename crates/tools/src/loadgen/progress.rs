//! The load generator's progress: one line a second on stderr while it runs, with the clients
//! joined and failed, what they receive and send, and the server's tick p99 and CPU over that
//! second (from its `/metrics`).

use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering::Relaxed};
use std::time::{Duration, Instant};

use tokio::sync::watch;

use super::client::{Counters, Totals};
use super::scrape::{self, Scrape};
use super::{SCRAPE_LIMIT, TICK_HISTOGRAM};

/// What the progress line reads while the run goes on: every joined client's counters, the
/// failures so far and the phase.
#[derive(Debug)]
pub(crate) struct Live {
    /// Clients that joined.
    pub(crate) joined: AtomicU32,
    /// Clients that failed to join.
    pub(crate) failed: AtomicU32,
    /// Every joined client's counters, in join order.
    pub(crate) clients: parking_lot::Mutex<Vec<Arc<Counters>>>,
    /// What the run is doing: `ramp`, `warm-up`, `measure`, `close`.
    pub(crate) phase: parking_lot::Mutex<&'static str>,
}

impl Live {
    pub(crate) fn new() -> Live {
        Live {
            joined: AtomicU32::new(0),
            failed: AtomicU32::new(0),
            clients: parking_lot::Mutex::new(Vec::new()),
            phase: parking_lot::Mutex::new("ramp"),
        }
    }

    fn totals(&self) -> Totals {
        let clients = self.clients.lock().clone();
        Totals::sum(clients.iter().map(|c| &**c))
    }
}

/// One second's figures, as the progress line shows them.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Second {
    pub(crate) elapsed_s: f64,
    pub(crate) phase: &'static str,
    pub(crate) requested: u32,
    pub(crate) joined: u32,
    pub(crate) failed: u32,
    pub(crate) alive: u64,
    pub(crate) snapshots_per_sec: f64,
    pub(crate) bytes_per_sec: f64,
    pub(crate) inputs_per_sec: f64,
    pub(crate) server_tick_p99_ms: Option<f64>,
    pub(crate) server_cpu_pct: Option<f64>,
}

impl std::fmt::Display for Second {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{:>4.0} s {:<7} clients {}/{} joined, {} failed, {} alive | {:.0} snapshots/s, {:.2} MB/s in, {:.0} inputs/s",
            self.elapsed_s,
            self.phase,
            self.joined,
            self.requested,
            self.failed,
            self.alive,
            self.snapshots_per_sec,
            self.bytes_per_sec / 1e6,
            self.inputs_per_sec
        )?;
        match self.server_tick_p99_ms {
            Some(p99) if p99.is_finite() => write!(f, " | server tick p99 {p99:.2} ms")?,
            Some(_) => write!(f, " | server tick p99 over the last bucket")?,
            None => write!(f, " | server tick p99 n/a")?,
        }
        if let Some(cpu) = self.server_cpu_pct {
            write!(f, ", CPU {cpu:.0} %")?;
        }
        Ok(())
    }
}

/// Prints a line to stderr every second, prefixed with `label`, until `stop` turns true.
pub(crate) async fn report_every_second(
    label: String,
    requested: u32,
    live: Arc<Live>,
    metrics: Option<(SocketAddr, String)>,
    mut stop: watch::Receiver<bool>,
) {
    let start = Instant::now();
    let mut every = tokio::time::interval(Duration::from_secs(1));
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    every.tick().await;
    let mut last = (live.totals(), Instant::now());
    let mut last_scrape = match &metrics {
        Some((addr, host)) => scrape::fetch(*addr, host, SCRAPE_LIMIT).await.ok(),
        None => None,
    };
    loop {
        tokio::select! {
            _ = every.tick() => {}
            _ = stop.changed() => {}
        }
        if *stop.borrow() {
            return;
        }
        let now = (live.totals(), Instant::now());
        let secs = now.1.duration_since(last.1).as_secs_f64().max(1e-3);
        let rate = |a: u64, b: u64| b.saturating_sub(a) as f64 / secs;
        let scraped = match &metrics {
            Some((addr, host)) => scrape::fetch(*addr, host, SCRAPE_LIMIT).await.ok(),
            None => None,
        };
        let (p99, cpu) = match (&last_scrape, &scraped) {
            (Some(a), Some(b)) => server_second(a, b, secs),
            _ => (None, None),
        };
        let second = Second {
            elapsed_s: start.elapsed().as_secs_f64(),
            phase: *live.phase.lock(),
            requested,
            joined: live.joined.load(Relaxed),
            failed: live.failed.load(Relaxed),
            alive: now.0.alive,
            snapshots_per_sec: rate(last.0.snapshots, now.0.snapshots),
            bytes_per_sec: rate(last.0.bytes_in, now.0.bytes_in),
            inputs_per_sec: rate(last.0.inputs_sent, now.0.inputs_sent),
            server_tick_p99_ms: p99,
            server_cpu_pct: cpu,
        };
        // One write per line, so that lines of other writers do not cut into it.
        let _ = writeln!(std::io::stderr().lock(), "{label} {second}");
        last = now;
        if scraped.is_some() {
            last_scrape = scraped;
        }
    }
}

/// The server's tick p99 (ms) and CPU (% of a core) between two scrapes `secs` apart.
fn server_second(a: &Scrape, b: &Scrape, secs: f64) -> (Option<f64>, Option<f64>) {
    let p99 = scrape::window_quantile(&a.buckets(TICK_HISTOGRAM), &b.buckets(TICK_HISTOGRAM), 0.99)
        .map(|s| s * 1e3);
    let cpu = b
        .value("process_cpu_seconds_total")
        .zip(a.value("process_cpu_seconds_total"))
        .map(|(b, a)| (b - a).max(0.0) / secs * 100.0);
    (p99, cpu)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_holds_every_figure() {
        let s = Second {
            elapsed_s: 3.0,
            phase: "measure",
            requested: 200,
            joined: 190,
            failed: 10,
            alive: 190,
            snapshots_per_sec: 5700.0,
            bytes_per_sec: 12_500_000.0,
            inputs_per_sec: 5690.0,
            server_tick_p99_ms: Some(1.25),
            server_cpu_pct: Some(23.4),
        };
        let line = s.to_string();
        assert!(!line.contains('\n'), "{line}");
        for part in [
            "3 s measure",
            "190/200 joined, 10 failed, 190 alive",
            "5700 snapshots/s",
            "12.50 MB/s in",
            "5690 inputs/s",
            "server tick p99 1.25 ms",
            "CPU 23 %",
        ] {
            assert!(line.contains(part), "{part:?} in {line:?}");
        }
    }

    #[test]
    fn server_figures_over_one_second() {
        let a = Scrape::parse(
            "process_cpu_seconds_total 1.0\n\
             tickwire_tick_duration_seconds_bucket{le=\"0.001\"} 10\n\
             tickwire_tick_duration_seconds_bucket{le=\"0.002\"} 10\n\
             tickwire_tick_duration_seconds_bucket{le=\"+Inf\"} 10\n",
        );
        let b = Scrape::parse(
            "process_cpu_seconds_total 1.5\n\
             tickwire_tick_duration_seconds_bucket{le=\"0.001\"} 20\n\
             tickwire_tick_duration_seconds_bucket{le=\"0.002\"} 40\n\
             tickwire_tick_duration_seconds_bucket{le=\"+Inf\"} 40\n",
        );
        let (p99, cpu) = server_second(&a, &b, 1.0);
        assert_eq!(p99, Some(2.0));
        assert_eq!(cpu, Some(50.0));
    }
}
