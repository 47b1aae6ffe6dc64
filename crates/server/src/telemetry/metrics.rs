//! `Metrics`: the process-wide counters, gauges and histograms, kept in a `prometheus-client`
//! registry and rendered as Prometheus text at `/metrics`.
//!
//! Every update on the network path is one relaxed atomic add (counters and gauges); the two
//! histograms take a short lock per observation, once per room tick and once per delta encoded.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use prometheus_client::encoding::{
    EncodeLabelSet, EncodeLabelValue, EncodeMetric, LabelValueEncoder, MetricEncoder,
};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::metrics::{MetricType, TypedMetric};
use prometheus_client::registry::Registry;

use crate::telemetry::process_stats::ProcessCollector;

/// Bucket upper bounds of the duration histograms, in microseconds: 10 µs to 200 ms, sixteen
/// steps a decade (1, 1.2, 1.4, 1.6, 1.8, 2, 2.5, 3, 3.5, 4, 4.5, 5, 6, 7, 8, 9), so that
/// neighbours are at most 1.25x apart and round targets (1, 2, 5, 10 ms) are bounds of their own:
/// a p99 read from two scrapes is the bucket's upper bound, and "p99 ≤ 5 ms" can be read exactly.
const BOUNDS_US: [u32; 70] = [
    10, 12, 14, 16, 18, 20, 25, 30, 35, 40, 45, 50, 60, 70, 80, 90, 100, 120, 140, 160, 180, 200,
    250, 300, 350, 400, 450, 500, 600, 700, 800, 900, 1_000, 1_200, 1_400, 1_600, 1_800, 2_000,
    2_500, 3_000, 3_500, 4_000, 4_500, 5_000, 6_000, 7_000, 8_000, 9_000, 10_000, 12_000, 14_000,
    16_000, 18_000, 20_000, 25_000, 30_000, 35_000, 40_000, 45_000, 50_000, 60_000, 70_000, 80_000,
    90_000, 100_000, 120_000, 140_000, 160_000, 180_000, 200_000,
];

/// A histogram of durations over [`BOUNDS_US`], observed in seconds.
fn duration_histogram() -> Histogram {
    Histogram::new(BOUNDS_US.iter().map(|&us| f64::from(us) / 1e6))
}

/// Why the server closed a session, for counting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CloseReason {
    /// A WebSocket frame error.
    BadFrame,
    /// A text message.
    Text,
    /// A binary message that did not decode or broke a protocol rule.
    BadMessage,
    /// Another protocol version.
    Version,
    /// A client built for another schema (another game's data).
    Schema,
    /// No room had space.
    Full,
    /// Too many messages.
    Flood,
    /// The socket would not take data.
    Slow,
    /// No `Hello` in time.
    HelloTimeout,
    /// Nothing received for longer than the idle timeout.
    Idle,
}

impl CloseReason {
    /// The reason as the `reason` label shows it.
    pub fn as_str(self) -> &'static str {
        match self {
            CloseReason::BadFrame => "bad_frame",
            CloseReason::Text => "text",
            CloseReason::BadMessage => "bad_message",
            CloseReason::Version => "version",
            CloseReason::Schema => "schema",
            CloseReason::Full => "full",
            CloseReason::Flood => "flood",
            CloseReason::Slow => "slow",
            CloseReason::HelloTimeout => "hello_timeout",
            CloseReason::Idle => "idle",
        }
    }

    const ALL: [CloseReason; 10] = [
        CloseReason::BadFrame,
        CloseReason::Text,
        CloseReason::BadMessage,
        CloseReason::Version,
        CloseReason::Schema,
        CloseReason::Full,
        CloseReason::Flood,
        CloseReason::Slow,
        CloseReason::HelloTimeout,
        CloseReason::Idle,
    ];
}

impl EncodeLabelValue for CloseReason {
    fn encode(&self, encoder: &mut LabelValueEncoder<'_>) -> Result<(), fmt::Error> {
        fmt::Write::write_str(encoder, self.as_str())
    }
}

/// Why a connection was refused before any HTTP was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConnectionRefusal {
    /// The server held its most connections (`--max-connections`).
    Total,
    /// The client's address held its most connections (`--max-connections-per-ip`).
    PerAddress,
}

impl EncodeLabelValue for ConnectionRefusal {
    fn encode(&self, encoder: &mut LabelValueEncoder<'_>) -> Result<(), fmt::Error> {
        fmt::Write::write_str(
            encoder,
            match self {
                ConnectionRefusal::Total => "total",
                ConnectionRefusal::PerAddress => "per_address",
            },
        )
    }
}

/// The label of `tickwire_connections_refused_total`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, EncodeLabelSet)]
struct RefusalLabels {
    reason: ConnectionRefusal,
}

/// The label of `tickwire_tokens_refused_total`: one of
/// [`TokenRefusal::LABELS`](crate::auth::join_token::TokenRefusal::LABELS).
#[derive(Clone, Debug, PartialEq, Eq, Hash, EncodeLabelSet)]
struct TokenLabels {
    reason: &'static str,
}

/// The admin actions, as `tickwire_admin_actions_total` labels them.
pub const ADMIN_ACTIONS: [&str; 5] = ["kick", "ban", "unban", "notice", "close_room"];

/// The label of `tickwire_admin_actions_total`: one of [`ADMIN_ACTIONS`].
#[derive(Clone, Debug, PartialEq, Eq, Hash, EncodeLabelSet)]
struct ActionLabels {
    action: &'static str,
}

/// The label of `tickwire_sessions_closed_total`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, EncodeLabelSet)]
struct CloseLabels {
    reason: CloseReason,
}

/// The largest value observed so far, as a gauge in seconds (a histogram's buckets bound a
/// maximum only to within a bucket).
#[derive(Debug, Default)]
pub struct MaxSeconds(std::sync::Arc<AtomicU64>);

impl Clone for MaxSeconds {
    fn clone(&self) -> Self {
        MaxSeconds(self.0.clone())
    }
}

impl MaxSeconds {
    /// Records one observation in microseconds.
    pub fn observe_us(&self, us: u64) {
        self.0.fetch_max(us, Relaxed);
    }

    /// The largest observation so far, in microseconds.
    pub fn max_us(&self) -> u64 {
        self.0.load(Relaxed)
    }
}

impl TypedMetric for MaxSeconds {
    const TYPE: MetricType = MetricType::Gauge;
}

impl EncodeMetric for MaxSeconds {
    fn encode(&self, mut encoder: MetricEncoder<'_>) -> Result<(), fmt::Error> {
        encoder.encode_gauge(&(self.max_us() as f64 / 1e6))
    }

    fn metric_type(&self) -> MetricType {
        Self::TYPE
    }
}

/// Counters, gauges and histograms, shared by every task of one server. Each field is a handle
/// into the registry that [`Metrics::render`] encodes.
#[derive(Debug)]
pub struct Metrics {
    /// Sessions currently connected (after a good `Hello`).
    pub players: Gauge,
    /// Rooms running.
    pub rooms: Gauge,
    /// WebSocket sessions opened since start.
    pub sessions_opened: Counter,
    /// Upgrade requests refused (bad method, key or version).
    pub upgrades_refused: Counter,
    /// Upgrade requests refused because the page's `Origin` is not allowed.
    pub origins_refused: Counter,
    /// TCP connections open now on the public port.
    pub connections: Gauge,
    /// Inputs accepted.
    pub inputs: Counter,
    /// Inputs dropped: on a full buffer, late ones a repeat stood in for, and surplus ones
    /// (`tickwire_inputs_surplus`).
    pub inputs_dropped: Counter,
    /// Game events dropped: of a kind the schema does not declare, for a player who left, or
    /// over a room's bound of events to everyone a tick.
    pub events_dropped: Counter,
    /// Recording items a room could not queue (each stops its recording).
    pub recording_items_dropped: Counter,
    /// Recordings written to the end.
    pub recordings_written: Counter,
    /// Recordings deleted by the size or age budget.
    pub recordings_expired: Counter,
    /// Bytes of recordings (and their converted viewer streams) on disk, as last counted.
    pub recordings_bytes: Gauge,
    /// Requests for a private room's recording refused (no key, a wrong key or token).
    pub replay_refusals: Counter,
    /// Simulation ticks run.
    pub ticks: Counter,
    /// Ticks skipped because a room fell too far behind.
    pub ticks_dropped: Counter,
    /// Ticks that began before every paced reader had answered the room's call to read.
    pub read_calls_unanswered: Counter,
    /// Snapshots written to sockets.
    pub snapshots_sent: Counter,
    /// Snapshots a session never wrote because a newer one was ready first.
    pub snapshots_skipped: Counter,
    /// Snapshots the fan-out pass left to their session's own task: the socket was full or the
    /// session was writing something else.
    pub fan_out_handed_over: Counter,
    /// Delta encodings reused from the per-snapshot cache.
    pub encode_cache_hits: Counter,
    /// Delta encodings computed.
    pub encode_cache_misses: Counter,
    /// WebSocket payload bytes written.
    pub bytes_out: Counter,
    /// WebSocket payload bytes read.
    pub bytes_in: Counter,
    /// Duration of each room tick (simulation step, capture and publish), in seconds.
    pub tick_duration: Histogram,
    /// The longest room tick since start.
    pub tick_duration_max: MaxSeconds,
    /// Time spent encoding deltas, per encoding, in seconds.
    pub encode_duration: Histogram,
    /// TLS certificate reloads that took effect.
    pub tls_reloads: Counter,
    /// TLS certificate reloads that failed (the previous certificate stays in use).
    pub tls_reload_failures: Counter,
    /// Rooms created through `POST /rooms`.
    pub rooms_created: Counter,
    /// `POST /rooms` requests refused (bad body, limits, shutting down).
    pub rooms_refused: Counter,
    /// WebSocket joins refused because the address or the player is banned.
    pub bans_refused: Counter,
    /// Admin API requests refused for a missing or wrong admin token.
    pub admin_refused: Counter,
    admin_actions: Family<ActionLabels, Counter>,
    /// Spectators watching now (they are not players).
    pub spectators: Gauge,
    /// Spectators refused because their room had its most.
    pub spectators_refused: Counter,
    /// Seats held for a player whose connection dropped.
    pub seats_held: Counter,
    /// Held seats taken back with their resume token.
    pub seats_resumed: Counter,
    /// Held seats freed because their reconnect window ran out.
    pub seats_expired: Counter,
    /// Resume tokens refused (the seat gone, used, still connected, or its room stopped).
    pub resumes_refused: Counter,
    /// The link conditioner, input timing and lag compensation.
    pub netcode: crate::telemetry::netcode_metrics::NetcodeMetrics,
    /// Room quotas, wrong secrets, timeouts and replaced sessions.
    pub abuse: crate::telemetry::abuse_metrics::AbuseMetrics,
    closes: Family<CloseLabels, Counter>,
    connections_refused: Family<RefusalLabels, Counter>,
    tokens_refused: Family<TokenLabels, Counter>,
    registry: Registry,
}

impl Default for Metrics {
    fn default() -> Self {
        let m = Metrics {
            players: Gauge::default(),
            rooms: Gauge::default(),
            sessions_opened: Counter::default(),
            upgrades_refused: Counter::default(),
            origins_refused: Counter::default(),
            connections: Gauge::default(),
            inputs: Counter::default(),
            inputs_dropped: Counter::default(),
            events_dropped: Counter::default(),
            recording_items_dropped: Counter::default(),
            recordings_written: Counter::default(),
            recordings_expired: Counter::default(),
            recordings_bytes: Gauge::default(),
            replay_refusals: Counter::default(),
            ticks: Counter::default(),
            ticks_dropped: Counter::default(),
            read_calls_unanswered: Counter::default(),
            snapshots_sent: Counter::default(),
            snapshots_skipped: Counter::default(),
            fan_out_handed_over: Counter::default(),
            encode_cache_hits: Counter::default(),
            encode_cache_misses: Counter::default(),
            bytes_out: Counter::default(),
            bytes_in: Counter::default(),
            tick_duration: duration_histogram(),
            tick_duration_max: MaxSeconds::default(),
            encode_duration: duration_histogram(),
            tls_reloads: Counter::default(),
            tls_reload_failures: Counter::default(),
            rooms_created: Counter::default(),
            rooms_refused: Counter::default(),
            bans_refused: Counter::default(),
            admin_refused: Counter::default(),
            admin_actions: Family::default(),
            spectators: Gauge::default(),
            spectators_refused: Counter::default(),
            seats_held: Counter::default(),
            seats_resumed: Counter::default(),
            seats_expired: Counter::default(),
            resumes_refused: Counter::default(),
            netcode: Default::default(),
            abuse: Default::default(),
            closes: Family::default(),
            connections_refused: Family::default(),
            tokens_refused: Family::default(),
            registry: Registry::default(),
        };
        m.register()
    }
}

impl Metrics {
    /// Registers every metric under its exported name (counters gain `_total` when encoded).
    fn register(mut self) -> Metrics {
        let r = &mut self.registry;
        r.register(
            "tickwire_players",
            "Connected players",
            self.players.clone(),
        );
        r.register("tickwire_rooms", "Rooms running", self.rooms.clone());
        r.register(
            "tickwire_spectators",
            "Spectators watching",
            self.spectators.clone(),
        );
        r.register(
            "tickwire_recordings_bytes",
            "Bytes of match recordings and their viewer streams on disk",
            self.recordings_bytes.clone(),
        );
        r.register(
            "tickwire_connections",
            "Open connections on the public port",
            self.connections.clone(),
        );
        let counters = [
            (
                "tickwire_sessions_opened",
                "WebSocket sessions opened",
                &self.sessions_opened,
            ),
            (
                "tickwire_upgrades_refused",
                "Refused WebSocket upgrade requests",
                &self.upgrades_refused,
            ),
            (
                "tickwire_origins_refused",
                "WebSocket upgrades refused for a page Origin that is not allowed",
                &self.origins_refused,
            ),
            ("tickwire_inputs", "Inputs accepted", &self.inputs),
            (
                "tickwire_inputs_dropped",
                "Inputs dropped: on a full buffer, late ones a repeat stood in for, or surplus",
                &self.inputs_dropped,
            ),
            (
                "tickwire_events_dropped",
                "Game events dropped: an undeclared kind, a player gone, or too many to everyone in a tick",
                &self.events_dropped,
            ),
            (
                "tickwire_recording_items_dropped",
                "Recording items a room could not queue (each stops its recording)",
                &self.recording_items_dropped,
            ),
            (
                "tickwire_recordings_written",
                "Match recordings written to the end",
                &self.recordings_written,
            ),
            (
                "tickwire_recordings_expired",
                "Match recordings deleted by the size or age budget",
                &self.recordings_expired,
            ),
            (
                "tickwire_replay_refusals",
                "Requests for a private room's recording refused",
                &self.replay_refusals,
            ),
            ("tickwire_ticks", "Simulation ticks run", &self.ticks),
            (
                "tickwire_ticks_dropped",
                "Ticks skipped when a room fell behind",
                &self.ticks_dropped,
            ),
            (
                "tickwire_read_calls_unanswered",
                "Ticks begun before every paced reader had read its socket",
                &self.read_calls_unanswered,
            ),
            (
                "tickwire_snapshots_sent",
                "Snapshots written to sockets",
                &self.snapshots_sent,
            ),
            (
                "tickwire_snapshots_skipped",
                "Snapshots skipped for slow sessions",
                &self.snapshots_skipped,
            ),
            (
                "tickwire_fan_out_handed_over",
                "Snapshots the fan-out pass left to their session's task (socket full or busy)",
                &self.fan_out_handed_over,
            ),
            (
                "tickwire_encode_cache_hits",
                "Delta encodings shared between sessions",
                &self.encode_cache_hits,
            ),
            (
                "tickwire_encode_cache_misses",
                "Delta encodings computed",
                &self.encode_cache_misses,
            ),
            (
                "tickwire_bytes_out",
                "WebSocket payload bytes written",
                &self.bytes_out,
            ),
            (
                "tickwire_tls_reloads",
                "TLS certificate reloads that took effect",
                &self.tls_reloads,
            ),
            (
                "tickwire_tls_reload_failures",
                "TLS certificate reloads that failed",
                &self.tls_reload_failures,
            ),
            (
                "tickwire_bytes_in",
                "WebSocket payload bytes read",
                &self.bytes_in,
            ),
            (
                "tickwire_rooms_created",
                "Rooms created through the rooms API",
                &self.rooms_created,
            ),
            (
                "tickwire_rooms_refused",
                "Room creations refused (bad request, room limit, shutting down)",
                &self.rooms_refused,
            ),
            (
                "tickwire_bans_refused",
                "WebSocket joins refused for a banned address or player",
                &self.bans_refused,
            ),
            (
                "tickwire_admin_refused",
                "Admin API requests refused for a missing or wrong admin token",
                &self.admin_refused,
            ),
            (
                "tickwire_spectators_refused",
                "Spectators refused because their room had its most",
                &self.spectators_refused,
            ),
            (
                "tickwire_seats_held",
                "Seats held for players whose connection dropped",
                &self.seats_held,
            ),
            (
                "tickwire_seats_resumed",
                "Held seats taken back with a resume token",
                &self.seats_resumed,
            ),
            (
                "tickwire_seats_expired",
                "Held seats freed when their reconnect window ran out",
                &self.seats_expired,
            ),
            (
                "tickwire_resumes_refused",
                "Resume tokens refused",
                &self.resumes_refused,
            ),
        ];
        for (name, help, counter) in counters {
            r.register(name, help, counter.clone());
        }
        // Every reason is exported from the start, at zero, so that a rate can be taken at once.
        for reason in CloseReason::ALL {
            let _ = self.closes.get_or_create(&CloseLabels { reason });
        }
        for reason in [ConnectionRefusal::Total, ConnectionRefusal::PerAddress] {
            let _ = self
                .connections_refused
                .get_or_create(&RefusalLabels { reason });
        }
        for reason in crate::auth::join_token::TokenRefusal::LABELS {
            let _ = self.tokens_refused.get_or_create(&TokenLabels { reason });
        }
        for action in ADMIN_ACTIONS {
            let _ = self.admin_actions.get_or_create(&ActionLabels { action });
        }
        r.register(
            "tickwire_admin_actions",
            "Admin API actions carried out, by action",
            self.admin_actions.clone(),
        );
        r.register(
            "tickwire_tokens_refused",
            "WebSocket joins refused at the upgrade for their join token, by reason",
            self.tokens_refused.clone(),
        );
        r.register(
            "tickwire_connections_refused",
            "Connections refused before any request was read, by reason",
            self.connections_refused.clone(),
        );
        r.register(
            "tickwire_sessions_closed",
            "Sessions the server closed, by reason",
            self.closes.clone(),
        );
        r.register(
            "tickwire_tick_duration_seconds",
            "Duration of one room tick: step, capture, publish",
            self.tick_duration.clone(),
        );
        r.register(
            "tickwire_tick_duration_max_seconds",
            "Longest room tick since start",
            self.tick_duration_max.clone(),
        );
        r.register(
            "tickwire_encode_duration_seconds",
            "Duration of one delta encoding",
            self.encode_duration.clone(),
        );
        self.netcode.register(r);
        self.abuse.register(r);
        r.register_collector(Box::new(ProcessCollector));
        self
    }

    /// Counts one admin action, one of `ADMIN_ACTIONS`.
    pub fn count_admin_action(&self, action: &'static str) {
        self.admin_actions
            .get_or_create(&ActionLabels { action })
            .inc();
    }

    /// Admin actions `action` carried out so far.
    pub fn admin_actions(&self, action: &'static str) -> u64 {
        self.admin_actions
            .get_or_create(&ActionLabels { action })
            .get()
    }

    /// Adds a collector read at every scrape (the store's counts).
    pub fn register_collector(
        &mut self,
        collector: Box<dyn prometheus_client::collector::Collector>,
    ) {
        self.registry.register_collector(collector);
    }

    /// Counts one refused connection.
    pub fn count_refused(&self, reason: ConnectionRefusal) {
        self.connections_refused
            .get_or_create(&RefusalLabels { reason })
            .inc();
    }

    /// Connections refused for `reason` so far.
    pub fn refused(&self, reason: ConnectionRefusal) -> u64 {
        self.connections_refused
            .get_or_create(&RefusalLabels { reason })
            .get()
    }

    /// Counts one join refused for its token; `reason` is a
    /// [`TokenRefusal`](crate::auth::join_token::TokenRefusal) label.
    pub fn count_token_refused(&self, reason: &'static str) {
        self.tokens_refused
            .get_or_create(&TokenLabels { reason })
            .inc();
    }

    /// Joins refused for their token with the label `reason` so far.
    pub fn tokens_refused(&self, reason: &'static str) -> u64 {
        self.tokens_refused
            .get_or_create(&TokenLabels { reason })
            .get()
    }

    /// Counts one close for `reason`.
    pub fn count_close(&self, reason: CloseReason) {
        self.closes.get_or_create(&CloseLabels { reason }).inc();
    }

    /// Closes counted for `reason` so far.
    pub fn closes(&self, reason: CloseReason) -> u64 {
        self.closes.get_or_create(&CloseLabels { reason }).get()
    }

    /// Records one tick's duration.
    pub fn record_tick(&self, micros: u64) {
        self.ticks.inc();
        self.tick_duration.observe(micros as f64 / 1e6);
        self.tick_duration_max.observe_us(micros);
    }

    /// Records one delta encoding's duration.
    pub fn record_encode(&self, micros: u64) {
        self.encode_duration.observe(micros as f64 / 1e6);
    }

    /// The Prometheus text exposition (format 0.0.4) of every metric.
    pub fn render(&self) -> String {
        let mut out = String::with_capacity(8192);
        // Writing into a String cannot fail; an error here would be a bug in the encoder.
        if let Err(e) =
            prometheus_client::encoding::prometheus_text::encode(&mut out, &self.registry)
        {
            tracing::error!(error = %e, "cannot render metrics");
        }
        out
    }
}

/// The `Content-Type` of [`Metrics::render`]'s text.
pub const CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_histograms_and_close_reasons() {
        let m = Metrics::default();
        m.bytes_out.inc_by(42);
        m.players.inc();
        m.count_close(CloseReason::Flood);
        for us in [5, 10, 11, 1_000, 1_000_000] {
            m.record_tick(us);
        }
        let text = m.render();
        assert!(text.contains("tickwire_bytes_out_total 42\n"), "{text}");
        assert!(text.contains("tickwire_players 1\n"), "{text}");
        assert!(
            text.contains("tickwire_sessions_closed_total{reason=\"flood\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains("tickwire_sessions_closed_total{reason=\"slow\"} 0\n"),
            "{text}"
        );
        assert!(
            text.contains("tickwire_tick_duration_seconds_bucket{le=\"1e-05\"} 2\n"),
            "{text}"
        );
        assert!(
            text.contains("tickwire_tick_duration_seconds_bucket{le=\"+Inf\"} 5\n"),
            "{text}"
        );
        assert!(
            text.contains("tickwire_tick_duration_seconds_count 5\n"),
            "{text}"
        );
        assert!(
            text.contains("tickwire_tick_duration_max_seconds 1.0\n"),
            "{text}"
        );
        assert!(text.contains("tickwire_ticks_total 5\n"), "{text}");
        m.count_token_refused("expired");
        let text = m.render();
        assert!(
            text.contains("tickwire_tokens_refused_total{reason=\"expired\"} 1\n"),
            "{text}"
        );
        assert!(
            text.contains("tickwire_tokens_refused_total{reason=\"wrong_room\"} 0\n"),
            "{text}"
        );
    }
}
