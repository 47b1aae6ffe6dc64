//! The schema on the wire: the Welcome carries the room's schema, full snapshots name it, and a
//! client built for another schema is refused with a clear reason.

use tickwire_client::{GameClient, Received};
use tickwire_protocol::{SchemaHash, close};
use tickwire_server::CloseReason;

use crate::harness::{LIMIT, start};

#[tokio::test]
async fn the_welcome_carries_the_rooms_schema_and_the_first_snapshot_names_it() {
    let server = start(1).await;
    let mut c = crate::harness::join(&server, "ada").await;
    let welcome = c.welcome.clone().expect("welcome");
    let schema = &welcome.schema;
    assert_eq!(schema.desc().game, "arena");
    assert_eq!(*schema, *tickwire_arena::arena_schema());
    // The hash the client computes from what it received is the server's.
    assert_eq!(
        tickwire_protocol::Schema::new(schema.desc().clone())
            .expect("valid")
            .hash(),
        tickwire_arena::arena_schema().hash()
    );
    // The first snapshot is full and names the schema; the deltas after it do not (they are
    // read in their baseline's schema).
    let mut seen = Vec::new();
    tokio::time::timeout(LIMIT, async {
        while seen.len() < 3 {
            match c.recv().await.expect("recv") {
                Received::Snapshot { schema, .. } => seen.push(schema),
                Received::Closed { code, reason } => panic!("closed: {code} {reason}"),
                Received::Message(_) => {}
            }
        }
    })
    .await
    .expect("three snapshots in time");
    assert_eq!(seen, [Some(schema.hash()), None, None]);
    // Fields are read by the names the schema gives them.
    let me = c.entity(welcome.entity_id).expect("own entity");
    assert_eq!(me.kind().name, "player");
    assert!(me.vec2("pos").is_some() && me.number("hp").is_some());
    server.shutdown().await;
}

/// Says `Hello` to `server` as a client built for `schema`, returning once welcomed or refused.
async fn hello_built_for(
    server: &tickwire_server::Server,
    schema: SchemaHash,
) -> Result<GameClient, tickwire_client::ClientError> {
    let mut c = GameClient::connect(server.local_addr())
        .await
        .expect("connect");
    c.built_for = Some(schema);
    tokio::time::timeout(LIMIT, GameClient::hello(c, "ada", None))
        .await
        .expect("in time")
}

#[tokio::test]
async fn a_client_built_for_the_rooms_schema_joins() {
    let server = start(0).await;
    let ours = tickwire_arena::arena_schema().hash();
    let mut c = hello_built_for(&server, ours).await.expect("welcomed");
    c.next_snapshot().await.expect("a snapshot");
    server.shutdown().await;
}

#[tokio::test]
async fn a_client_built_for_another_schema_is_refused_with_4014_and_both_schemas() {
    let server = start(0).await;
    let theirs = SchemaHash(0x0123_4567_89ab_cdef);
    let err = hello_built_for(&server, theirs)
        .await
        .err()
        .expect("refused");
    let tickwire_client::ClientError::Closed { code, reason } = err else {
        panic!("{err}");
    };
    assert_eq!(code, close::SCHEMA_MISMATCH);
    let ours = tickwire_arena::arena_schema().hash();
    assert!(reason.contains(&theirs.to_string()), "{reason}");
    assert!(reason.contains(&ours.to_string()), "{reason}");
    assert!(reason.contains("\"arena\""), "{reason}");
    assert_eq!(server.shared().metrics.closes(CloseReason::Schema), 1);
    server.shutdown().await;
}
