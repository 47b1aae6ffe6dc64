//! `tickwire bench`: the standard matrix (scenarios × client counts), each point against a
//! fresh server this tool starts itself (the `tickwire` binary, `serve` on an ephemeral loopback
//! port, storage off, connection limits lifted), measured by the load generator, and a report
//! directory: `report.md` (a table per scenario), `report.json` (every figure) and SVG charts.
//!
//! Every loop is bounded: a server that does not listen within 15 s fails its point, a point's
//! load generator stops by itself (and is cut off past its own bound), and the server is killed
//! after its point. All traffic is loopback.

use std::path::{Path, PathBuf};
use std::time::Duration;

mod bench_report;
pub mod markdown;
mod server_process;
pub mod svg_chart;

pub use bench_report::{BenchReport, Figures, Point};
pub use server_process::{ServerProcess, StartError};
use svg_chart::{Chart, Series};

use crate::loadgen::{self, LoadgenConfig};

/// A standard load to measure (`docs/scenarios.md`), at E = [`BenchConfig::entities`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BenchScenario {
    /// `random-walk`, every entity moving every tick.
    RandomWalk,
    /// `random-walk` with 10 % of the entities moving each tick.
    RandomWalk10,
    /// `transport-floor`: one pre-encoded frame per client per snapshot, no simulation.
    TransportFloor,
}

impl BenchScenario {
    /// Its name in reports and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            BenchScenario::RandomWalk => "random-walk",
            BenchScenario::RandomWalk10 => "random-walk-10",
            BenchScenario::TransportFloor => "transport-floor",
        }
    }

    /// The `tickwire serve` flags that choose it.
    pub fn serve_args(self, config: &BenchConfig) -> Vec<String> {
        let walk = |pct: u32| {
            vec![
                "--scenario".into(),
                "random-walk".into(),
                "--entities".into(),
                config.entities.to_string(),
                "--moving-pct".into(),
                pct.to_string(),
            ]
        };
        match self {
            BenchScenario::RandomWalk => walk(100),
            BenchScenario::RandomWalk10 => walk(10),
            BenchScenario::TransportFloor => vec![
                "--scenario".into(),
                "transport-floor".into(),
                "--payload-bytes".into(),
                config.payload_bytes.to_string(),
            ],
        }
    }
}

/// What to measure and where the report goes.
#[derive(Clone, Debug, PartialEq)]
pub struct BenchConfig {
    /// The `tickwire` binary that serves (the running one, for `tickwire bench`).
    pub program: PathBuf,
    /// Scenarios, measured in this order.
    pub scenarios: Vec<BenchScenario>,
    /// Client counts, measured in this order for each scenario.
    pub clients: Vec<u32>,
    /// The measurement window of each point.
    pub seconds: u64,
    /// Warm-up before each window.
    pub warmup: u64,
    /// Clients connected per second.
    pub ramp_per_sec: u32,
    /// random-walk: non-player entities.
    pub entities: u32,
    /// transport-floor: bytes of the frame.
    pub payload_bytes: usize,
    /// Tick and snapshot rate of the servers.
    pub rate: u32,
    /// The report directory (created when missing; its report files are replaced).
    pub out: PathBuf,
    /// A previous report directory whose figures go beside today's.
    pub compare: Option<PathBuf>,
    /// Print progress lines on stderr.
    pub progress: bool,
    /// More `tickwire serve` flags for every point (`--fan-out tasks`, say, to measure the
    /// other fan-out in the same session); they come after the shared ones, so they win.
    pub server_flags: Vec<String>,
    /// What each point is measured against in the same run, alternately (the "before").
    pub against: Option<Against>,
    /// Runs of each point (of each side, with `against`), alternating; each side's figures are
    /// its run of median CPU.
    pub rounds: u32,
    /// Every n-th client applies its snapshots to a world, the others read their
    /// acknowledgements only ([`LoadgenConfig::decode_every`]).
    pub decode_every: u32,
}

/// The other side of an alternating run: another binary (an older build, say), other flags, or
/// both.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Against {
    /// The binary that serves the "before" side.
    pub program: PathBuf,
    /// Its flags beyond the shared ones (in place of the run's own).
    pub server_flags: Vec<String>,
}

/// A run's report and, when it was compared, the report it was compared with.
#[derive(Debug)]
pub struct BenchRun {
    /// Today's figures.
    pub report: BenchReport,
    /// The "before" figures: the `compare` directory's, or the `against` side's.
    pub previous: Option<BenchReport>,
}

impl Default for BenchConfig {
    fn default() -> Self {
        BenchConfig {
            program: PathBuf::from("tickwire"),
            scenarios: vec![BenchScenario::RandomWalk, BenchScenario::TransportFloor],
            clients: vec![50, 100, 200, 500],
            seconds: 10,
            warmup: 3,
            ramp_per_sec: 300,
            entities: 1000,
            payload_bytes: 2844,
            rate: 30,
            out: PathBuf::from("bench-report"),
            compare: None,
            progress: true,
            server_flags: Vec::new(),
            against: None,
            rounds: 1,
            decode_every: 1,
        }
    }
}

impl BenchConfig {
    /// The quick matrix: random-walk only, 10 and 20 clients, 2 s each after 1 s of warm-up.
    pub fn quick(self) -> BenchConfig {
        BenchConfig {
            scenarios: vec![BenchScenario::RandomWalk],
            clients: vec![10, 20],
            seconds: 2,
            warmup: 1,
            ..self
        }
    }

    /// The `tickwire serve` flags every point shares: loopback, storage off, limits lifted,
    /// the rates, one room for every client, no match end; then the run's own flags.
    pub fn server_args(&self, clients: u32) -> Vec<String> {
        [
            "--database",
            "none",
            "--tick-rate",
            &self.rate.to_string(),
            "--snapshot-rate",
            &self.rate.to_string(),
            "--max-connections-per-ip",
            "0",
            "--max-connections",
            &(clients.saturating_add(256)).to_string(),
            "--match-length",
            "0",
        ]
        .map(str::to_owned)
        .into_iter()
        .chain(self.server_flags.iter().cloned())
        .collect()
    }
}

/// Why a run could not be made (a point that fails is reported in its row instead).
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// A setting is out of range.
    #[error("invalid setting: {0}")]
    Config(String),
    /// The report directory could not be written.
    #[error("cannot write the report in {dir}: {why}")]
    Write {
        /// The directory.
        dir: String,
        /// The operating system's answer.
        why: std::io::Error,
    },
    /// The previous report could not be read.
    #[error("cannot read the report to compare with: {0}")]
    Compare(String),
    /// The async runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
}

/// Runs the matrix and writes the report directory; returns the report.
pub fn run(config: &BenchConfig) -> Result<BenchRun, BenchError> {
    if config.scenarios.is_empty() || config.clients.is_empty() {
        return Err(BenchError::Config(
            "at least one scenario and one client count".into(),
        ));
    }
    if config.clients.contains(&0) || config.seconds == 0 || config.rounds == 0 {
        return Err(BenchError::Config(
            "client counts, seconds and rounds must be at least 1".into(),
        ));
    }
    if config.compare.is_some() && config.against.is_some() {
        return Err(BenchError::Config(
            "compare with a previous report or against another server, not both".into(),
        ));
    }
    let compared = match &config.compare {
        Some(dir) => {
            Some(BenchReport::read(&dir.join("report.json")).map_err(BenchError::Compare)?)
        }
        None => None,
    };
    let write_err = |why| BenchError::Write {
        dir: config.out.display().to_string(),
        why,
    };
    let logs = config.out.join("server-logs");
    std::fs::create_dir_all(&logs).map_err(write_err)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(BenchError::Runtime)?;

    let before_config = config.against.as_ref().map(|a| BenchConfig {
        program: a.program.clone(),
        server_flags: a.server_flags.clone(),
        against: None,
        ..config.clone()
    });
    let mut report = empty_report(config);
    let mut before = before_config.as_ref().map(empty_report);
    let total = config.scenarios.len() * config.clients.len();
    let prefix = loadgen::run_name_prefix();
    for &scenario in &config.scenarios {
        for &clients in &config.clients {
            let n = report.points.len() + 1;
            let label = format!("[{n}/{total} {} {clients}]", scenario.name());
            let mut today = Vec::new();
            let mut then = Vec::new();
            for round in 1..=config.rounds {
                let tag = if config.rounds > 1 {
                    format!(" round {round}")
                } else {
                    String::new()
                };
                if let Some(b) = &before_config {
                    let side = Side {
                        label: format!("{label} before{tag}"),
                        log: format!("{}-{clients}-before-{round}", scenario.name()),
                    };
                    then.push(measure_side(
                        b, scenario, clients, &side, &prefix, &logs, &runtime,
                    ));
                }
                let side = Side {
                    label: format!("{label}{tag}"),
                    log: format!("{}-{clients}-{round}", scenario.name()),
                };
                today.push(measure_side(
                    config, scenario, clients, &side, &prefix, &logs, &runtime,
                ));
            }
            report.points.push(median_point(today));
            if let Some(b) = before.as_mut() {
                b.points.push(median_point(then));
            }
        }
    }
    runtime.shutdown_timeout(Duration::from_millis(100));
    let previous = before.or(compared);
    write(&config.out, &report, previous.as_ref()).map_err(write_err)?;
    if let Some(b) = previous.as_ref().filter(|_| config.against.is_some()) {
        let dir = config.out.join("against");
        std::fs::create_dir_all(&dir).map_err(write_err)?;
        std::fs::write(dir.join("report.json"), b.to_json()).map_err(write_err)?;
    }
    Ok(BenchRun { report, previous })
}

/// A report of `config`'s run with no points yet.
fn empty_report(config: &BenchConfig) -> BenchReport {
    BenchReport {
        version: env!("CARGO_PKG_VERSION").into(),
        build: if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
        .into(),
        started_unix_s: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        seconds: config.seconds,
        warmup_s: config.warmup,
        server_args: shown_server_args(config),
        program: config.program.display().to_string(),
        rounds: config.rounds,
        decode_every: config.decode_every,
        points: Vec::new(),
    }
}

/// One side of one round of a point: its progress label and its server log's name.
struct Side {
    label: String,
    log: String,
}

/// Measures one side of a point, with progress lines.
fn measure_side(
    config: &BenchConfig,
    scenario: BenchScenario,
    clients: u32,
    side: &Side,
    prefix: &str,
    logs: &Path,
    runtime: &tokio::runtime::Runtime,
) -> Point {
    if config.progress {
        eprintln!("{} starting the server", side.label);
    }
    let log = logs.join(format!("{}.log", side.log));
    let point = measure(
        config,
        scenario,
        clients,
        &side.label,
        prefix,
        &log,
        runtime,
    );
    if config.progress {
        eprintln!("{} {}", side.label, point_summary(&point));
    }
    point
}

/// The run of median server CPU among `runs` of one point (a failed run only when every run
/// failed): one slow or fast outlier on a shared machine does not decide the figure.
fn median_point(runs: Vec<Point>) -> Point {
    let cpu = |p: &Point| p.figures.and_then(|f| f.cpu_ms_per_tick);
    let (mut measured, mut failed): (Vec<Point>, Vec<Point>) =
        runs.into_iter().partition(|p| cpu(p).is_some());
    if measured.is_empty() {
        return failed.pop().unwrap_or_default();
    }
    measured.sort_by(|a, b| {
        cpu(a)
            .partial_cmp(&cpu(b))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    measured.swap_remove(measured.len() / 2)
}

/// The shared server flags as the report shows them: the connection limit depends on the point.
fn shown_server_args(config: &BenchConfig) -> Vec<String> {
    let mut args = config.server_args(0);
    if let Some(i) = args.iter().position(|a| a == "--max-connections")
        && let Some(v) = args.get_mut(i + 1)
    {
        *v = "CLIENTS+256".into();
    }
    args
}

/// One point: a fresh server, a load-generator run, the server stopped.
fn measure(
    config: &BenchConfig,
    scenario: BenchScenario,
    clients: u32,
    label: &str,
    prefix: &str,
    log: &Path,
    runtime: &tokio::runtime::Runtime,
) -> Point {
    let scenario_args = scenario.serve_args(config);
    let mut point = Point {
        scenario: scenario.name().into(),
        clients,
        scenario_args: scenario_args.clone(),
        load_before: load_average(),
        ..Point::default()
    };
    let mut args = config.server_args(clients);
    args.extend(scenario_args);
    let server = match ServerProcess::start(&config.program, &args, log) {
        Ok(s) => s,
        Err(e) => {
            point.error = Some(e.to_string());
            return point;
        }
    };
    let loadgen = LoadgenConfig {
        url: format!("ws://{}/ws", server.addr()),
        clients,
        duration: Duration::from_secs(config.seconds),
        warmup: Duration::from_secs(config.warmup),
        ramp_per_sec: config.ramp_per_sec,
        seed: 1,
        allow_remote: false,
        name_prefix: prefix.to_owned(),
        progress: config.progress.then(|| label.to_owned()),
        aligned_inputs: false,
        decode_every: config.decode_every,
    };
    // The load generator bounds itself; this is a second bound, should it not.
    let limit = Duration::from_secs(
        u64::from(clients / config.ramp_per_sec.max(1)) + config.warmup + config.seconds + 30,
    );
    match runtime.block_on(async { tokio::time::timeout(limit, loadgen::run(loadgen)).await }) {
        Ok(Ok(r)) => {
            point.figures = Some(Figures::of(&r));
            point.loadgen = Some(r);
        }
        Ok(Err(e)) => point.error = Some(e.to_string()),
        Err(_) => point.error = Some(format!("the load generator ran past {limit:?}")),
    }
    server.stop();
    point
}

/// A point in one line, for the progress output.
fn point_summary(p: &Point) -> String {
    match (&p.figures, &p.error) {
        (Some(f), _) => format!(
            "done: {} clients, CPU {} ms per tick, tick p99 {} ms, {:.0} B/s per client, {} errors",
            f.clients_connected,
            f.cpu_ms_per_tick
                .map_or("n/a".into(), |v| format!("{v:.2}")),
            f.tick_p99_ms.map_or("n/a".into(), |v| format!("{v:.2}")),
            f.bytes_per_client_per_sec,
            f.errors
        ),
        (None, Some(e)) => format!("failed: {e}"),
        (None, None) => "failed".into(),
    }
}

/// The machine's 1-minute load average (Linux), when it can be read.
fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// Writes `report.md`, `report.json` and the charts into `dir`.
pub fn write(
    dir: &Path,
    report: &BenchReport,
    previous: Option<&BenchReport>,
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("report.json"), report.to_json())?;
    std::fs::write(dir.join("report.md"), markdown::render(report, previous))?;
    for (file, chart) in charts(report, previous) {
        std::fs::write(dir.join(file), chart.to_svg())?;
    }
    Ok(())
}

/// The three charts: CPU per tick, tick p99 and bytes per client against clients, a line per
/// scenario (and a dashed one per scenario of the previous run).
pub fn charts(report: &BenchReport, previous: Option<&BenchReport>) -> Vec<(&'static str, Chart)> {
    type Pick = fn(&Figures) -> Option<f64>;
    let picks: [(Pick, &str); 3] = [
        (|f| f.cpu_ms_per_tick, "server CPU ms per tick"),
        (|f| f.tick_p99_ms, "tick p99 ms"),
        (|f| Some(f.bytes_per_client_per_sec), "bytes/s per client"),
    ];
    let scenarios = report.scenarios();
    let line = |r: &BenchReport, scenario: &str, pick: Pick| -> Vec<(f64, f64)> {
        let mut pts: Vec<(f64, f64)> = r
            .points
            .iter()
            .filter(|p| p.scenario == scenario)
            .filter_map(|p| Some((f64::from(p.clients), pick(p.figures.as_ref()?)?)))
            .collect();
        pts.sort_by(|a, b| a.0.total_cmp(&b.0));
        pts
    };
    markdown::CHARTS
        .iter()
        .zip(picks)
        .map(|(&(file, title), (pick, y_label))| {
            let mut series = Vec::new();
            for (i, scenario) in scenarios.iter().enumerate() {
                series.push(Series {
                    name: scenario.clone(),
                    points: line(report, scenario, pick),
                    dashed: false,
                    colour: i,
                });
                // The previous run's line, when it measured this scenario.
                let before = previous.map(|prev| line(prev, scenario, pick));
                if let Some(points) = before.filter(|p| !p.is_empty()) {
                    series.push(Series {
                        name: format!("{scenario} (before)"),
                        points,
                        dashed: true,
                        colour: i,
                    });
                }
            }
            let chart = Chart {
                title: title.into(),
                x_label: "clients".into(),
                y_label: y_label.into(),
                series,
            };
            (file, chart)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(cpu: f64) -> Option<Figures> {
        Some(Figures {
            clients_connected: 10,
            cpu_ms_per_tick: Some(cpu),
            tick_p99_ms: Some(0.5),
            bytes_per_client_per_sec: 1000.0,
            ..Figures::default()
        })
    }

    #[test]
    fn a_point_is_its_run_of_median_cpu_and_failed_runs_do_not_count() {
        let run = |cpu: Option<f64>| Point {
            figures: cpu.map(|c| Figures {
                cpu_ms_per_tick: Some(c),
                ..Figures::default()
            }),
            error: cpu.is_none().then(|| "failed".to_owned()),
            ..Point::default()
        };
        let cpu = |p: &Point| p.figures.and_then(|f| f.cpu_ms_per_tick);
        assert_eq!(
            cpu(&median_point(vec![
                run(Some(5.0)),
                run(Some(3.0)),
                run(Some(4.0))
            ])),
            Some(4.0)
        );
        assert_eq!(
            cpu(&median_point(vec![run(None), run(Some(3.0))])),
            Some(3.0)
        );
        assert!(median_point(vec![run(None)]).error.is_some());
    }

    #[test]
    fn writes_the_report_directory() {
        let report = BenchReport {
            points: vec![
                Point {
                    scenario: "random-walk".into(),
                    clients: 10,
                    figures: figures(1.0),
                    ..Point::default()
                },
                Point {
                    scenario: "random-walk".into(),
                    clients: 20,
                    figures: figures(2.0),
                    ..Point::default()
                },
            ],
            ..BenchReport::default()
        };
        let dir = std::env::temp_dir().join(format!("tickwire-bench-{}", std::process::id()));
        write(&dir, &report, Some(&report)).expect("write");
        let md = std::fs::read_to_string(dir.join("report.md")).expect("md");
        assert!(md.contains("| 10 | 1.00 | 1.00 | 1.00x |"), "{md}");
        let back = BenchReport::read(&dir.join("report.json")).expect("json");
        assert_eq!(back, report);
        for (file, _) in markdown::CHARTS {
            let svg = std::fs::read_to_string(dir.join(file)).expect("svg");
            let names = svg_chart::tests::check_svg(&svg);
            // Today's line and the previous run's, dashed.
            assert_eq!(
                names.iter().filter(|n| *n == "polyline").count(),
                2,
                "{file}"
            );
            assert!(svg.contains("random-walk (before)"), "{file}");
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn the_quick_matrix_is_small() {
        let q = BenchConfig::default().quick();
        assert_eq!(q.scenarios, vec![BenchScenario::RandomWalk]);
        assert_eq!((q.clients.len(), q.seconds), (2, 2));
        let args = q.server_args(20);
        assert!(
            args.windows(2).any(|w| w == ["--database", "none"]),
            "{args:?}"
        );
        assert!(
            args.windows(2)
                .any(|w| w == ["--max-connections-per-ip", "0"]),
            "{args:?}"
        );
        let tasks = BenchConfig {
            server_flags: vec!["--fan-out".into(), "tasks".into()],
            ..q
        };
        assert!(
            tasks
                .server_args(20)
                .ends_with(&["--fan-out".into(), "tasks".into()]),
            "a run's own flags come last"
        );
    }
}
