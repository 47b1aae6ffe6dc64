//! What a benchmark run measured: one [`Point`] per scenario and client count, with the headline
//! figures ([`Figures`]) and the load generator's whole report, as `report.json` holds them.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::loadgen::Report;

/// A whole run: how it was made and every point, in the order measured.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct BenchReport {
    /// The tickwire version that measured.
    pub version: String,
    /// `release` or `debug`: the build that measured (a debug build's CPU figures are several
    /// times a release build's).
    pub build: String,
    /// When the run started, seconds since the Unix epoch.
    pub started_unix_s: u64,
    /// CPU cores this machine has.
    pub cores: usize,
    /// Seconds of each measurement window.
    pub seconds: u64,
    /// Seconds of warm-up before each window.
    pub warmup_s: u64,
    /// The `tickwire serve` flags every point shared (beside its scenario's).
    pub server_args: Vec<String>,
    /// The binary that served, as given.
    pub program: String,
    /// Runs of each point; its figures are the run of median CPU.
    pub rounds: u32,
    /// Every n-th client decoded its snapshots (0 in a report from before this was recorded:
    /// every client did).
    pub decode_every: u32,
    /// The points, in the order measured.
    pub points: Vec<Point>,
}

/// One scenario at one client count.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Point {
    /// The scenario's name (`random-walk`, `random-walk-10`, `transport-floor`).
    pub scenario: String,
    /// Clients asked for.
    pub clients: u32,
    /// The scenario's own `tickwire serve` flags.
    pub scenario_args: Vec<String>,
    /// The machine's 1-minute load average just before the point (other work on the machine
    /// makes figures noisy; this says how busy it was).
    pub load_before: Option<f64>,
    /// The headline figures; `None` when the point failed.
    pub figures: Option<Figures>,
    /// The load generator's whole report.
    pub loadgen: Option<Report>,
    /// Why the point has no figures.
    pub error: Option<String>,
}

/// The figures the tables and charts show.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Figures {
    /// Clients that joined.
    pub clients_connected: u32,
    /// Server CPU (all threads) per tick, ms, from its `process_cpu_seconds_total`.
    pub cpu_ms_per_tick: Option<f64>,
    /// Server CPU, percent of one core.
    pub cpu_pct: Option<f64>,
    /// The server's tick duration p99, ms (upper bound of its histogram bucket).
    pub tick_p99_ms: Option<f64>,
    /// WebSocket payload bytes each client received per second.
    pub bytes_per_client_per_sec: f64,
    /// Snapshots each client received per second.
    pub snapshots_per_client_per_sec: f64,
    /// Inputs each client sent per second (under the tick rate: the machine was saturated).
    pub inputs_per_client_per_sec: f64,
    /// Connect failures, decode errors and unexpected closes.
    pub errors: u64,
}

impl Figures {
    /// The headline figures of a load-generator report.
    pub fn of(r: &Report) -> Figures {
        Figures {
            clients_connected: r.clients_connected,
            cpu_ms_per_tick: r.server_cpu_ms_per_tick,
            cpu_pct: r.server_cpu_pct,
            tick_p99_ms: r.server_tick_ms_p99,
            bytes_per_client_per_sec: r.bytes_per_sec_per_client,
            snapshots_per_client_per_sec: r.snapshots_per_sec_per_client,
            inputs_per_client_per_sec: r.inputs_per_sec_per_client,
            errors: u64::from(r.connect_failures) + r.decode_errors + r.unexpected_closes,
        }
    }
}

impl BenchReport {
    /// The scenarios measured, in first-measured order.
    pub fn scenarios(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for p in &self.points {
            if !out.contains(&p.scenario) {
                out.push(p.scenario.clone());
            }
        }
        out
    }

    /// The figures of `scenario` at `clients`, when that point was measured and succeeded.
    pub fn figures(&self, scenario: &str, clients: u32) -> Option<Figures> {
        self.points
            .iter()
            .find(|p| p.scenario == scenario && p.clients == clients)
            .and_then(|p| p.figures)
    }

    /// Reads a `report.json` written by an earlier run.
    pub fn read(path: &Path) -> Result<BenchReport, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// The report as pretty JSON.
    pub fn to_json(&self) -> String {
        // Every field is a plain number, string, list or map: serializing cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_round_trips_and_finds_points() {
        let report = BenchReport {
            version: "0.1.0".into(),
            points: vec![Point {
                scenario: "random-walk".into(),
                clients: 50,
                figures: Some(Figures {
                    clients_connected: 50,
                    cpu_ms_per_tick: Some(1.5),
                    ..Figures::default()
                }),
                ..Point::default()
            }],
            ..BenchReport::default()
        };
        let back: BenchReport = serde_json::from_str(&report.to_json()).expect("json");
        assert_eq!(back, report);
        assert_eq!(
            back.figures("random-walk", 50)
                .and_then(|f| f.cpu_ms_per_tick),
            Some(1.5)
        );
        assert_eq!(back.figures("random-walk", 100), None);
        assert_eq!(back.scenarios(), vec!["random-walk".to_owned()]);
    }
}
