//! Agones: the real binary, built with `--features agones`, against a local Agones SDK server
//! (dummy-agones with Lists, `tests/agones-sdk`), checking the SDK calls it makes and their order:
//! labels, then Ready once listening, Health over and over, a player added to the List `players`
//! and removed when it leaves, the allocation seen and stamped, and SIGTERM -> drain -> Shutdown.
//! Building needs `protoc`: without it these tests skip loudly (and fail under CI). The fleet
//! manifest's own checks need nothing and always run.

use std::net::SocketAddr;
use std::process::{Command, Stdio};

use tickwire_client::GameClient;
use tickwire_server::auth::join_token::{JoinClaims, JoinSecret, RoomClaim, sign};

use crate::agones_run::{
    EXIT_LIMIT, SCHEDULED, built, http_yaml, protoc_present, set_state, wait_for_gameserver,
};
use crate::harness::{LIMIT, ci_requires, wait_for};
use crate::process::{Running, ServerProcess, TICKWIRE, clean_command};

/// The SDK server, started on a free port with the GameServer as Agones schedules it.
async fn start_sdk_server() -> (Running, SocketAddr) {
    let sdk = Running::start(Command::new(&built().sdk_server));
    let addr: SocketAddr = sdk
        .line_after("listening ")
        .await
        .parse()
        .expect("an address");
    http_yaml(addr, "POST", SCHEDULED);
    (sdk, addr)
}

/// `tickwire --agones` with `extra` flags, speaking to the SDK server at `sdk`.
async fn start_tickwire(sdk: SocketAddr, extra: &[&str]) -> ServerProcess {
    let mut cmd = clean_command(&built().tickwire);
    cmd.args(["--bind", "127.0.0.1:0", "--bots", "0", "--agones"])
        .args(["--agones-health-period", "0.1", "--shutdown-grace", "2"])
        .args(["--room-capacity", "4", "--max-rooms", "2"])
        .args(extra)
        .env("AGONES_SDK_GRPC_PORT", sdk.port().to_string())
        .env("RUST_LOG", "info")
        .stderr(Stdio::null());
    ServerProcess::serve(cmd).await
}

/// Skips (or under CI fails) a test when `protoc` is missing; true when it may run.
fn can_build(test: &str) -> bool {
    if protoc_present() {
        return true;
    }
    ci_requires(
        "protoc",
        test,
        "the Agones SDK compiles its protocol with it: apt-get install protobuf-compiler libprotobuf-dev",
    );
    false
}

/// Where `line` first appears in `log`, failing the test with the log when it does not.
fn position(log: &[String], line: &str) -> usize {
    log.iter()
        .position(|l| l == line)
        .unwrap_or_else(|| panic!("{line:?} is not in the SDK call log: {log:?}"))
}

/// Waits until the SDK call log has `line`; returns the log.
async fn logged(sdk: &Running, line: &str) -> Vec<String> {
    wait_for(LIMIT, &format!("the SDK call {line:?}"), async || {
        let log = sdk.lines();
        if log.iter().any(|l| l == line) {
            Ok(log)
        } else {
            Err(format!("log: {log:?}"))
        }
    })
    .await
}

#[tokio::test]
async fn the_game_server_lifecycle_reaches_agones_in_order() {
    if !can_build("agones::the_game_server_lifecycle_reaches_agones_in_order") {
        return;
    }
    let (sdk, sdk_addr) = start_sdk_server().await;
    let mut server = start_tickwire(sdk_addr, &[]).await;
    let addr = server.addr();

    // Labels, then Ready, then Health again and again.
    let log = logged(&sdk, "ready").await;
    let ready = position(&log, "ready");
    for label in ["label game=arena", "label map=arena", "label capacity=8"] {
        assert!(
            position(&log, label) < ready,
            "{label} after Ready: {log:?}"
        );
    }
    let healthy = wait_for(LIMIT, "three Health pings after Ready", async || {
        let log = sdk.lines();
        let pings = log[ready..].iter().filter(|l| *l == "health").count();
        if pings >= 3 {
            Ok(pings)
        } else {
            Err(format!("{pings} so far: {log:?}"))
        }
    })
    .await;
    assert!(healthy >= 3);
    let gs = wait_for_gameserver(sdk_addr, "Ready with labels", |y| {
        y.contains("state: Ready") && y.contains("game: arena")
    })
    .await;
    assert!(gs.contains("capacity: 8"), "players List sized: {gs}");

    // A player joins: in the List; the allocation is seen and stamped; the player leaves.
    let mut ada = GameClient::join(addr, "ada").await.expect("join");
    ada.next_snapshot().await.expect("a snapshot");
    logged(&sdk, "list players add client-1").await;
    wait_for_gameserver(sdk_addr, "client-1 in the players List", |y| {
        y.contains("- client-1")
    })
    .await;
    set_state(sdk_addr, "Ready", "Allocated");
    wait_for_gameserver(sdk_addr, "the allocation stamped", |y| {
        y.contains("allocated-at:")
    })
    .await;
    ada.close().await.expect("close");
    let log = logged(&sdk, "list players remove client-1").await;
    assert!(
        position(&log, "list players add client-1")
            < position(&log, "list players remove client-1")
    );
    wait_for_gameserver(sdk_addr, "client-1 out of the List", |y| {
        !y.contains("- client-1")
    })
    .await;

    // SIGTERM: the drain (no players left: at once), then Shutdown, then exit 0.
    assert!(
        !log.iter().any(|l| l == "shutdown"),
        "no Shutdown before the drain: {log:?}"
    );
    server.sigterm();
    let log = logged(&sdk, "shutdown").await;
    assert!(position(&log, "list players remove client-1") < position(&log, "shutdown"));
    wait_for_gameserver(sdk_addr, "Shutdown", |y| y.contains("state: Shutdown")).await;
    let code = server.exited(EXIT_LIMIT).await;
    assert_eq!(code, Some(0), "exit status");
}

#[tokio::test]
async fn with_shutdown_when_empty_the_end_of_an_allocated_match_shuts_down() {
    if !can_build("agones::with_shutdown_when_empty_the_end_of_an_allocated_match_shuts_down") {
        return;
    }
    let (sdk, sdk_addr) = start_sdk_server().await;
    let server = start_tickwire(sdk_addr, &["--agones-shutdown-when-empty"]).await;
    let addr = server.addr();
    logged(&sdk, "ready").await;
    wait_for_gameserver(sdk_addr, "Ready", |y| y.contains("state: Ready")).await;

    // Not allocated: a player who comes and goes shuts nothing down.
    let mut early = GameClient::join(addr, "early").await.expect("join");
    early.close().await.expect("close");
    logged(&sdk, "list players remove client-1").await;

    set_state(sdk_addr, "Ready", "Allocated");
    wait_for_gameserver(sdk_addr, "the allocation stamped", |y| {
        y.contains("allocated-at:")
    })
    .await;
    assert!(
        !sdk.lines().iter().any(|l| l == "shutdown"),
        "{:?}",
        sdk.lines()
    );

    // Allocated: the match's last player leaving ends it.
    let mut ada = GameClient::join(addr, "ada").await.expect("join");
    let mut bob = GameClient::join(addr, "bob").await.expect("join");
    ada.close().await.expect("close");
    logged(&sdk, "list players remove client-2").await;
    assert!(
        !sdk.lines().iter().any(|l| l == "shutdown"),
        "bob still plays"
    );
    bob.close().await.expect("close");
    let log = logged(&sdk, "shutdown").await;
    assert!(position(&log, "list players remove client-3") < position(&log, "shutdown"));
    drop(server);
}

/// With join tokens, the List holds the backend's own player id (the token's `sub`), and keeps it
/// while any of that player's sessions plays: a second tab of one account takes the first one's
/// place (one live session per player), and the id stays in the List throughout.
#[tokio::test]
async fn with_join_tokens_the_list_holds_the_token_subject_until_its_last_session_leaves() {
    if !can_build(
        "agones::with_join_tokens_the_list_holds_the_token_subject_until_its_last_session_leaves",
    ) {
        return;
    }
    let (sdk, sdk_addr) = start_sdk_server().await;
    let server = start_tickwire(sdk_addr, &["--join-secret", "s3cret"]).await;
    let addr = server.addr();
    logged(&sdk, "ready").await;
    let secret: JoinSecret = "s3cret".parse().expect("a secret");
    let path = |sub: &str| {
        let claims = JoinClaims {
            sub: sub.into(),
            name: "ada".into(),
            room: RoomClaim::Any,
            // An hour: within the server's most token lifetime.
            exp: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .expect("after 1970")
                .as_secs()
                + 3600,
        };
        format!("/ws?token={}", sign(&claims, &secret))
    };
    let mut tabs = Vec::new();
    for _ in 0..2 {
        let socket = GameClient::connect_path(addr, &path("player-42"))
            .await
            .expect("connect");
        tabs.push(GameClient::join_with(socket, "ada").await.expect("join"));
    }
    wait_for_gameserver(sdk_addr, "player-42 in the List", |y| {
        y.contains("- player-42")
    })
    .await;

    // The second tab's join ended the first (close 4013). A join queued after that leave shows
    // that it has been handled: player-42 stays, held by the second tab.
    crate::resume::assert_closed_with(&mut tabs[0], tickwire_protocol::close::SAME_PLAYER_JOINED)
        .await;
    let socket = GameClient::connect_path(addr, &path("player-7"))
        .await
        .expect("connect");
    let mut other = GameClient::join_with(socket, "bob").await.expect("join");
    let log = logged(&sdk, "list players add player-7").await;
    assert!(
        !log.iter().any(|l| l == "list players remove player-42"),
        "removed while a session of it plays: {log:?}"
    );

    // Its last session leaves: removed, once.
    close_and_wait(&mut tabs[1]).await;
    let log = logged(&sdk, "list players remove player-42").await;
    let adds = log
        .iter()
        .filter(|l| *l == "list players add player-42")
        .count();
    assert_eq!(adds, 1, "one id, added once: {log:?}");
    close_and_wait(&mut other).await;
}

/// Sends a close and reads until the server's answer (or the end of the connection).
async fn close_and_wait(client: &mut GameClient) {
    client.close().await.expect("close");
    tokio::time::timeout(LIMIT, async { while client.recv().await.is_ok() {} })
        .await
        .expect("the server closes in time");
}

/// The fleet manifest: the game's port must be TCP (Agones' default is UDP, and WebSockets run
/// over TCP), with the players List and health checks that the binary's flags match.
#[test]
fn the_fleet_manifest_serves_tcp_with_a_players_list_and_health() {
    let fleet = include_str!("../../deploy/agones/fleet.yaml");
    let lines: Vec<&str> = fleet
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with('#'))
        .collect();
    let port = lines
        .iter()
        .position(|l| *l == "- name: game")
        .expect("a port named game");
    let port_block: Vec<&str> = lines[port + 1..]
        .iter()
        .take_while(|l| !l.starts_with("- ") && !l.ends_with(':'))
        .copied()
        .collect();
    assert!(
        port_block.contains(&"protocol: TCP"),
        "the game port must say protocol: TCP: {port_block:?}"
    );
    assert!(
        port_block.contains(&"containerPort: 8080"),
        "{port_block:?}"
    );
    for needed in [
        "players:",
        "health:",
        "periodSeconds: 5",
        "--agones",
        "--bind",
        "0.0.0.0:8080",
    ] {
        assert!(
            lines.iter().any(|l| l.contains(needed)),
            "fleet.yaml lacks {needed:?}"
        );
    }
    let allocation = include_str!("../../deploy/agones/allocation.yaml");
    assert!(allocation.contains("kind: GameServerAllocation"));
    assert!(allocation.contains("agones.dev/sdk-game: arena"));
}

/// Without the `agones` feature, `--agones` stops the server at start with the reason.
#[test]
fn without_agones_support_the_flag_says_how_to_get_it() {
    if cfg!(feature = "agones") {
        return;
    }
    let out = clean_command(TICKWIRE)
        .args(["--agones", "--bind", "127.0.0.1:0"])
        .output()
        .expect("run tickwire");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("built without Agones support") && stderr.contains("--features agones"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty(), "it must not have started serving");
}

/// The Dockerfile (no Docker engine runs here): every instruction is one Docker knows, the build
/// stage installs protoc and builds with the feature, and the runtime stage runs the binary as a
/// non-root user on port 8080.
#[test]
fn the_dockerfile_builds_with_agones_and_runs_as_non_root() {
    const KNOWN: &[&str] = &[
        "FROM",
        "RUN",
        "CMD",
        "LABEL",
        "EXPOSE",
        "ENV",
        "ADD",
        "COPY",
        "ENTRYPOINT",
        "VOLUME",
        "USER",
        "WORKDIR",
        "ARG",
        "ONBUILD",
        "STOPSIGNAL",
        "HEALTHCHECK",
        "SHELL",
    ];
    let text = include_str!("../../Dockerfile");
    // Instructions, with continuation lines joined and comments left out.
    let mut instructions: Vec<String> = Vec::new();
    let mut open = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('#') || (line.is_empty() && !open) {
            continue;
        }
        let part = line.trim_end_matches('\\').trim();
        match instructions.last_mut() {
            Some(last) if open => last.push_str(&format!(" {part}")),
            _ => instructions.push(part.to_owned()),
        }
        open = line.ends_with('\\');
    }
    assert!(!open, "the Dockerfile ends inside a continued line");
    for i in &instructions {
        let keyword = i.split_whitespace().next().unwrap_or_default();
        assert!(
            KNOWN.contains(&keyword),
            "not a Dockerfile instruction: {i}"
        );
    }
    let stages: Vec<&String> = instructions
        .iter()
        .filter(|i| i.starts_with("FROM "))
        .collect();
    assert_eq!(
        stages.len(),
        2,
        "a build stage and a runtime stage: {stages:?}"
    );
    let build = instructions
        .iter()
        .position(|i| i.starts_with("FROM "))
        .unwrap_or(0);
    let runtime = instructions
        .iter()
        .rposition(|i| i.starts_with("FROM "))
        .unwrap_or(0);
    let in_build = &instructions[build..runtime];
    let in_runtime = &instructions[runtime..];
    assert!(in_build.iter().any(|i| i.contains("protobuf-compiler")));
    assert!(in_build.iter().any(|i| i.contains("--features agones")));
    assert!(
        in_runtime
            .iter()
            .any(|i| i.starts_with("COPY --from=build"))
    );
    let user = in_runtime
        .iter()
        .find_map(|i| i.strip_prefix("USER "))
        .expect("the runtime stage sets a user");
    assert!(
        !user.starts_with('0') && user != "root",
        "runs as root: {user}"
    );
    assert!(in_runtime.iter().any(|i| i == "EXPOSE 8080/tcp"));
    assert!(in_runtime.iter().any(|i| i.starts_with("ENTRYPOINT [")));
}
