//! Tag played over real WebSockets on loopback: "it" chases a runner until the server says the
//! runner became "it" (tag's own event), and then the runner is "it" and was caught once.

use std::net::SocketAddr;
use std::time::Duration;

use tickwire_client::ClientWorld;
use tickwire_client::game_data::score;
use tickwire_client::{GameClient, Received};
use tickwire_example_tag::{BASE_HALF, BecameIt, FIELD, Tag, TagInput};
use tickwire_protocol::{EntityId, Record, ServerMsg};
use tickwire_server::{Game, Server, ServerConfig};

/// Every wait in this test is bounded by this.
const LIMIT: Duration = Duration::from_secs(30);

fn pos(world: &ClientWorld, id: EntityId) -> Option<(f32, f32)> {
    let [x, y] = world.entity(id)?.vec2("pos")?;
    Some((x as f32, y as f32))
}

/// The `it` field of entity `id`, read by name through the schema the server sent.
fn is_it(world: &ClientWorld, id: EntityId) -> Option<bool> {
    world.entity(id)?.flag("it")
}

/// An input towards `to`.
fn towards(from: (f32, f32), to: (f32, f32)) -> Record {
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let len = (dx * dx + dy * dy).sqrt().max(1e-3);
    Record::of(&TagInput {
        move_x: dx / len,
        move_y: dy / len,
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn it_catches_a_runner_and_the_runner_becomes_it() {
    let config = ServerConfig {
        bind: SocketAddr::from(([127, 0, 0, 1], 0)),
        tick_rate: 30,
        snapshot_rate: 30,
        ..ServerConfig::default()
    };
    let server = Server::start(config, |seed| Box::new(Tag::new(30, seed)) as Box<dyn Game>)
        .await
        .expect("server starts");
    let addr = server.local_addr();
    let mut it = GameClient::join(addr, "it").await.expect("join");
    let mut runner = GameClient::join(addr, "runner").await.expect("join");
    let it_id = it.welcome.as_ref().expect("welcome").entity_id;
    let runner_id = runner.welcome.as_ref().expect("welcome").entity_id;

    // The runner steps off the base if it spawned there (nobody can be tagged on it), then
    // stands still, reading snapshots until the test ends.
    let runner_task = tokio::spawn(async move {
        let corner = (FIELD / 2.0 - 3.0 * BASE_HALF, FIELD / 2.0 - 3.0 * BASE_HALF);
        let mut seq = 0;
        loop {
            let me = match runner.next_snapshot().await {
                Ok(_) => pos(runner.client_world(), runner_id),
                Err(_) => return,
            };
            let Some(me) = me else { continue };
            let centre = FIELD / 2.0;
            if (me.0 - centre).abs() <= BASE_HALF + 4.0 && (me.1 - centre).abs() <= BASE_HALF + 4.0
            {
                seq += 1;
                if runner
                    .send_input(seq, 0, &towards(me, corner))
                    .await
                    .is_err()
                {
                    return;
                }
            }
        }
    });

    // "it" chases the runner until the server reports the tag, its snapshot shows the runner as
    // "it" and the scoreboard counts it (the scoreboard may come before or after the event).
    let (tag, world, scores) = tokio::time::timeout(LIMIT, async {
        let (mut seq, mut tag, mut scores) = (0, None, None);
        loop {
            match it.recv().await.expect("it reads") {
                Received::Snapshot { .. } => {
                    let world = it.client_world().clone();
                    let runner_is_it = is_it(&world, runner_id) == Some(true);
                    if tag.is_some() && scores.is_some() && runner_is_it {
                        break (tag, world, scores);
                    }
                    if tag.is_none() {
                        assert_eq!(is_it(&world, it_id), Some(true), "the first player is it");
                    }
                    if let (Some(a), Some(b)) = (pos(&world, it_id), pos(&world, runner_id)) {
                        seq += 1;
                        it.send_input(seq, 0, &towards(a, b)).await.expect("send");
                    }
                }
                Received::Message(ServerMsg::Event(e)) => {
                    let event = it.event(&e).expect("one of tag's events");
                    assert_eq!(event.name(), "it");
                    let became: BecameIt = event.record.read().expect("tag's event");
                    if became.by != 0 {
                        tag = Some((EntityId(became.by), EntityId(became.runner)));
                    }
                }
                Received::Message(ServerMsg::Scoreboard(s)) => {
                    let schema = it.schema().expect("the welcome's schema").clone();
                    if s.iter()
                        .any(|row| score(&schema, &row.columns, "tagged") > Some(0))
                    {
                        scores = Some(s);
                    }
                }
                Received::Closed { code, reason } => panic!("closed: {code} {reason}"),
                Received::Message(_) => {}
            }
        }
    })
    .await
    .expect("tagged within the time limit");
    assert_eq!(tag, Some((it_id, runner_id)));
    assert_eq!(is_it(&world, it_id), Some(false));
    let schema = world.schema().expect("the welcome's schema");
    assert_eq!(schema.desc().game, "tag");
    assert_eq!(
        world.entity(EntityId(1)).map(|b| b.kind().name.as_str()),
        Some("base")
    );
    let scores = scores.expect("a scoreboard");
    let tagged = |id| {
        let row = scores.iter().find(|s| s.entity == id).expect("a row");
        score(schema, &row.columns, "tagged")
    };
    assert_eq!(tagged(it_id), Some(0));
    assert_eq!(tagged(runner_id), Some(1));
    assert!(
        schema.rating(&[1, 0]) < 0,
        "being caught counts against a player"
    );

    runner_task.abort();
    server.shutdown().await;
}
