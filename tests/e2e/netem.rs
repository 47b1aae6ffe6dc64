//! The game over a real shaped link rather than the server's own conditioner: the test makes a
//! network namespace of its own (`unshare --net`), brings its loopback up, shapes it with
//! `tc netem` (40 ms each way, 10 ms of jitter: every packet crosses the loopback once per
//! direction) and runs the inner test inside it, server and client on 127.0.0.1 there. Nothing
//! leaves the namespace. Where the kernel lacks the `netem` queueing discipline the test says so
//! loudly and skips (a missing kernel feature is no program CI could install); without `unshare`
//! or `tc` it skips loudly too, and fails under CI.

use std::process::Command;
use std::time::{Duration, Instant};

use tickwire_client::Received;

use crate::harness::{
    arena_config, arena_input, arena_move, ci_requires, join, round_trip, skip, start_arena,
    under_ci,
};

/// Set in the inner test's environment: it runs only inside the shaped namespace.
const INSIDE: &str = "TICKWIRE_TEST_INSIDE_NETEM";
/// The shaping: netem's delay and jitter on the loopback, per direction.
const DELAY_MS: u64 = 40;
const JITTER_MS: u64 = 10;

/// Runs `script` with `sh` in a new network namespace; its output, or why it could not start.
fn in_namespace(
    script: &str,
    args: &[&str],
    envs: &[(&str, &str)],
) -> std::io::Result<std::process::Output> {
    let mut cmd = Command::new("unshare");
    cmd.args(["--net", "--", "sh", "-c", script, "netem"])
        .args(args);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output()
}

/// What the test can do here: `Ok` when a namespace with a netem loopback can be made, else
/// why not and whether the reason is a missing program (which CI installs) or the machine.
fn netem_available() -> Result<(), (bool, String)> {
    for program in ["unshare", "tc", "ip"] {
        let found = Command::new(program).arg("-V").output().is_ok()
            || Command::new(program).arg("--version").output().is_ok();
        if !found {
            return Err((true, format!("{program} not found")));
        }
    }
    let probe = "ip link set lo up && tc qdisc add dev lo root netem delay 1ms";
    match in_namespace(probe, &[], &[]) {
        Ok(out) if out.status.success() => Ok(()),
        Ok(out) => Err((
            false,
            format!(
                "a namespace with a netem loopback could not be made: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        )),
        Err(e) => Err((false, format!("unshare failed: {e}"))),
    }
}

#[test]
fn the_game_over_a_loopback_shaped_with_netem() {
    const TEST: &str = "netem::the_game_over_a_loopback_shaped_with_netem";
    match netem_available() {
        Ok(()) => {}
        Err((true, why)) => {
            ci_requires(
                "unshare, tc and ip",
                TEST,
                "apt-get install iproute2 util-linux",
            );
            eprintln!("{TEST}: {why}");
            return;
        }
        Err((false, why)) => {
            // The kernel (or the container) does not allow it: loud, in CI too.
            let ci = if under_ci() {
                " (under CI too: a kernel feature, not a program)"
            } else {
                ""
            };
            skip(TEST, &format!("{why}{ci}"));
            return;
        }
    }
    let exe = std::env::current_exe().expect("the test binary");
    let exe = exe.to_string_lossy();
    let script = format!(
        "ip link set lo up && tc qdisc add dev lo root netem delay {DELAY_MS}ms {JITTER_MS}ms && exec \"$@\""
    );
    let out = in_namespace(
        &script,
        &[
            &exe,
            "netem::inside_the_shaped_namespace",
            "--exact",
            "--ignored",
            "--nocapture",
        ],
        &[(INSIDE, "1")],
    )
    .expect("run the inner test");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    print!("{stdout}");
    eprint!("{stderr}");
    assert!(
        out.status.success(),
        "the inner test failed inside the namespace"
    );
    assert!(
        stdout.contains("1 passed"),
        "the inner test ran inside the namespace: {stdout}"
    );
}

/// The inner half: only inside the namespace the outer test makes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "runs inside the namespace of the_game_over_a_loopback_shaped_with_netem"]
async fn inside_the_shaped_namespace() {
    assert!(
        std::env::var_os(INSIDE).is_some(),
        "run by the_game_over_a_loopback_shaped_with_netem, inside its namespace"
    );
    let server = start_arena(arena_config(), 2).await;
    let mut c = join(&server, "over netem").await;
    // Pings paced over a second, to sample the jitter.
    let mut pace = tokio::time::interval(Duration::from_millis(150));
    let mut rtts = Vec::new();
    for nonce in 1..=10 {
        pace.tick().await;
        rtts.push(round_trip(&mut c, nonce).await);
    }
    rtts.sort();
    let (min, max) = (rtts[0], rtts[rtts.len() - 1]);
    // One tick of inputs, held right, for two seconds: acknowledged in order, none lost.
    let mut acked = 0;
    let mut seq = 0;
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / 60.0));
    let until = Instant::now() + Duration::from_secs(2);
    while Instant::now() < until {
        tokio::select! {
            _ = tick.tick() => {
                seq += 1;
                let input = arena_input(seq, arena_move(1, 0));
                c.send(&input).await.expect("input");
            }
            r = c.recv() => {
                if let Received::Snapshot { ack, .. } = r.expect("recv") {
                    assert!(ack >= acked, "acks go forward: {ack} after {acked}");
                    acked = ack;
                }
            }
        }
    }
    println!(
        "netem: loopback shaped {DELAY_MS} ms +- {JITTER_MS} ms each way: ping round trips min {min:?}, max {max:?}; \
         {seq} inputs sent, the last acknowledged {acked}"
    );
    let floor = Duration::from_millis(2 * (DELAY_MS - JITTER_MS));
    assert!(min >= floor, "the shaping holds: {rtts:?}");
    assert!(
        acked + 30 >= seq && acked > 0,
        "inputs acknowledged: {acked} of {seq}"
    );
    server.shutdown().await;
}
