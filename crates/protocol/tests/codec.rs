//! Round trips of every message through the pinned codec, and rejection of bad bytes.

use tickwire_protocol::codec::{self, MAX_CLIENT_MSG};
use tickwire_protocol::*;

/// The arena's shape of schema: kinds `player`, `bot`, `projectile`, each with `pos`, `angle`
/// and `hp`.
fn sample_schema() -> Schema {
    let fields = || {
        vec![
            FieldDesc::new("pos", WireType::Vec2 { step: 1.0 / 16.0 }).moving(),
            FieldDesc::new("angle", WireType::Angle { bits: 8 }).interpolated(),
            FieldDesc::new("hp", WireType::Int { min: 0, max: 255 }),
        ]
    };
    Schema::new(SchemaDesc {
        game: "arena".into(),
        version: 1,
        kinds: ["player", "bot", "projectile"]
            .into_iter()
            .map(|k| KindDesc::new(k, fields()).positioned_by("pos"))
            .collect(),
        input: InputDesc {
            fields: vec![
                FieldDesc::new("move_x", WireType::Int { min: -1, max: 1 }),
                FieldDesc::new("fire", WireType::Bool),
            ],
            intent: vec![Intent::Always, Intent::Always],
        },
        events: vec![KindDesc::new(
            "kill",
            vec![FieldDesc::new(
                "victim",
                WireType::Int {
                    min: 0,
                    max: i32::MAX,
                },
            )],
        )],
        scores: vec![ScoreColumn::new("kills", 1), ScoreColumn::new("deaths", -1)],
    })
    .expect("valid")
}

const PLAYER: KindId = KindId(0);
const BOT: KindId = KindId(1);
const PROJECTILE: KindId = KindId(2);

fn world(tick: u32, entities: &[(u32, KindId, i32, i32, i32)]) -> World {
    let mut w = World::new(Tick(tick));
    for &(id, kind, x, angle, hp) in entities {
        w.push(EntityId(id), kind).values(&[x, -5, angle, hp]);
    }
    w
}

fn sample_worlds() -> (World, World, World) {
    let previous = world(996, &[(3, BOT, 0, 200, 100), (4, PLAYER, 10, 200, 100)]);
    let baseline = world(
        998,
        &[
            (3, BOT, 0, 200, 100),
            (4, PLAYER, 40, 200, 100),
            (9, PROJECTILE, 7, 200, 100),
        ],
    );
    let current = world(
        1000,
        &[(4, PLAYER, 73, 197, 80), (12, PROJECTILE, 16_000, 200, 100)],
    );
    (previous, baseline, current)
}

fn sample_delta() -> Vec<u8> {
    let (previous, baseline, current) = sample_worlds();
    let mut bytes = Vec::new();
    write_delta(
        &sample_schema(),
        Baselines {
            baseline: Some(&baseline),
            previous: Some(&previous),
        },
        &current,
        &mut bytes,
    );
    bytes
}

fn read(bytes: &[u8], worlds: Baselines<'_>) -> Result<World, CodecError> {
    let mut out = World::default();
    apply_delta(&sample_schema(), bytes, worlds, &mut out).map(|_| out)
}

fn client_messages() -> Vec<ClientMsg> {
    vec![
        ClientMsg::Hello(Hello {
            protocol_version: PROTOCOL_VERSION,
            name: "Ada ✓".into(),
            resume: None,
            schema: None,
        }),
        ClientMsg::Hello(Hello {
            protocol_version: PROTOCOL_VERSION,
            name: "Ada".into(),
            resume: Some("3-00112233445566778899aabbccddeeff".into()),
            schema: Some(sample_schema().hash()),
        }),
        ClientMsg::Input(Input {
            seq: 77,
            view_tick: 123_456,
            data: vec![0b110],
        }),
        ClientMsg::Input(Input {
            seq: 78,
            view_tick: 0,
            data: vec![7; MAX_RECORD_BYTES],
        }),
        ClientMsg::Ping(Ping::new(0xDEAD_BEEF)),
    ]
}

fn server_messages() -> Vec<ServerMsg> {
    vec![
        ServerMsg::Welcome(Box::new(Welcome {
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
                features: vec![1, 2, 3],
            },
            room: 7,
            resume_token: "1-0123456789abcdef0123456789abcdef".into(),
            spectator: false,
            schema: sample_schema(),
        })),
        ServerMsg::Snapshot(SnapshotMsg {
            ack: 300,
            repeats: 3,
            pace: -2,
            earlier: vec![0, 2, tickwire_protocol::DROPPED],
            schema: Some(sample_schema().hash()),
            body: DeltaBody(sample_delta()),
        }),
        ServerMsg::Pong(Pong {
            nonce: 9,
            tick: Tick(70_000),
        }),
        ServerMsg::Scoreboard(vec![ScoreEntry {
            entity: EntityId(1),
            name: "bot-1".into(),
            bot: true,
            columns: vec![3, 1],
        }]),
        ServerMsg::Event(GameEventMsg {
            kind: 0,
            data: vec![2, 0],
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
    let (previous, baseline, current) = sample_worlds();
    let worlds = Baselines {
        baseline: Some(&baseline),
        previous: Some(&previous),
    };
    assert_eq!(read(&sample_delta(), worlds).expect("decode"), current);
    let mut full = Vec::new();
    write_delta(&sample_schema(), Baselines::default(), &current, &mut full);
    assert_eq!(read(&full, Baselines::default()).expect("decode"), current);
}

#[test]
fn a_body_against_a_world_not_held_is_refused() {
    let (_, baseline, _) = sample_worlds();
    let bytes = sample_delta();
    assert!(matches!(
        read(&bytes, Baselines::default()),
        Err(CodecError::Baseline {
            expected: 998,
            held: None
        })
    ));
    // The right baseline but not the previous world the encoder predicted from.
    let worlds = Baselines {
        baseline: Some(&baseline),
        previous: None,
    };
    match read(&bytes, worlds) {
        Ok(_) | Err(CodecError::Baseline { .. }) => {}
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn shared_snapshot_prefix_matches_serde_encoding() {
    let body = sample_delta();
    let schema = Some(sample_schema().hash());
    for (seq, repeats, pace) in [
        (0, 0, 0),
        (1, 1, -5),
        (250, 250, 5),
        (251, 251, i8::MIN),
        (65_535, u16::MAX, i8::MAX),
        (65_536, 7, -1),
        (u32::MAX, 0, 0),
    ] {
        let mut ack = tickwire_protocol::InputAck {
            seq,
            repeats,
            pace,
            ..Default::default()
        };
        if seq % 2 == 1 {
            ack.earlier[..3].copy_from_slice(&[1, 0, tickwire_protocol::DROPPED]);
            ack.earlier_len = 3;
        }
        let mut fast = Vec::new();
        codec::write_snapshot(ack, schema, &body, &mut fast);
        let mut slow = Vec::new();
        let msg = ServerMsg::Snapshot(SnapshotMsg {
            ack: seq,
            repeats,
            pace,
            earlier: ack.earlier().to_vec(),
            schema,
            body: DeltaBody(body.clone()),
        });
        codec::encode_server(&msg, &mut slow).expect("encode");
        assert_eq!(fast, slow, "ack {ack:?}");
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
    let (previous, baseline, _) = sample_worlds();
    let worlds = Baselines {
        baseline: Some(&baseline),
        previous: Some(&previous),
    };
    let body = sample_delta();
    for n in 0..body.len() {
        assert!(read(&body[..n], worlds).is_err(), "delta cut at {n}");
    }
}

#[test]
fn trailing_bytes_are_rejected() {
    let mut bytes = Vec::new();
    codec::encode_client(&ClientMsg::Ping(Ping::new(1)), &mut bytes).expect("encode");
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
        view_tick: 0,
        data: vec![0; MAX_RECORD_BYTES + 1],
    };
    codec::encode_client(&ClientMsg::Input(input), &mut bytes).expect("encode");
    assert!(
        codec::decode_client(&bytes).is_err(),
        "a record over its limit"
    );

    bytes.clear();
    let hello = Hello {
        protocol_version: PROTOCOL_VERSION,
        name: "x".repeat(25),
        resume: None,
        schema: None,
    };
    codec::encode_client(&ClientMsg::Hello(hello), &mut bytes).expect("encode");
    assert!(codec::decode_client(&bytes).is_err());

    bytes.clear();
    let hello = Hello {
        protocol_version: PROTOCOL_VERSION,
        name: "x".into(),
        resume: Some("f".repeat(65)),
        schema: None,
    };
    codec::encode_client(&ClientMsg::Hello(hello), &mut bytes).expect("encode");
    assert!(matches!(
        codec::decode_client(&bytes),
        Err(CodecError::Invalid(_))
    ));

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
    // A delta claiming 60,000 created entities in a few bytes: tick 5 (width 3), no baseline,
    // then a count of 60,000.
    let mut body = Vec::new();
    let mut w = Vec::new();
    // Bits, least significant first: width 3, value 5, no baseline, width 16, 60,000.
    for (v, n) in [(3u32, 6u32), (5, 3), (0, 1), (16, 6), (60_000, 16)] {
        for i in 0..n {
            w.push((v >> i) & 1);
        }
    }
    for chunk in w.chunks(8) {
        body.push(
            chunk
                .iter()
                .enumerate()
                .fold(0u8, |b, (i, &bit)| b | (bit as u8) << i),
        );
    }
    assert!(read(&body, Baselines::default()).is_err());
}

#[test]
fn hello_keeps_its_shape_across_versions() {
    // Variant 0, then the version: the rule that lets a server refuse any other version clearly.
    let mut bytes = Vec::new();
    let hello = Hello {
        protocol_version: 7,
        name: "a".into(),
        resume: None,
        schema: None,
    };
    codec::encode_client(&ClientMsg::Hello(hello), &mut bytes).expect("encode");
    assert_eq!(&bytes[..2], &[0, 7]);
}

#[test]
fn trailing_bytes_after_a_body_are_rejected() {
    let mut bytes = Vec::new();
    write_delta(
        &sample_schema(),
        Baselines::default(),
        &sample_worlds().2,
        &mut bytes,
    );
    bytes.push(0);
    assert!(read(&bytes, Baselines::default()).is_err());
}

#[test]
fn notices_round_trip_and_too_long_a_text_is_refused() {
    let notice = ServerMsg::Notice(Notice::new("restarting", Some(30)));
    let mut bytes = Vec::new();
    codec::encode_server(&notice, &mut bytes).expect("encode");
    assert_eq!(bytes[0], 6, "Notice is variant 6");
    assert_eq!(codec::decode_server(&bytes).expect("decode"), notice);
    // `Notice::new` cuts the text to the limit; a longer one on the wire is refused.
    let long = "é".repeat(MAX_NOTICE_CHARS + 5);
    let cut = Notice::new(&long, None);
    assert_eq!(cut.text.chars().count(), MAX_NOTICE_CHARS);
    let too_long = ServerMsg::Notice(Notice {
        text: long,
        seconds_left: None,
    });
    let mut bytes = Vec::new();
    codec::encode_server(&too_long, &mut bytes).expect("encode");
    assert!(matches!(
        codec::decode_server(&bytes),
        Err(CodecError::Invalid(_))
    ));
}

#[test]
fn subscribe_leaderboard_and_match_end_keep_their_variants_and_limits() {
    let mut bytes = Vec::new();
    codec::encode_client(
        &ClientMsg::Subscribe(Subscribe { leaderboard: true }),
        &mut bytes,
    )
    .expect("encode");
    assert_eq!(bytes, [3, 1], "Subscribe is variant 3");

    let row = |rank: u16| LeaderboardEntry {
        rank,
        name: "ada".into(),
        rating: -1,
        matches: 1,
        best: 1,
        totals: vec![1, 2],
    };
    let board = ServerMsg::Leaderboard((1..=MAX_LEADERBOARD_ROWS as u16).map(row).collect());
    let mut bytes = Vec::new();
    codec::encode_server(&board, &mut bytes).expect("encode");
    assert_eq!(bytes[0], 7, "Leaderboard is variant 7");
    assert_eq!(codec::decode_server(&bytes).expect("decode"), board);
    let over = ServerMsg::Leaderboard((0..=MAX_LEADERBOARD_ROWS as u16).map(row).collect());
    let mut bytes = Vec::new();
    codec::encode_server(&over, &mut bytes).expect("encode");
    assert!(matches!(
        codec::decode_server(&bytes),
        Err(CodecError::Invalid(_))
    ));

    let end = |game: &str| {
        ServerMsg::MatchEnd(MatchEnd {
            room: 1,
            game: game.into(),
            map: "arena".into(),
            started_ms: 1,
            ended_ms: 2,
            scores: vec![MatchScore {
                name: "ada".into(),
                bot: false,
                columns: vec![1, 0],
                rating: 1,
            }],
        })
    };
    let mut bytes = Vec::new();
    codec::encode_server(&end("arena"), &mut bytes).expect("encode");
    assert_eq!(bytes[0], 8, "MatchEnd is variant 8");
    assert_eq!(codec::decode_server(&bytes).expect("decode"), end("arena"));
    let mut bytes = Vec::new();
    codec::encode_server(&end(&"g".repeat(MAX_LABEL_CHARS + 1)), &mut bytes).expect("encode");
    assert!(matches!(
        codec::decode_server(&bytes),
        Err(CodecError::Invalid(_))
    ));
    // A forged line count far past the bytes given fails without allocating for it.
    let forged = [8, 1, 1, b'g', 1, b'm', 1, 2, 253, 0, 0, 0, 0, 0, 0, 0, 1];
    assert!(codec::decode_server(&forged).is_err());
}

#[test]
fn lists_over_their_limits_are_refused_before_they_are_read() {
    // An event whose record announces a length of 2^32 in a few bytes: variant 4, kind 0, then
    // the length (253 = u64), and nothing.
    let forged = [4, 0, 253, 0, 0, 0, 0, 1, 0, 0, 0];
    let e = codec::decode_server(&forged).expect_err("over the limit");
    assert!(e.to_string().contains("a record over 1024"), "{e}");
    // Seventeen score columns, each a byte.
    let mut line = vec![3, 1, 1, 1, b'a', 0, 17];
    line.extend([0; 17]);
    let e = codec::decode_server(&line).expect_err("over the limit");
    assert!(e.to_string().contains("score columns over 16"), "{e}");
    // Features of 64 KiB and one byte.
    let welcome = |features: Vec<u8>| {
        let mut w = match &server_messages()[0] {
            ServerMsg::Welcome(w) => (**w).clone(),
            _ => unreachable!("the first sample is a welcome"),
        };
        w.map.features = features;
        let mut bytes = Vec::new();
        codec::encode_server(&ServerMsg::Welcome(Box::new(w)), &mut bytes).expect("encode");
        bytes
    };
    assert!(codec::decode_server(&welcome(vec![0; MAX_FEATURE_BYTES])).is_ok());
    assert!(codec::decode_server(&welcome(vec![0; MAX_FEATURE_BYTES + 1])).is_err());
}
