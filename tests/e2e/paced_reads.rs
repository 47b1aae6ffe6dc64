//! Paced reads: a seated player's socket is read at its room's call, just before each tick,
//! unless a batch of bytes (a padded ping) wakes it at once. Seen from a client over a real
//! socket, on a server ticking twice a second so that a read held for the tick is unmistakable:
//! an input sent between two ticks is in the next one (not the one after), and a padded ping is
//! answered long before the tick. The same holds with reads as the bytes come (`ready`).

use std::time::{Duration, Instant};

use tickwire_client::{GameClient, Received};
use tickwire_protocol::{ClientMsg, Ping, Record, ServerMsg, Tick};
use tickwire_scenarios::{Scenario, WalkInput, random_walk_schema};
use tickwire_server::{InputReads, Server, ServerConfig};

use crate::harness::{arena_config, join, metric_sum, start_with};

/// Slow enough that half a tick (250 ms) dwarfs a loopback round trip on a busy machine.
const TICK_RATE: u32 = 2;

async fn slow_server(reads: InputReads) -> Server {
    let config = ServerConfig {
        tick_rate: TICK_RATE,
        snapshot_rate: TICK_RATE,
        input_reads: reads,
        view_radius: None,
        ..arena_config()
    };
    let walk = Scenario::RandomWalk {
        entities: 20,
        moving_pct: 100,
    };
    start_with(config, walk.games()).await
}

/// Random-walk input `seq`: a step along x.
fn step(seq: u32) -> ClientMsg {
    let schema = random_walk_schema();
    let record = Record::of(&WalkInput { dx: 1.0, dy: 0.0 });
    ClientMsg::Input(tickwire_client::game_data::input(&schema, seq, 0, &record))
}

/// The first thing received that `pick` takes, within 10 s; a close fails the test.
async fn first<T>(c: &mut GameClient, what: &str, pick: impl Fn(Received) -> Option<T>) -> T {
    loop {
        let received = tokio::time::timeout(Duration::from_secs(10), c.recv())
            .await
            .unwrap_or_else(|_| panic!("{what} in time"))
            .expect("recv");
        if let Received::Closed { code, reason } = &received {
            panic!("closed {code} {reason} while waiting for {what}");
        }
        if let Some(t) = pick(received) {
            return t;
        }
    }
}

/// The next snapshot: its tick and acknowledgement.
async fn next_snapshot(c: &mut GameClient) -> (Tick, u32) {
    first(c, "a snapshot", |r| match r {
        Received::Snapshot { tick, ack, .. } => Some((tick, ack)),
        _ => None,
    })
    .await
}

/// Sends `ping` and waits for its pong, skipping snapshots; the round trip.
async fn pong_after(c: &mut GameClient, ping: Ping) -> Duration {
    let nonce = ping.nonce;
    let sent = Instant::now();
    c.send(&ClientMsg::Ping(ping)).await.expect("ping");
    first(c, "the pong", |r| match r {
        Received::Message(ServerMsg::Pong(p)) if p.nonce == nonce => Some(()),
        _ => None,
    })
    .await;
    sent.elapsed()
}

#[tokio::test]
async fn an_input_between_two_ticks_is_in_the_next_one_and_a_padded_ping_is_answered_at_once() {
    for reads in [InputReads::Paced, InputReads::Ready] {
        let server = slow_server(reads).await;
        let mut c = join(&server, "paced").await;
        // Three inputs, each sent just after a snapshot (a tick has just run): each must be
        // acknowledged by the very next snapshot, one tick later, not two.
        let (mut tick, _) = next_snapshot(&mut c).await;
        for seq in 1..=3 {
            c.send(&step(seq)).await.expect("input");
            let (next, ack) = next_snapshot(&mut c).await;
            assert_eq!(
                (next.0, ack),
                (tick.0 + 1, seq),
                "{}: input {seq}, sent after tick {}, is acknowledged by the next tick's snapshot",
                reads.as_str(),
                tick.0
            );
            tick = next;
        }
        // Padded pings at different moments of the tick: each answered well inside half a tick.
        // Held for the tick, one in two would take longer.
        for (nonce, offset_ms) in [(1, 0), (2, 90), (3, 180), (4, 270), (5, 360), (6, 440)] {
            let (_, _) = next_snapshot(&mut c).await;
            tokio::time::sleep(Duration::from_millis(offset_ms)).await;
            let rtt = pong_after(&mut c, Ping::new(nonce)).await;
            assert!(
                rtt < Duration::from_millis(200),
                "{}: a padded ping sent {offset_ms} ms into a 500 ms tick took {rtt:?}",
                reads.as_str()
            );
        }
        // A ping without its pad is still answered, by the next tick at the latest.
        let bare = Ping {
            nonce: 7,
            pad: Vec::new(),
        };
        let rtt = pong_after(&mut c, bare).await;
        assert!(
            rtt < Duration::from_secs(2),
            "an unpadded ping took {rtt:?}"
        );
        if reads == InputReads::Paced {
            assert_eq!(
                metric_sum(&server, "tickwire_read_calls_unanswered"),
                0.0,
                "one quiet player always answers the call in time"
            );
        }
        server.shutdown().await;
    }
}
