//! Round trips of every message through the pinned codec, and rejection of bad bytes.

use tickwire_protocol::codec::{self, MAX_CLIENT_MSG};
use tickwire_protocol::*;

fn sample_delta() -> Delta {
    Delta {
        tick: Tick(1000),
        baseline: Some(Tick(998)),
        removed: vec![EntityId(3), EntityId(9)],
        created: vec![EntityState {
            id: EntityId(12),
            kind: EntityKind::Projectile,
            x: 16_000,
            y: -5,
            angle: 200,
            hp: 1,
        }],
        changed: vec![EntityChange {
            id: EntityId(4),
            dx: 33,
            dy: -1,
            dangle: -3,
            hp: Some(80),
        }],
    }
}

fn client_messages() -> Vec<ClientMsg> {
    vec![
        ClientMsg::Hello(Hello {
            protocol_version: PROTOCOL_VERSION,
            name: "Ada ✓".into(),
        }),
        ClientMsg::Input(Input {
            seq: 77,
            move_x: -1.0,
            move_y: 0.0,
            aim: 1.25,
            fire: true,
        }),
        ClientMsg::Ping(Ping { nonce: 0xDEAD_BEEF }),
    ]
}

fn server_messages() -> Vec<ServerMsg> {
    vec![
        ServerMsg::Welcome(Welcome {
            protocol_version: PROTOCOL_VERSION,
            client_id: ClientId(5),
            entity_id: EntityId(17),
            tick_rate: 60,
            snapshot_rate: 30,
            tick: Tick(123_456),
            map: MapInfo {
                name: "arena".into(),
                width: 2000.0,
                height: 1400.0,
                walls: vec![WallInfo {
                    x: 10.0,
                    y: 20.5,
                    w: 100.0,
                    h: 30.0,
                }],
            },
        }),
        ServerMsg::Snapshot(SnapshotMsg {
            ack: 300,
            body: DeltaBody(sample_delta().to_bytes()),
        }),
        ServerMsg::Pong(Pong {
            nonce: 9,
            tick: Tick(70_000),
        }),
        ServerMsg::Scoreboard(vec![ScoreEntry {
            entity: EntityId(1),
            name: "bot-1".into(),
            kills: 3,
            deaths: 1,
            bot: true,
        }]),
        ServerMsg::Event(GameEventMsg::Kill {
            killer: EntityId(1),
            victim: EntityId(2),
        }),
        ServerMsg::Kick(Kick {
            code: close::VERSION_MISMATCH,
            reason: "server speaks protocol 1".into(),
        }),
    ]
}

#[test]
fn every_client_message_round_trips() {
    for msg in client_messages() {
        let mut bytes = Vec::new();
        codec::encode_client(&msg, &mut bytes).expect("encode");
        assert!(bytes.len() <= MAX_CLIENT_MSG);
        assert_eq!(codec::decode_client(&bytes).expect("decode"), msg);
    }
}

#[test]
fn every_server_message_round_trips() {
    for msg in server_messages() {
        let mut bytes = Vec::new();
        codec::encode_server(&msg, &mut bytes).expect("encode");
        assert_eq!(codec::decode_server(&bytes).expect("decode"), msg);
    }
}

#[test]
fn delta_body_round_trips() {
    let d = sample_delta();
    assert_eq!(Delta::read(&d.to_bytes()).expect("decode"), d);
    let full = Delta {
        baseline: None,
        ..sample_delta()
    };
    assert_eq!(Delta::read(&full.to_bytes()).expect("decode"), full);
}

#[test]
fn shared_snapshot_prefix_matches_serde_encoding() {
    let body = sample_delta().to_bytes();
    for ack in [0, 1, 250, 251, 65_535, 65_536, u32::MAX] {
        let mut fast = Vec::new();
        codec::write_snapshot(ack, &body, &mut fast);
        let mut slow = Vec::new();
        let msg = ServerMsg::Snapshot(SnapshotMsg {
            ack,
            body: DeltaBody(body.clone()),
        });
        codec::encode_server(&msg, &mut slow).expect("encode");
        assert_eq!(fast, slow, "ack {ack}");
    }
}

#[test]
fn every_truncation_is_an_error() {
    for msg in client_messages() {
        let mut bytes = Vec::new();
        codec::encode_client(&msg, &mut bytes).expect("encode");
        for n in 0..bytes.len() {
            assert!(
                codec::decode_client(&bytes[..n]).is_err(),
                "{msg:?} cut at {n}"
            );
        }
    }
    for msg in server_messages() {
        let mut bytes = Vec::new();
        codec::encode_server(&msg, &mut bytes).expect("encode");
        for n in 0..bytes.len() {
            assert!(
                codec::decode_server(&bytes[..n]).is_err(),
                "{msg:?} cut at {n}"
            );
        }
    }
    let body = sample_delta().to_bytes();
    for n in 0..body.len() {
        assert!(Delta::read(&body[..n]).is_err(), "delta cut at {n}");
    }
}

#[test]
fn trailing_bytes_are_rejected() {
    let mut bytes = Vec::new();
    codec::encode_client(&ClientMsg::Ping(Ping { nonce: 1 }), &mut bytes).expect("encode");
    bytes.push(0);
    assert!(matches!(
        codec::decode_client(&bytes),
        Err(CodecError::TrailingBytes(1))
    ));
}

#[test]
fn bad_values_are_rejected() {
    let mut bytes = Vec::new();
    let input = Input {
        seq: 1,
        move_x: f32::NAN,
        ..Input::default()
    };
    codec::encode_client(&ClientMsg::Input(input), &mut bytes).expect("encode");
    assert!(matches!(
        codec::decode_client(&bytes),
        Err(CodecError::Invalid(_))
    ));

    bytes.clear();
    let hello = Hello {
        protocol_version: PROTOCOL_VERSION,
        name: "x".repeat(25),
    };
    codec::encode_client(&ClientMsg::Hello(hello), &mut bytes).expect("encode");
    assert!(codec::decode_client(&bytes).is_err());

    let oversized = vec![0u8; MAX_CLIENT_MSG + 1];
    assert!(matches!(
        codec::decode_client(&oversized),
        Err(CodecError::TooLarge { .. })
    ));
}

#[test]
fn a_forged_length_does_not_allocate() {
    // Hello with a name length of u64::MAX: must fail on the limit, not try to allocate.
    let bytes = [0u8, 1, 253, 255, 255, 255, 255, 255, 255, 255, 255];
    assert!(codec::decode_client(&bytes).is_err());
    // A delta claiming 60,000 created entities in a few bytes.
    let mut body = vec![10u8, 0, 0, 251];
    body.extend_from_slice(&60_000u16.to_le_bytes());
    assert!(Delta::read(&body).is_err());
}

#[test]
fn hello_keeps_its_shape_across_versions() {
    // Variant 0, then the version: the rule that lets a server refuse any other version clearly.
    let mut bytes = Vec::new();
    let hello = Hello {
        protocol_version: 7,
        name: "a".into(),
    };
    codec::encode_client(&ClientMsg::Hello(hello), &mut bytes).expect("encode");
    assert_eq!(&bytes[..2], &[0, 7]);
}

#[test]
fn non_canonical_deltas_are_rejected() {
    // A change whose mask is empty.
    let body = [5u8, 0, 0, 0, 1, 3, 0];
    assert!(Delta::read(&body).is_err());
    // A change whose mask says x but whose dx is zero.
    let body = [5u8, 0, 0, 0, 1, 3, 1, 0];
    assert!(Delta::read(&body).is_err());
    // Two removals with a zero gap (a duplicate id).
    let body = [5u8, 0, 2, 4, 0, 0, 0];
    assert!(Delta::read(&body).is_err());
}
