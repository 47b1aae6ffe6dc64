//! State sync: inputs move players, deltas rebuild the server's world exactly, and slow readers
//! catch up with one delta instead of a backlog.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tickwire_client::GameClient;
use tickwire_protocol::{Tick, World};
use tickwire_server::{FanOutMode, ServerConfig};

use crate::harness::{
    LIMIT, RoomClock, arena_config, arena_input, arena_move, join, record_frames, recorded,
    server_frame, start, start_arena, start_busy_world_with, wait_for,
};

/// How long the slow client stops reading, in the busy world's ticks (6 s at 30 Hz): long
/// enough to fill the socket buffers many times.
const ASLEEP_TICKS: u32 = 180;

/// Sends `n` inputs, one per snapshot received, and returns the client.
async fn drive(mut c: GameClient, n: u32, move_x: i8) -> GameClient {
    for seq in 1..=n {
        let input = arena_input(seq, arena_move(move_x, 0));
        c.send(&input).await.expect("send");
        c.next_snapshot().await.expect("snapshot");
    }
    c
}

// Each sync test runs with both fan-outs: the room's pass (the default) and the sessions' own
// tasks (the path before the pass, kept selectable).

#[tokio::test]
async fn inputs_move_a_player_that_others_see_exactly_as_the_server_has_it() {
    inputs_move_a_player_others_see(FanOutMode::Pass).await;
}

#[tokio::test]
async fn inputs_move_a_player_that_others_see_exactly_with_each_session_writing_its_own() {
    inputs_move_a_player_others_see(FanOutMode::Tasks).await;
}

async fn inputs_move_a_player_others_see(fan_out: FanOutMode) {
    let config = ServerConfig {
        fan_out,
        ..arena_config()
    };
    let server = start_arena(config, 3).await;
    let a = join(&server, "alice").await;
    let mut b = join(&server, "bob").await;
    let frames = record_frames(&server);
    let a_entity = a.welcome.as_ref().expect("welcome").entity_id;
    let b_entity = b.welcome.as_ref().expect("welcome").entity_id;

    b.next_snapshot().await.expect("snapshot");
    let x = |c: &GameClient| c.entity(a_entity).and_then(|e| e.raw("pos")).expect("a")[0];
    let start_x = x(&b);

    let a_task = tokio::spawn(drive(a, 40, 1));
    // B only reads; its world is built from deltas alone.
    let mut b_worlds: Vec<World> = Vec::new();
    tokio::time::timeout(LIMIT, async {
        for _ in 0..40 {
            b.next_snapshot().await.expect("snapshot");
            b_worlds.push(b.world().cloned().expect("world"));
        }
    })
    .await
    .expect("snapshots in time");
    let a = a_task.await.expect("a");

    let end_x = x(&b);
    assert!(
        end_x > start_x + 16 * 20,
        "A moved right: {start_x} -> {end_x}"
    );
    assert!(a.last_ack > 0, "A's inputs are acknowledged");

    // Every world B rebuilt equals the server's own quantized view of that tick for B, exactly.
    // The recorder may still be a frame behind the clients: wait until it has passed the ticks.
    let a_world = a.world().expect("world");
    let newest = b_worlds
        .iter()
        .map(|w| w.tick.0)
        .chain([a_world.tick.0])
        .max()
        .expect("worlds");
    recorded(&frames, newest).await;
    let frames = frames.lock().clone();
    let mut compared = 0;
    for w in &b_worlds {
        if let Some(f) = frames.get(&w.tick.0) {
            assert_eq!(f.view_for(b_entity, None).world(), w, "tick {}", w.tick);
            compared += 1;
        }
    }
    assert!(compared >= 30, "compared {compared} worlds");
    let a_frame = frames
        .get(&a_world.tick.0)
        .expect("the recorder holds A's tick");
    assert_eq!(a_frame.view_for(a_entity, None).world(), a_world);
    server.shutdown().await;
}

#[tokio::test]
async fn a_client_that_stops_reading_catches_up_with_one_delta() {
    stops_reading_and_catches_up(FanOutMode::Pass).await;
}

#[tokio::test]
async fn a_client_that_stops_reading_catches_up_with_each_session_writing_its_own() {
    stops_reading_and_catches_up(FanOutMode::Tasks).await;
}

async fn stops_reading_and_catches_up(fan_out: FanOutMode) {
    // Each snapshot is kilobytes long, so the socket buffers fill within a fraction of the time
    // the client sleeps.
    let server = start_busy_world_with(tickwire_server::Limits::default(), fan_out).await;
    let small = GameClient::connect_with(server.local_addr(), Some(4096))
        .await
        .expect("connect");
    let mut slow = tokio::time::timeout(LIMIT, GameClient::join_with(small, "sleepy"))
        .await
        .expect("in time")
        .expect("join");
    let mut other = join(&server, "awake").await;
    let asleep_at = slow.next_snapshot().await.expect("snapshot");
    let metrics = server.shared().metrics.clone();
    let skipped = || metrics.snapshots_skipped.get();

    // The other player keeps reading throughout, counting what it gets and the ticks they span.
    let awake = Arc::new(AtomicBool::new(true));
    let other_task = tokio::spawn({
        let awake = awake.clone();
        async move {
            let first = other.next_snapshot().await.expect("snapshot");
            let (mut last, mut n) = (first, 1u32);
            while awake.load(Ordering::Relaxed) {
                last = tokio::time::timeout(LIMIT, other.next_snapshot())
                    .await
                    .expect("the other player keeps getting snapshots in time")
                    .expect("the other player keeps getting snapshots");
                n += 1;
            }
            (n, last.since(first))
        }
    });

    // The behaviour under test: this client reads nothing while the server runs this many ticks,
    // so that its socket buffers fill and the server must skip its snapshots rather than queue
    // them.
    RoomClock::of(&server)
        .until(asleep_at.0 + ASLEEP_TICKS)
        .await;
    let behind = server_frame(&server).expect("frame").tick();
    let frames = record_frames(&server);

    // Read until caught up with what the server had when we woke; count the snapshots it took.
    let mut received = 0;
    let mut tick = Tick(0);
    tokio::time::timeout(LIMIT, async {
        while !tick.is_newer_than(behind) {
            tick = slow.next_snapshot().await.expect("snapshot");
            received += 1;
        }
    })
    .await
    .expect("caught up");
    awake.store(false, Ordering::Relaxed);
    // What was in flight in the socket buffers arrives; the rest was skipped, not queued.
    let produced = behind.since(asleep_at);
    eprintln!(
        "caught up after {received} snapshots, {} bytes in, skipped {}",
        slow.bytes_in,
        skipped()
    );
    assert!(
        received * 2 < produced,
        "received {received} of {produced} snapshots to catch up: a backlog"
    );
    wait_for(LIMIT, "the server counts skipped snapshots", async || {
        (skipped() > 0)
            .then_some(())
            .ok_or_else(|| "none skipped".to_string())
    })
    .await;
    // And the world it rebuilt is the server's of the same tick (the whole world: no area of
    // interest). The recorder may have missed a tick; then the next snapshot is compared.
    wait_for(
        LIMIT,
        "a caught-up world compared with the server's",
        async || {
            let t = slow.world().expect("world").tick;
            if let Some(f) = recorded(&frames, t.0).await {
                assert_eq!(&*f.state, slow.world().expect("world"), "tick {t}");
                return Ok(());
            }
            slow.next_snapshot().await.expect("snapshot");
            Err(format!("the recorder missed tick {t}"))
        },
    )
    .await;
    let (n, span) = other_task.await.expect("other");
    assert!(
        n * 10 >= span * 7,
        "the other player got {n} snapshots over {span} ticks while one client slept"
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_player_that_disconnects_leaves_the_world() {
    let server = start(0).await;
    let mut a = join(&server, "alice").await;
    let mut b = join(&server, "bob").await;
    let b_entity = b.welcome.as_ref().expect("welcome").entity_id;
    a.next_snapshot().await.expect("snapshot");
    b.close().await.expect("close");
    drop(b);
    tokio::time::timeout(LIMIT, async {
        loop {
            a.next_snapshot().await.expect("snapshot");
            if a.entity(b_entity).is_none() {
                break;
            }
        }
    })
    .await
    .expect("bob removed");
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_room_of_hundreds_gets_its_snapshots_from_the_pass_not_from_its_writer_tasks() {
    // More sessions than a tokio task may make socket operations in one turn (128): the pass
    // must still write to every socket itself, not hand them to their writer tasks.
    let config = ServerConfig {
        bind: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
        tick_rate: 30,
        snapshot_rate: 30,
        room_capacity: 300,
        view_radius: None,
        limits: tickwire_server::Limits {
            max_connections_per_ip: 0,
            ..tickwire_server::Limits::default()
        },
        ..ServerConfig::default()
    };
    let walk = tickwire_scenarios::Scenario::RandomWalk {
        entities: 10,
        moving_pct: 100,
    };
    let server = crate::harness::start_with(config, walk.games()).await;
    let mut readers = Vec::new();
    for i in 0..200 {
        let mut c = join(&server, &format!("c{i}")).await;
        readers.push(tokio::spawn(async move {
            // Reading until told to stop keeps every socket able to take its snapshot.
            for _ in 0..150 {
                if c.next_snapshot().await.is_err() {
                    break;
                }
            }
        }));
    }
    let metrics = server.shared().metrics.clone();
    let before = (
        metrics.snapshots_sent.get(),
        metrics.fan_out_handed_over.get(),
    );
    RoomClock::of(&server).ticks(60).await;
    let sent = metrics.snapshots_sent.get() - before.0;
    let handed = metrics.fan_out_handed_over.get() - before.1;
    eprintln!("200 sessions over 60 ticks: {sent} snapshots sent, {handed} handed over");
    // A loaded machine may make the room catch up ticks, sending only the newest frame: the
    // figure that matters is the share handed over, over enough snapshots to mean something.
    assert!(sent >= 200 * 10, "{sent} snapshots sent");
    assert!(
        handed * 20 <= sent,
        "{handed} of {sent} snapshots handed to writer tasks"
    );
    for r in readers {
        r.abort();
    }
    server.shutdown().await;
}
