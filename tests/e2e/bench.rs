//! `tickwire bench --quick` as a person runs it: the real binary starts its own servers, and the
//! report directory holds the table's rows, the raw figures and three well-formed charts.

use std::ffi::OsStr;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use crate::process::{Running, TICKWIRE, clean_command};

/// Starts `tickwire bench` with `args`, its report written to `out` and its stderr kept.
fn start_bench(args: &[&OsStr], out: &Path) -> Running {
    let mut cmd = clean_command(TICKWIRE);
    cmd.arg("bench")
        .args(args)
        .arg("--out")
        .arg(out)
        .stderr(Stdio::piped());
    Running::start(cmd)
}

/// `args` as the arguments of a command.
fn os(args: &[&'static str]) -> Vec<&'static OsStr> {
    args.iter().map(|&a| OsStr::new(a)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quick_bench_writes_its_report() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("report");
    let mut run = start_bench(&os(&["--quick"]), &out);
    // Two points of 1 s warm-up and 2 s measured, each with a server start: well under 30 s.
    let code = run.exited(Duration::from_secs(40)).await;
    let stdout = run.lines().join("\n");
    let stderr = run.stderr_lines().join("\n");
    assert_eq!(code, Some(0), "stdout:\n{stdout}\nstderr:\n{stderr}");
    // Progress: a line a second per point, with the server's tick p99.
    assert!(
        stderr.contains("[1/2 random-walk 10]") && stderr.contains("[2/2 random-walk 20]"),
        "{stderr}"
    );
    assert!(stderr.contains("server tick p99"), "{stderr}");

    let md = std::fs::read_to_string(out.join("report.md")).expect("report.md");
    assert!(md.contains("## random-walk"), "{md}");
    let rows: Vec<&str> = md
        .lines()
        .filter(|l| l.starts_with("| 10 |") || l.starts_with("| 20 |"))
        .collect();
    assert_eq!(rows.len(), 2, "{md}");
    for row in &rows {
        // Every figure measured: no failed point, no n/a.
        assert!(
            !row.contains("n/a") && !row.contains("failed"),
            "{row}\n{md}"
        );
    }
    // The same table on stdout.
    assert!(stdout.contains(rows[0]), "{stdout}");

    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("report.json")).expect("report.json"),
    )
    .expect("json");
    let points = json["points"].as_array().expect("points");
    assert_eq!(points.len(), 2, "{json}");
    for (p, clients) in points.iter().zip([10, 20]) {
        assert_eq!(p["scenario"], "random-walk");
        assert_eq!(p["clients"], clients);
        let f = &p["figures"];
        assert_eq!(f["clients_connected"], clients, "{p}");
        assert!(
            f["cpu_ms_per_tick"].as_f64().is_some_and(|v| v > 0.0),
            "{p}"
        );
        assert!(f["tick_p99_ms"].as_f64().is_some_and(|v| v > 0.0), "{p}");
        assert!(
            f["bytes_per_client_per_sec"]
                .as_f64()
                .is_some_and(|v| v > 0.0),
            "{p}"
        );
        assert_eq!(f["errors"], 0, "{p}");
    }
    for chart in ["cpu_per_tick.svg", "tick_p99.svg", "bytes_per_client.svg"] {
        let svg = std::fs::read_to_string(out.join(chart)).expect("chart");
        assert!(
            svg.starts_with("<svg ") && svg.trim_end().ends_with("</svg>"),
            "{svg}"
        );
        assert_eq!(svg.matches("<polyline").count(), 1, "{chart}: {svg}");
        assert!(md.contains(&format!("]({chart})")), "{md}");
    }

    // Compared with itself: the ratios are all 1.00x.
    let again = dir.path().join("again");
    let mut args = os(&[
        "--quiet",
        "--scenarios",
        "random-walk",
        "--clients",
        "10",
        "--seconds",
        "1",
        "--warmup",
        "1",
        "--compare",
    ]);
    args.push(out.as_os_str());
    let mut run = start_bench(&args, &again);
    let code = run.exited(Duration::from_secs(40)).await;
    assert_eq!(code, Some(0), "{:?}", run.stderr_lines());
    let md = std::fs::read_to_string(again.join("report.md")).expect("report.md");
    assert!(md.contains("| before | ratio |"), "{md}");
    let svg = std::fs::read_to_string(again.join("cpu_per_tick.svg")).expect("chart");
    assert!(svg.contains("stroke-dasharray"), "{svg}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bench_against_other_flags_alternates_the_two_and_names_the_before_side() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("report");
    let args = os(&[
        "--scenarios",
        "transport-floor",
        "--clients",
        "5",
        "--seconds",
        "1",
        "--warmup",
        "1",
        "--rounds",
        "2",
        "--against=--fan-out=tasks",
    ]);
    let mut run = start_bench(&args, &out);
    // Four runs of a server start, 1 s of warm-up and 1 s measured.
    let code = run.exited(Duration::from_secs(60)).await;
    let stderr = run.stderr_lines();
    assert_eq!(code, Some(0), "{stderr:?}");
    // Alternating: before, today, before, today.
    let starts: Vec<&String> = stderr
        .iter()
        .filter(|l| l.ends_with("starting the server"))
        .collect();
    let sides: Vec<bool> = starts.iter().map(|l| l.contains(" before ")).collect();
    assert_eq!(sides, [true, false, true, false], "{starts:?}");
    let md = std::fs::read_to_string(out.join("report.md")).expect("report.md");
    assert!(md.contains("| before | ratio |"), "{md}");
    assert!(
        md.contains("--fan-out=tasks"),
        "the before side is named: {md}"
    );
    assert!(md.contains("ran 2 times"), "{md}");
    let before: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("against/report.json")).expect("against/report.json"),
    )
    .expect("json");
    let args = before["server_args"].as_array().expect("args");
    assert!(args.iter().any(|a| a == "--fan-out=tasks"), "{before}");
    assert_eq!(before["points"][0]["figures"]["errors"], 0, "{before}");
    let logs = std::fs::read_dir(out.join("server-logs"))
        .expect("logs")
        .count();
    assert_eq!(logs, 4, "a log per server started");
}
