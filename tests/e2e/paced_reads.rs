//! Paced reads: a seated player's socket is read at its room's call, just before each tick,
//! unless a batch of bytes (a padded ping) wakes it at once. Seen from a client over a real
//! socket, on a server ticking twice a second so that a read held for the tick is unmistakable:
//! an input sent between two ticks is in the next one (not the one after), and a padded ping is
//! answered long before the tick. The same holds with reads as the bytes come (`ready`).

use std::time::Duration;

use tickwire_client::{GameClient, Received};
use tickwire_protocol::{ClientMsg, Ping, Record, Tick};
use tickwire_scenarios::{Scenario, WalkInput, random_walk_schema};
use tickwire_server::{InputReads, Server, ServerConfig};

use crate::harness::{arena_config, join, metric_sum, round_trip, round_trip_of, start_with};

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

/// The next snapshot: its tick and acknowledgement.
async fn next_snapshot(c: &mut GameClient) -> (Tick, u32) {
    loop {
        let received = tokio::time::timeout(Duration::from_secs(10), c.recv())
            .await
            .expect("a snapshot in time")
            .expect("recv");
        match received {
            Received::Snapshot { tick, ack, .. } => return (tick, ack),
            Received::Closed { code, reason } => panic!("closed {code} {reason}"),
            _ => {}
        }
    }
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
        // Padded pings, each sent as a snapshot arrives (a tick has just run): the worst moment
        // for a ping held for the call, which would wait nearly the whole 500 ms tick.
        for nonce in 1..=6 {
            let (_, _) = next_snapshot(&mut c).await;
            let rtt = round_trip(&mut c, nonce).await;
            assert!(
                rtt < Duration::from_millis(200),
                "{}: a padded ping sent just after a 500 ms tick began took {rtt:?}",
                reads.as_str()
            );
        }
        // A ping without its pad is still answered, by the next tick at the latest.
        let bare = Ping {
            nonce: 7,
            pad: Vec::new(),
        };
        let rtt = round_trip_of(&mut c, bare).await;
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
