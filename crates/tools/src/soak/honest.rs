//! An honest client: joins, sends an input and reads every message up to the next snapshot (one
//! input per snapshot, so one per tick at the default rates), and now and then leaves with a
//! close frame and joins again. Anything the server does that it did not ask for is counted.

use std::time::Duration;

use tickwire_client::{ClientError, GameClient, Received};
use tickwire_protocol::ServerMsg;
use tickwire_sim::Rng;
use tokio::time::Instant;

use super::Ctx;
use super::report::HonestFigures;
use crate::game_input::GameInput;

/// Longest an honest client waits for its next snapshot before it counts the session as lost.
const SNAPSHOT_LIMIT: Duration = Duration::from_secs(5);
/// How long leaving (the close frame and the server's reply) may take.
const LEAVE_LIMIT: Duration = Duration::from_secs(2);
/// The wait before trying again after a failed join.
const RETRY: Duration = Duration::from_millis(500);
/// Most joins one client makes in a run (a bound on the loop whatever the clock does).
const MAX_JOINS: u64 = 10_000;

/// What went wrong while waiting for a snapshot.
enum Problem {
    Decode(String),
    Unexpected(String),
}

impl HonestFigures {
    fn problem(&mut self, what: String) {
        if self.first_problem.is_none() {
            self.first_problem = Some(what);
        }
    }

    /// Adds another client's figures.
    pub(crate) fn add(&mut self, o: HonestFigures) {
        self.joins += o.joins;
        self.join_failures += o.join_failures;
        self.leaves += o.leaves;
        self.snapshots += o.snapshots;
        self.inputs += o.inputs;
        self.decode_errors += o.decode_errors;
        self.unexpected_closes += o.unexpected_closes;
        if self.first_problem.is_none() {
            self.first_problem = o.first_problem;
        }
    }
}

/// Runs honest client `i` until the run's deadline.
pub(crate) async fn run(ctx: &Ctx, i: u32, seed: u64) -> HonestFigures {
    let mut t = HonestFigures::default();
    let mut rng = Rng::new(seed);
    let local = ctx.source(1, i);
    let name = format!("honest-{i}");
    while Instant::now() < ctx.deadline && t.joins + t.join_failures < MAX_JOINS {
        let mut c = match ctx.join(local, None, &name).await {
            Ok(c) => c,
            Err(e) => {
                t.join_failures += 1;
                t.problem(format!("{name} join: {e}"));
                tokio::time::sleep(RETRY).await;
                continue;
            }
        };
        t.joins += 1;
        let (lo, hi) = ctx.rejoin_after;
        let session = lo + hi.saturating_sub(lo).mul_f32(rng.next_f32());
        let leave_at = (Instant::now() + session).min(ctx.deadline);
        let mut seq = 0u32;
        let stayed = loop {
            if Instant::now() >= leave_at {
                break true;
            }
            seq = seq.wrapping_add(1).max(1);
            let Some(schema) = c.schema().cloned() else {
                break false;
            };
            let record = GameInput::of(&schema).random(&mut rng);
            if let Err(e) = c.send_input(seq, 0, &record).await {
                t.unexpected_closes += 1;
                t.problem(format!("{name} send: {e}"));
                break false;
            }
            t.inputs += 1;
            match next_snapshot(&mut c).await {
                Ok(()) => t.snapshots += 1,
                Err(Problem::Decode(e)) => {
                    t.decode_errors += 1;
                    t.problem(format!("{name} decode: {e}"));
                    break false;
                }
                Err(Problem::Unexpected(e)) => {
                    t.unexpected_closes += 1;
                    t.problem(format!("{name}: {e}"));
                    break false;
                }
            }
        };
        if stayed {
            leave(c).await;
            t.leaves += 1;
        }
    }
    t
}

/// Reads until the next snapshot (applied to the client's world), at most [`SNAPSHOT_LIMIT`].
async fn next_snapshot(c: &mut GameClient) -> Result<(), Problem> {
    let deadline = Instant::now() + SNAPSHOT_LIMIT;
    loop {
        match tokio::time::timeout_at(deadline, c.recv()).await {
            Err(_) => return Err(Problem::Unexpected("no snapshot within 5 s".into())),
            Ok(Ok(Received::Snapshot { .. })) => return Ok(()),
            Ok(Ok(Received::Message(ServerMsg::Kick(k)))) => {
                return Err(Problem::Unexpected(format!(
                    "kicked: {} {}",
                    k.code, k.reason
                )));
            }
            Ok(Ok(Received::Closed { code, reason })) => {
                return Err(Problem::Unexpected(format!("closed: {code} {reason}")));
            }
            Ok(Ok(Received::Message(_))) => {}
            Ok(Err(e @ (ClientError::Decode(_) | ClientError::Delta(_)))) => {
                return Err(Problem::Decode(e.to_string()));
            }
            Ok(Err(e)) => return Err(Problem::Unexpected(e.to_string())),
        }
    }
}

/// Sends a close frame and reads until the server's reply (or the end of the stream).
async fn leave(mut c: GameClient) {
    let _ = tokio::time::timeout(LEAVE_LIMIT, async {
        if c.close().await.is_err() {
            return;
        }
        loop {
            match c.recv().await {
                Ok(Received::Closed { .. }) | Err(_) => return,
                Ok(_) => {}
            }
        }
    })
    .await;
}
