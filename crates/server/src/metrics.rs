//! Process-wide counters, rendered as Prometheus text at `/metrics`.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use crate::histogram::Histogram;

/// Counters and gauges, all lock-free. One instance is shared by every task.
#[derive(Default, Debug)]
pub struct Metrics {
    /// Sessions currently connected (after a good `Hello`).
    pub players: AtomicU64,
    /// Rooms running.
    pub rooms: AtomicU64,
    /// WebSocket sessions opened since start.
    pub sessions_opened: AtomicU64,
    /// Upgrade requests refused (bad method, key or version).
    pub upgrades_refused: AtomicU64,
    /// Sessions closed for a protocol or message error, by reason (see [`CloseReason`]).
    pub closes_bad_frame: AtomicU64,
    /// Text messages received (refused with 1003).
    pub closes_text: AtomicU64,
    /// Binary messages that did not decode (refused with 1008).
    pub closes_bad_message: AtomicU64,
    /// Hellos with another protocol version (refused with 4001).
    pub closes_version: AtomicU64,
    /// Joins refused because every room was full.
    pub closes_full: AtomicU64,
    /// Sessions dropped for sending too fast.
    pub closes_flood: AtomicU64,
    /// Sessions dropped because their socket would not take data for too long.
    pub closes_slow: AtomicU64,
    /// Inputs accepted.
    pub inputs: AtomicU64,
    /// Inputs dropped because a player's input buffer was full.
    pub inputs_dropped: AtomicU64,
    /// Simulation ticks run.
    pub ticks: AtomicU64,
    /// Ticks skipped because a room fell too far behind.
    pub ticks_dropped: AtomicU64,
    /// Snapshots written to sockets.
    pub snapshots_sent: AtomicU64,
    /// Snapshots a session never wrote because a newer one was ready first.
    pub snapshots_skipped: AtomicU64,
    /// Delta encodings reused from the per-snapshot cache.
    pub encode_cache_hits: AtomicU64,
    /// Delta encodings computed.
    pub encode_cache_misses: AtomicU64,
    /// WebSocket payload bytes written.
    pub bytes_out: AtomicU64,
    /// WebSocket payload bytes read.
    pub bytes_in: AtomicU64,
    /// Duration of each room tick (simulation step, capture and publish).
    pub tick_duration: Histogram,
    /// Time spent encoding deltas, per encoding.
    pub encode_duration: Histogram,
}

/// Why the server closed a session, for counting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CloseReason {
    /// A WebSocket frame error.
    BadFrame,
    /// A text message.
    Text,
    /// A binary message that did not decode or broke a protocol rule.
    BadMessage,
    /// Another protocol version.
    Version,
    /// No room had space.
    Full,
    /// Too many messages.
    Flood,
    /// The socket would not take data.
    Slow,
}

impl Metrics {
    /// Counts one close for `reason`.
    pub fn count_close(&self, reason: CloseReason) {
        let c = match reason {
            CloseReason::BadFrame => &self.closes_bad_frame,
            CloseReason::Text => &self.closes_text,
            CloseReason::BadMessage => &self.closes_bad_message,
            CloseReason::Version => &self.closes_version,
            CloseReason::Full => &self.closes_full,
            CloseReason::Flood => &self.closes_flood,
            CloseReason::Slow => &self.closes_slow,
        };
        c.fetch_add(1, Relaxed);
    }

    /// Records one tick's duration.
    pub fn record_tick(&self, micros: u64) {
        self.ticks.fetch_add(1, Relaxed);
        self.tick_duration.observe_us(micros);
    }

    /// The Prometheus text exposition of every counter.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(4096);
        let gauge = |out: &mut String, name: &str, help: &str, v: &AtomicU64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {}",
                v.load(Relaxed)
            );
        };
        let counter = |out: &mut String, name: &str, help: &str, v: &AtomicU64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                v.load(Relaxed)
            );
        };
        gauge(
            &mut out,
            "tickwire_players",
            "Connected players.",
            &self.players,
        );
        gauge(&mut out, "tickwire_rooms", "Rooms running.", &self.rooms);
        counter(
            &mut out,
            "tickwire_sessions_opened_total",
            "WebSocket sessions opened.",
            &self.sessions_opened,
        );
        counter(
            &mut out,
            "tickwire_upgrades_refused_total",
            "Refused WebSocket upgrade requests.",
            &self.upgrades_refused,
        );
        let _ = writeln!(
            out,
            "# HELP tickwire_sessions_closed_total Sessions the server closed, by reason.\n# TYPE tickwire_sessions_closed_total counter"
        );
        for (reason, v) in [
            ("bad_frame", &self.closes_bad_frame),
            ("text", &self.closes_text),
            ("bad_message", &self.closes_bad_message),
            ("version", &self.closes_version),
            ("full", &self.closes_full),
            ("flood", &self.closes_flood),
            ("slow", &self.closes_slow),
        ] {
            let _ = writeln!(
                out,
                "tickwire_sessions_closed_total{{reason=\"{reason}\"}} {}",
                v.load(Relaxed)
            );
        }
        counter(
            &mut out,
            "tickwire_inputs_total",
            "Inputs accepted.",
            &self.inputs,
        );
        counter(
            &mut out,
            "tickwire_inputs_dropped_total",
            "Inputs dropped on a full buffer.",
            &self.inputs_dropped,
        );
        counter(
            &mut out,
            "tickwire_ticks_total",
            "Simulation ticks run.",
            &self.ticks,
        );
        counter(
            &mut out,
            "tickwire_ticks_dropped_total",
            "Ticks skipped when a room fell behind.",
            &self.ticks_dropped,
        );
        counter(
            &mut out,
            "tickwire_snapshots_sent_total",
            "Snapshots written to sockets.",
            &self.snapshots_sent,
        );
        counter(
            &mut out,
            "tickwire_snapshots_skipped_total",
            "Snapshots skipped for slow sessions.",
            &self.snapshots_skipped,
        );
        counter(
            &mut out,
            "tickwire_encode_cache_hits_total",
            "Delta encodings shared between sessions.",
            &self.encode_cache_hits,
        );
        counter(
            &mut out,
            "tickwire_encode_cache_misses_total",
            "Delta encodings computed.",
            &self.encode_cache_misses,
        );
        counter(
            &mut out,
            "tickwire_bytes_out_total",
            "WebSocket payload bytes written.",
            &self.bytes_out,
        );
        counter(
            &mut out,
            "tickwire_bytes_in_total",
            "WebSocket payload bytes read.",
            &self.bytes_in,
        );
        self.tick_duration.render(
            &mut out,
            "tickwire_tick_duration_seconds",
            "Duration of one room tick: step, capture, publish.",
        );
        self.encode_duration.render(
            &mut out,
            "tickwire_encode_duration_seconds",
            "Duration of one delta encoding.",
        );
        let (hits, misses) = (
            self.encode_cache_hits.load(Relaxed),
            self.encode_cache_misses.load(Relaxed),
        );
        if hits + misses > 0 {
            let _ = writeln!(
                out,
                "# HELP tickwire_encode_cache_hit_ratio Share of snapshot encodings shared between sessions since start.\n# TYPE tickwire_encode_cache_hit_ratio gauge\ntickwire_encode_cache_hit_ratio {}",
                hits as f64 / (hits + misses) as f64
            );
        }
        if let Some(cpu) = crate::process_stats::cpu_seconds() {
            let _ = writeln!(
                out,
                "# HELP process_cpu_seconds_total User and system CPU time of the process.\n# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total {cpu}"
            );
        }
        if let Some(rss) = crate::process_stats::resident_bytes() {
            let _ = writeln!(
                out,
                "# HELP process_resident_memory_bytes Resident memory of the process.\n# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes {rss}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP tickwire_tick_duration_max_seconds Longest tick since start.\n# TYPE tickwire_tick_duration_max_seconds gauge\ntickwire_tick_duration_max_seconds {}",
            self.tick_duration.max_us() as f64 / 1e6
        );
        out
    }
}
