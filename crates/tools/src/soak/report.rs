//! `SoakReport`: what a soak run saw, as a human summary and as JSON, and the checks it fails on.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;

/// What the honest clients saw over the whole run.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct HonestFigures {
    /// Joins that got a `Welcome` (first joins and rejoins).
    pub joins: u64,
    /// Joins that failed or timed out.
    pub join_failures: u64,
    /// Sessions the client ended itself with a close frame.
    pub leaves: u64,
    /// Snapshots received and applied.
    pub snapshots: u64,
    /// Inputs sent.
    pub inputs: u64,
    /// Server messages that did not decode, or snapshots that did not apply.
    pub decode_errors: u64,
    /// Sessions that ended without the client asking: a close, a kick, a broken socket, or no
    /// snapshot for 5 s.
    pub unexpected_closes: u64,
    /// The first problem an honest client ran into, when there was one.
    pub first_problem: Option<String>,
}

/// One kind of misbehaviour: how often it was tried and what came of it.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct KindFigures {
    /// Times tried.
    pub tried: u64,
    /// Times the outcome was the one the server should produce.
    pub as_expected: u64,
    /// Times each outcome was seen, by its label (`closed_4003`, `ended`, `refused_429`, ...).
    pub outcomes: BTreeMap<String, u64>,
}

/// What a soak run saw. Server figures are `None` (JSON `null`) when `/metrics` lacks them.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SoakReport {
    /// The game socket URL.
    pub url: String,
    /// Seconds from the first client starting to the last one stopping.
    pub duration_s: f64,
    /// Clients run at once.
    pub clients: u32,
    /// Of which misbehaving.
    pub misbehaving: u32,
    /// `misbehaving / clients`, percent.
    pub misbehaving_pct: f64,
    /// Server resident memory at the start, MiB.
    pub rss_start_mib: Option<f64>,
    /// Server resident memory at the end (after every client stopped), MiB.
    pub rss_end_mib: Option<f64>,
    /// 99th percentile server tick duration over the run, ms (upper bound of its bucket).
    pub tick_p99_ms: Option<f64>,
    /// The server's `tickwire_players` at the end.
    pub players_end: Option<f64>,
    /// Seconds the players gauge took to reach 0 once every client had stopped.
    pub players_drain_s: f64,
    /// What the honest clients saw.
    pub honest: HonestFigures,
    /// Misbehaviours by kind.
    pub misbehaviours: BTreeMap<String, KindFigures>,
    /// Sessions the server closed during the run, by reason (`tickwire_sessions_closed_total`).
    pub server_closes: BTreeMap<String, u64>,
    /// Connections the server refused during the run, by reason
    /// (`tickwire_connections_refused_total`).
    pub server_refusals: BTreeMap<String, u64>,
    /// Why the run failed; empty when it passed.
    pub failures: Vec<String>,
}

impl SoakReport {
    /// Fills [`SoakReport::failures`]: RSS grew by more than `max_rss_growth_mib`, the players
    /// gauge is not 0 (or unknown), or an honest client saw a decode error or an unexpected close.
    pub fn check(&mut self, max_rss_growth_mib: f64) {
        let mut failures = Vec::new();
        match (self.rss_start_mib, self.rss_end_mib) {
            (Some(a), Some(b)) if b - a > max_rss_growth_mib => failures.push(format!(
                "server RSS grew by {:.1} MiB ({a:.1} -> {b:.1}), over the {max_rss_growth_mib} MiB allowed",
                b - a
            )),
            (Some(_), Some(_)) => {}
            _ => failures.push("server RSS unknown (no process_resident_memory_bytes)".into()),
        }
        match self.players_end {
            Some(0.0) => {}
            Some(p) => failures.push(format!("the players gauge stayed at {p}, not 0")),
            None => failures.push("the players gauge is unknown".into()),
        }
        if self.honest.decode_errors > 0 {
            failures.push(format!(
                "honest clients saw {} decode errors",
                self.honest.decode_errors
            ));
        }
        if self.honest.unexpected_closes > 0 {
            failures.push(format!(
                "honest clients saw {} unexpected closes",
                self.honest.unexpected_closes
            ));
        }
        self.failures = failures;
    }
}

struct Opt(Option<f64>, &'static str);

impl fmt::Display for Opt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(v) if v.is_infinite() => write!(f, "over the last bucket"),
            Some(v) => write!(f, "{v:.1}{}", self.1),
            None => write!(f, "n/a"),
        }
    }
}

/// `a 1, b 2`, or `none`.
fn counts(map: &BTreeMap<String, u64>) -> String {
    let parts: Vec<String> = map
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(", ")
    }
}

impl fmt::Display for SoakReport {
    /// A human summary, several lines.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "tickwire soak against {}", self.url)?;
        writeln!(
            f,
            "  run          {:.1} s, {} clients, {} misbehaving ({:.0} %)",
            self.duration_s, self.clients, self.misbehaving, self.misbehaving_pct
        )?;
        writeln!(
            f,
            "  server       RSS {} -> {}, tick p99 {}, players at the end {} (after {:.1} s)",
            Opt(self.rss_start_mib, " MiB"),
            Opt(self.rss_end_mib, " MiB"),
            Opt(self.tick_p99_ms, " ms"),
            Opt(self.players_end, ""),
            self.players_drain_s
        )?;
        let h = &self.honest;
        writeln!(
            f,
            "  honest       {} joins ({} failed), {} leaves, {} snapshots, {} inputs, {} decode errors, {} unexpected closes",
            h.joins,
            h.join_failures,
            h.leaves,
            h.snapshots,
            h.inputs,
            h.decode_errors,
            h.unexpected_closes
        )?;
        if let Some(p) = &h.first_problem {
            writeln!(f, "  first honest problem: {p}")?;
        }
        writeln!(f, "  misbehaviours")?;
        for (kind, k) in &self.misbehaviours {
            writeln!(
                f,
                "    {kind:<14} {} tried, {} as expected: {}",
                k.tried,
                k.as_expected,
                counts(&k.outcomes)
            )?;
        }
        writeln!(f, "  server closes   {}", counts(&self.server_closes))?;
        write!(f, "  server refusals {}", counts(&self.server_refusals))?;
        if self.failures.is_empty() {
            write!(f, "\n  PASSED")?;
        } else {
            for failure in &self.failures {
                write!(f, "\n  FAILED: {failure}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passing() -> SoakReport {
        SoakReport {
            url: "ws://127.0.0.1:1/ws".into(),
            clients: 10,
            misbehaving: 2,
            rss_start_mib: Some(20.0),
            rss_end_mib: Some(30.0),
            players_end: Some(0.0),
            ..SoakReport::default()
        }
    }

    #[test]
    fn checks_memory_players_and_honest_clients() {
        let mut r = passing();
        r.check(64.0);
        assert!(r.failures.is_empty(), "{:?}", r.failures);
        assert!(r.to_string().ends_with("PASSED"), "{r}");

        let mut r = passing();
        r.rss_end_mib = Some(100.0);
        r.players_end = Some(3.0);
        r.honest.decode_errors = 1;
        r.honest.unexpected_closes = 2;
        r.check(64.0);
        assert_eq!(r.failures.len(), 4, "{:?}", r.failures);
        assert!(
            r.to_string()
                .contains("FAILED: server RSS grew by 80.0 MiB"),
            "{r}"
        );

        let mut r = passing();
        r.rss_end_mib = None;
        r.players_end = None;
        r.check(64.0);
        assert_eq!(r.failures.len(), 2, "{:?}", r.failures);
    }

    #[test]
    fn json_holds_every_figure() {
        let mut r = passing();
        r.misbehaviours.insert(
            "slow_reader".into(),
            KindFigures {
                tried: 2,
                as_expected: 1,
                outcomes: [("ended".to_owned(), 1), ("survived".to_owned(), 1)].into(),
            },
        );
        r.server_closes.insert("slow".into(), 1);
        let json = serde_json::to_value(&r).expect("json");
        for key in [
            "url",
            "duration_s",
            "clients",
            "misbehaving",
            "misbehaving_pct",
            "rss_start_mib",
            "rss_end_mib",
            "tick_p99_ms",
            "players_end",
            "players_drain_s",
            "honest",
            "misbehaviours",
            "server_closes",
            "server_refusals",
            "failures",
        ] {
            assert!(json.get(key).is_some(), "{key} missing from {json}");
        }
        assert_eq!(json["honest"]["unexpected_closes"], 0);
        assert_eq!(json["misbehaviours"]["slow_reader"]["outcomes"]["ended"], 1);
        assert_eq!(json["server_closes"]["slow"], 1);
        let text = r.to_string();
        assert!(
            text.contains("slow_reader    2 tried, 1 as expected: ended 1, survived 1"),
            "{text}"
        );
        assert!(text.contains("server closes   slow 1"), "{text}");
    }
}
