//! `report.md`: one Markdown table per scenario (clients, server CPU per tick, tick p99, bytes
//! per client, errors and the machine's load), the previous run's figures and their ratio beside
//! today's when comparing, the failures' reasons under the table, and the charts.

use std::fmt::Write as _;

use super::bench_report::{BenchReport, Figures, Point};

/// The chart files the report shows, with their captions.
pub const CHARTS: [(&str, &str); 3] = [
    ("cpu_per_tick.svg", "Server CPU per tick"),
    ("tick_p99.svg", "Server tick p99"),
    ("bytes_per_client.svg", "Bytes per client per second"),
];

/// A figure to two decimals, or `n/a`.
fn num(v: Option<f64>, decimals: usize) -> String {
    match v {
        Some(v) if v.is_finite() => format!("{v:.decimals$}"),
        Some(_) => "over the last bucket".into(),
        None => "n/a".into(),
    }
}

/// `today / before`, as `1.09x`, when both are positive numbers.
pub fn ratio(now: Option<f64>, before: Option<f64>) -> String {
    match (now, before) {
        (Some(n), Some(b)) if n.is_finite() && b.is_finite() && b > 0.0 => {
            format!("{:.2}x", n / b)
        }
        _ => "n/a".into(),
    }
}

/// The report for `report` (and `previous`, when comparing), as Markdown.
pub fn render(report: &BenchReport, previous: Option<&BenchReport>) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# tickwire bench\n");
    let _ = writeln!(
        s,
        "tickwire {} ({} build), {} cores, {} s measured per point after {} s of warm-up; the server and \
         the load generator on this machine, over loopback. Server: `tickwire serve {}` and the \
         scenario's flags. CPU is the server process's (all threads, from its \
         `process_cpu_seconds_total`) divided by the ticks it ran; tick p99 is the upper bound of \
         the histogram bucket it falls in; errors are failed joins, decode errors and unexpected \
         closes. \"load\" is the machine's 1-minute load average before the point: figures \
         measured on a busy machine are noisy.",
        report.version,
        report.build,
        report.cores,
        report.seconds,
        report.warmup_s,
        report.server_args.join(" ")
    );
    if report.build == "debug" {
        let _ = writeln!(
            s,
            "\n**A debug build measured this**: its CPU figures are several times a release \
             build's; run `cargo run --release -- bench` for figures to compare."
        );
    }
    if report.decode_every > 1 {
        let _ = writeln!(
            s,
            "\nOne client in {} decoded its snapshots (`--decode-every`); the others read each \
             snapshot's acknowledgement only, so that the load generator could send the load on \
             the server's machine.",
            report.decode_every
        );
    }
    if report.rounds > 1 {
        let _ = writeln!(
            s,
            "\nEach point ran {} times (alternating with the \"before\" side when there is one); \
             its figures are the run of median CPU.",
            report.rounds
        );
    }
    if let Some(p) = previous {
        let _ = writeln!(
            s,
            "\nEach \"before\" column is the compared run's figure, and \"ratio\" is today's \
             over it (under 1: today is cheaper). Before: `{} serve {}`.",
            if p.program.is_empty() {
                "tickwire"
            } else {
                p.program.as_str()
            },
            p.server_args.join(" ")
        );
    }
    for scenario in report.scenarios() {
        let points: Vec<&Point> = report
            .points
            .iter()
            .filter(|p| p.scenario == scenario)
            .collect();
        let _ = writeln!(s, "\n## {scenario}\n");
        if let Some(p) = points.first() {
            let _ = writeln!(s, "Scenario flags: `{}`\n", p.scenario_args.join(" "));
        }
        table(&mut s, &points, previous);
        for p in &points {
            failures(&mut s, p);
        }
    }
    let _ = writeln!(s, "\n## Charts\n");
    for (file, caption) in CHARTS {
        let _ = writeln!(s, "![{caption}]({file})\n");
    }
    s
}

/// One scenario's table.
fn table(s: &mut String, points: &[&Point], previous: Option<&BenchReport>) {
    if previous.is_some() {
        let _ = writeln!(
            s,
            "| clients | server CPU ms per tick | before | ratio | tick p99 ms | before | ratio | bytes/s per client | before | ratio | snapshots/s per client | inputs/s per client | errors | load |"
        );
        let _ = writeln!(
            s,
            "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
        );
    } else {
        let _ = writeln!(
            s,
            "| clients | server CPU ms per tick | tick p99 ms | bytes/s per client | snapshots/s per client | inputs/s per client | errors | load |"
        );
        let _ = writeln!(s, "|---|---|---|---|---|---|---|---|");
    }
    for p in points {
        let load = num(p.load_before, 2);
        let Some(f) = p.figures else {
            let why = p.error.as_deref().unwrap_or("no figures").replace('|', "/");
            let empty = if previous.is_some() { 11 } else { 5 };
            let _ = writeln!(
                s,
                "| {} | failed: {why} |{} {load} |",
                p.clients,
                " |".repeat(empty)
            );
            continue;
        };
        let clients = if f.clients_connected == p.clients {
            p.clients.to_string()
        } else {
            format!("{} of {}", f.clients_connected, p.clients)
        };
        let before: Option<Figures> =
            previous.and_then(|prev| prev.figures(&p.scenario, p.clients));
        let bytes = Some(f.bytes_per_client_per_sec);
        let tail = format!(
            "{:.1} | {:.1} | {} | {load} |",
            f.snapshots_per_client_per_sec, f.inputs_per_client_per_sec, f.errors
        );
        if previous.is_some() {
            let b_cpu = before.and_then(|b| b.cpu_ms_per_tick);
            let b_p99 = before.and_then(|b| b.tick_p99_ms);
            let b_bytes = before.map(|b| b.bytes_per_client_per_sec);
            let _ = writeln!(
                s,
                "| {clients} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {tail}",
                num(f.cpu_ms_per_tick, 2),
                num(b_cpu, 2),
                ratio(f.cpu_ms_per_tick, b_cpu),
                num(f.tick_p99_ms, 2),
                num(b_p99, 2),
                ratio(f.tick_p99_ms, b_p99),
                num(bytes, 0),
                num(b_bytes, 0),
                ratio(bytes, b_bytes),
            );
        } else {
            let _ = writeln!(
                s,
                "| {clients} | {} | {} | {} | {tail}",
                num(f.cpu_ms_per_tick, 2),
                num(f.tick_p99_ms, 2),
                num(bytes, 0),
            );
        }
    }
}

/// The reasons of a point's failed joins and early closes, one line each, under the table.
fn failures(s: &mut String, p: &Point) {
    let Some(r) = &p.loadgen else { return };
    let groups = r
        .connect_failures_by_reason
        .iter()
        .map(|g| ("failed to join", g))
        .chain(
            r.unexpected_closes_by_reason
                .iter()
                .map(|g| ("closed early", g)),
        );
    for (what, g) in groups {
        let _ = write!(
            s,
            "\n- {} clients: {} {what}: {}",
            p.clients, g.count, g.reason
        );
        if let Some(h) = &g.hint {
            let _ = write!(s, " ({h})");
        }
        s.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loadgen::Report;
    use crate::loadgen::failure::FailureGroup;

    fn point(scenario: &str, clients: u32, cpu: f64) -> Point {
        Point {
            scenario: scenario.into(),
            clients,
            scenario_args: vec!["--scenario".into(), scenario.into()],
            load_before: Some(0.5),
            figures: Some(Figures {
                clients_connected: clients,
                cpu_ms_per_tick: Some(cpu),
                cpu_pct: Some(10.0),
                tick_p99_ms: Some(0.25),
                bytes_per_client_per_sec: 68_000.0,
                snapshots_per_client_per_sec: 30.0,
                inputs_per_client_per_sec: 30.0,
                errors: 0,
            }),
            loadgen: Some(Report::default()),
            error: None,
        }
    }

    fn report() -> BenchReport {
        let mut failed = point("random-walk", 200, 3.0);
        failed.figures.as_mut().expect("figures").clients_connected = 190;
        failed.loadgen = Some(Report {
            connect_failures_by_reason: vec![FailureGroup {
                reason: "HTTP 429 at the upgrade: too many".into(),
                count: 10,
                hint: Some("--max-connections-per-ip".into()),
            }],
            ..Report::default()
        });
        BenchReport {
            version: "0.1.0".into(),
            cores: 2,
            seconds: 10,
            warmup_s: 3,
            server_args: vec!["--database".into(), "none".into()],
            points: vec![
                point("random-walk", 100, 2.5),
                failed,
                Point {
                    scenario: "transport-floor".into(),
                    clients: 100,
                    error: Some("the server did not start | at all".into()),
                    ..Point::default()
                },
            ],
            ..BenchReport::default()
        }
    }

    /// The table rows (lines starting with `| ` and a digit) under heading `## name`.
    fn rows<'a>(md: &'a str, name: &str) -> Vec<&'a str> {
        let section = md
            .split("\n## ")
            .find(|s| s.starts_with(name))
            .unwrap_or_else(|| panic!("no section {name} in {md}"));
        section
            .lines()
            .filter(|l| l.starts_with("| ") && l[2..].starts_with(|c: char| c.is_ascii_digit()))
            .collect()
    }

    #[test]
    fn a_table_per_scenario() {
        let md = render(&report(), None);
        let walk = rows(&md, "random-walk");
        assert_eq!(
            walk,
            vec![
                "| 100 | 2.50 | 0.25 | 68000 | 30.0 | 30.0 | 0 | 0.50 |",
                "| 190 of 200 | 3.00 | 0.25 | 68000 | 30.0 | 30.0 | 0 | 0.50 |",
            ]
        );
        // Every row has as many cells as the header.
        let header = md
            .lines()
            .find(|l| l.starts_with("| clients"))
            .expect("header");
        for row in &walk {
            assert_eq!(
                row.matches('|').count(),
                header.matches('|').count(),
                "{row}"
            );
        }
        assert!(
            md.contains("- 200 clients: 10 failed to join: HTTP 429 at the upgrade: too many (--max-connections-per-ip)"),
            "{md}"
        );
        let floor = rows(&md, "transport-floor");
        assert_eq!(floor.len(), 1);
        assert!(
            floor[0].contains("failed: the server did not start / at all"),
            "{md}"
        );
        assert_eq!(floor[0].matches('|').count(), 9, "{md}");
        for (file, _) in CHARTS {
            assert!(md.contains(&format!("]({file})")), "{md}");
        }
    }

    #[test]
    fn comparing_adds_before_and_ratio() {
        let now = report();
        let mut before = report();
        before.points[0]
            .figures
            .as_mut()
            .expect("figures")
            .cpu_ms_per_tick = Some(2.0);
        let md = render(&now, Some(&before));
        let walk = rows(&md, "random-walk");
        assert_eq!(
            walk[0],
            "| 100 | 2.50 | 2.00 | 1.25x | 0.25 | 0.25 | 1.00x | 68000 | 68000 | 1.00x | 30.0 | 30.0 | 0 | 0.50 |"
        );
        assert_eq!(ratio(Some(1.0), None), "n/a");
        assert_eq!(ratio(Some(1.0), Some(0.0)), "n/a");
    }
}
