//! `Report`: the figures of one load-generator run, as JSON and as a human summary.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::failure::FailureGroup;

/// What a load-generator run measured. Rates are over the measurement window; "per client"
/// figures are averaged over the clients alive when the window opened. `None` (JSON `null`) means
/// the figure could not be measured (for example the server does not export it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Report {
    /// The URL loaded.
    pub url: String,
    /// Clients asked for.
    pub clients_requested: u32,
    /// Clients that joined (got a `Welcome`).
    pub clients_connected: u32,
    /// Clients that failed to connect or join in time.
    pub connect_failures: u32,
    /// The first connect failure, when there was one.
    pub first_connect_error: Option<String>,
    /// Connect failures grouped by reason (an HTTP status and the server's words, a refused
    /// connect, a close code and reason, a timeout), the most frequent first.
    pub connect_failures_by_reason: Vec<FailureGroup>,
    /// Clients alive when the window opened (the divisor of per-client figures).
    pub clients_measured: u32,
    /// Seconds the ramp-up took, from the first connect to the last join or failure.
    pub ramp_s: f64,
    /// Warm-up seconds asked for.
    pub warmup_s: f64,
    /// Measurement window asked for, in seconds.
    pub duration_s: f64,
    /// The window as measured, in seconds.
    pub window_s: f64,
    /// The server's tick rate (from the first `Welcome`).
    pub tick_rate: u16,
    /// The server's snapshot rate (from the first `Welcome`).
    pub snapshot_rate: u16,
    /// Snapshots received per client per second.
    pub snapshots_per_sec_per_client: f64,
    /// Snapshots per second of the client that received the fewest in the window (an average
    /// could hide a few starved clients).
    pub snapshots_per_sec_slowest_client: f64,
    /// WebSocket payload bytes received per client per second (all messages).
    pub bytes_per_sec_per_client: f64,
    /// Entity updates (changed plus created entities in the snapshots) per second, per client
    /// that decodes.
    pub entity_updates_per_sec: f64,
    /// The bytes of the snapshots the decoding clients applied, times 8, over the entity
    /// updates they held: `bytes_per_sec_per_client * 8 / entity_updates_per_sec` when every
    /// client decodes.
    pub bits_per_entity_update: Option<f64>,
    /// Clients measured that applied their snapshots to a world ([`crate::loadgen::LoadgenConfig::decode_every`]).
    pub clients_decoding: u32,
    /// Inputs sent per client per second.
    pub inputs_per_sec_per_client: f64,
    /// Median time from sending an input to the first snapshot acknowledging it, ms.
    pub input_ack_latency_ms_p50: Option<f64>,
    /// 99th percentile of the same, ms.
    pub input_ack_latency_ms_p99: Option<f64>,
    /// Largest of the same, ms.
    pub input_ack_latency_ms_max: Option<f64>,
    /// Acks measured.
    pub input_ack_samples: u64,
    /// Server messages that did not decode, or snapshots that did not apply (whole run).
    pub decode_errors: u64,
    /// Clients the server closed or kicked, or whose socket failed, before the run ended.
    pub unexpected_closes: u64,
    /// The unexpected closes grouped by reason, the most frequent first.
    pub unexpected_closes_by_reason: Vec<FailureGroup>,
    /// Median server tick duration over the window, ms (upper bound of its histogram bucket).
    pub server_tick_ms_p50: Option<f64>,
    /// 99th percentile server tick duration, ms (upper bound of its bucket).
    pub server_tick_ms_p99: Option<f64>,
    /// Upper bound of the highest tick-duration bucket that grew in the window, ms.
    pub server_tick_ms_max: Option<f64>,
    /// Server ticks per second over the window (all rooms).
    pub server_ticks_per_sec: Option<f64>,
    /// Server CPU (user + system, all threads) over the window, percent of one core.
    pub server_cpu_pct: Option<f64>,
    /// Server CPU milliseconds per tick run.
    pub server_cpu_ms_per_tick: Option<f64>,
    /// Bytes the server wrote to its sockets per second over the window (its
    /// `tickwire_bytes_out_total`), all clients together.
    pub server_bytes_out_per_sec: Option<f64>,
    /// Server resident memory at the end of the window, MiB.
    pub server_rss_mb: Option<f64>,
    /// This process's CPU over the window, percent of one core.
    pub loadgen_cpu_pct: Option<f64>,
    /// Why server figures are missing, when the metrics scrape failed.
    pub metrics_error: Option<String>,
}

struct Opt(Option<f64>, &'static str);

/// One line per group, `  {what}  12 × reason`, and its hint on the next line.
fn write_groups(f: &mut fmt::Formatter<'_>, what: &str, groups: &[FailureGroup]) -> fmt::Result {
    for g in groups {
        writeln!(f, "  {what}  {} × {}", g.count, g.reason)?;
        if let Some(h) = &g.hint {
            writeln!(f, "      hint: {h}")?;
        }
    }
    Ok(())
}

impl fmt::Display for Opt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(v) if v.is_infinite() => write!(f, "over the last bucket"),
            Some(v) => write!(f, "{v:.2}{}", self.1),
            None => write!(f, "n/a"),
        }
    }
}

impl fmt::Display for Report {
    /// A human summary, several lines.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "tickwire loadgen against {}", self.url)?;
        writeln!(
            f,
            "  clients      {} connected of {} ({} failed), {} measured; ramp {:.1} s, warm-up {:.0} s, window {:.1} s",
            self.clients_connected,
            self.clients_requested,
            self.connect_failures,
            self.clients_measured,
            self.ramp_s,
            self.warmup_s,
            self.window_s
        )?;
        write_groups(f, "failed to join", &self.connect_failures_by_reason)?;
        writeln!(
            f,
            "  server       tick {} Hz, snapshots {} Hz",
            self.tick_rate, self.snapshot_rate
        )?;
        writeln!(
            f,
            "  per client   {:.1} snapshots/s (slowest client {:.1}), {:.1} inputs/s, {:.0} B/s ({:.1} kbit/s), {:.0} entity updates/s, {} bits/update",
            self.snapshots_per_sec_per_client,
            self.snapshots_per_sec_slowest_client,
            self.inputs_per_sec_per_client,
            self.bytes_per_sec_per_client,
            self.bytes_per_sec_per_client * 8.0 / 1000.0,
            self.entity_updates_per_sec,
            Opt(self.bits_per_entity_update, "")
        )?;
        if self.clients_decoding < self.clients_measured {
            writeln!(
                f,
                "  decoding     {} of the {} clients apply their snapshots (--decode-every); updates and bits/update are theirs",
                self.clients_decoding, self.clients_measured
            )?;
        }
        writeln!(
            f,
            "  input ack    p50 {}, p99 {}, max {} ({} samples)",
            Opt(self.input_ack_latency_ms_p50, " ms"),
            Opt(self.input_ack_latency_ms_p99, " ms"),
            Opt(self.input_ack_latency_ms_max, " ms"),
            self.input_ack_samples
        )?;
        writeln!(
            f,
            "  errors       {} decode errors, {} unexpected closes",
            self.decode_errors, self.unexpected_closes
        )?;
        write_groups(f, "closed early", &self.unexpected_closes_by_reason)?;
        writeln!(
            f,
            "  server tick  p50 {}, p99 {}, max {}, {} ticks/s",
            Opt(self.server_tick_ms_p50, " ms"),
            Opt(self.server_tick_ms_p99, " ms"),
            Opt(self.server_tick_ms_max, " ms"),
            Opt(self.server_ticks_per_sec, "")
        )?;
        writeln!(
            f,
            "  server CPU   {} of one core, {} per tick, RSS {}, {} out",
            Opt(self.server_cpu_pct, " %"),
            Opt(self.server_cpu_ms_per_tick, " ms"),
            Opt(self.server_rss_mb, " MiB"),
            Opt(self.server_bytes_out_per_sec.map(|b| b / 1e6), " MB/s")
        )?;
        write!(
            f,
            "  loadgen CPU  {} of one core",
            Opt(self.loadgen_cpu_pct, " %")
        )?;
        if self.inputs_per_sec_per_client < 0.9 * f64::from(self.tick_rate) {
            write!(
                f,
                "\n  warning: clients sent {:.1} inputs/s for a {} Hz tick: this machine could not \
                 keep up with the load, so every figure understates it (check both processes' CPU)",
                self.inputs_per_sec_per_client, self.tick_rate
            )?;
            if self.clients_decoding == self.clients_measured && self.clients_measured >= 200 {
                write!(
                    f,
                    "; every client decodes every snapshot: --decode-every 10 has one in ten do it"
                )?;
            }
        }
        if let Some(e) = &self.metrics_error {
            write!(f, "\n  server metrics unavailable: {e}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_load_generator_that_fell_behind_says_so_and_how_to_sample() {
        let behind = Report {
            tick_rate: 30,
            clients_measured: 1000,
            clients_decoding: 1000,
            inputs_per_sec_per_client: 12.0,
            ..Report::default()
        };
        let text = behind.to_string();
        assert!(text.contains("could not keep up"), "{text}");
        assert!(text.contains("--decode-every 10"), "{text}");
        // Already sampling: only the warning.
        let sampling = Report {
            clients_decoding: 100,
            ..behind.clone()
        };
        let text = sampling.to_string();
        assert!(text.contains("could not keep up") && !text.contains("--decode-every 10"));
        // Keeping up: no warning.
        let fine = Report {
            inputs_per_sec_per_client: 30.0,
            ..behind
        };
        assert!(!fine.to_string().contains("could not keep up"));
    }
}
