//! Wire test vectors shared with the browser client: `tests/vectors/*.json` at the workspace root.
//!
//! Each file is `{"name", "note", "value", "hex"}`. The name's prefix says how to read it:
//! `client_*` and `server_*` are whole messages (`value` is the message as serde JSON), `delta_*`
//! are delta bodies (`value` is `{"baseline", "previous", "delta", "result"}`: reading the bytes
//! against the baseline and previous worlds gives the delta, and applying it gives the result). The files are checked here on every run and rewritten only
//! when `TICKWIRE_WRITE_VECTORS=1`.

use std::path::PathBuf;

use serde_json::{Value, json};
use tickwire_protocol::*;

struct Case {
    name: &'static str,
    note: &'static str,
    value: Value,
    bytes: Vec<u8>,
}

fn client(name: &'static str, note: &'static str, msg: ClientMsg) -> Case {
    let mut bytes = Vec::new();
    codec::encode_client(&msg, &mut bytes).expect("encode");
    assert_eq!(codec::decode_client(&bytes).expect("decode"), msg);
    Case {
        name,
        note,
        value: serde_json::to_value(&msg).expect("json"),
        bytes,
    }
}

fn server(name: &'static str, note: &'static str, msg: ServerMsg) -> Case {
    let mut bytes = Vec::new();
    codec::encode_server(&msg, &mut bytes).expect("encode");
    assert_eq!(codec::decode_server(&bytes).expect("decode"), msg);
    Case {
        name,
        note,
        value: serde_json::to_value(&msg).expect("json"),
        bytes,
    }
}

fn delta(
    name: &'static str,
    note: &'static str,
    base: Option<&WorldState>,
    previous: Option<&WorldState>,
    cur: &WorldState,
) -> Case {
    let d = Delta::encode(base, cur);
    let worlds = Baselines {
        baseline: base,
        previous,
    };
    let bytes = d.to_bytes(worlds);
    assert_eq!(Delta::read(&bytes, worlds).expect("read"), d);
    assert_eq!(&d.apply(base).expect("apply"), cur);
    Case {
        name,
        note,
        value: json!({"baseline": base, "previous": previous, "delta": d, "result": cur}),
        bytes,
    }
}

/// A world of `n` props on a grid, each moved `step` units (1/16) per tick along its own
/// direction since tick 0.
fn walkers(n: u32, tick: u32) -> WorldState {
    WorldState {
        tick: Tick(tick),
        entities: (0..n)
            .map(|i| {
                let (vx, vy) = ((i % 7) as i32 - 3, (i % 5) as i32 - 2);
                EntityState {
                    id: EntityId(i + 1),
                    kind: EntityKind::Prop,
                    x: (i as i32 % 20) * 800 + vx * 12 * tick as i32,
                    y: (i as i32 / 20) * 800 + vy * 12 * tick as i32,
                    angle: (i * 37) as u8,
                    hp: 100,
                }
            })
            .collect(),
    }
}

fn e(id: u32, kind: EntityKind, x: i32, y: i32, angle: u8, hp: u8) -> EntityState {
    EntityState {
        id: EntityId(id),
        kind,
        x,
        y,
        angle,
        hp,
    }
}

fn cases() -> Vec<Case> {
    use EntityKind::*;
    let w0 = WorldState {
        tick: Tick(600),
        entities: vec![
            e(1, Player, 16_000, 8_000, 0, 100),
            e(2, Bot, 4_000, 20_000, 192, 100),
            e(5, Projectile, 100, 200, 64, 1),
        ],
    };
    let w1 = WorldState {
        tick: Tick(602),
        entities: vec![
            e(1, Player, 16_037, 7_990, 3, 100),
            e(2, Bot, 4_000, 20_000, 192, 80),
            e(300, Projectile, -16, 5, 255, 1),
        ],
    };
    let wrap_base = WorldState {
        tick: Tick(u32::MAX - 1),
        entities: vec![e(u32::MAX, Prop, i32::MAX, i32::MIN, 255, 0)],
    };
    let wrap_cur = WorldState {
        tick: Tick(1),
        entities: vec![e(u32::MAX, Prop, i32::MIN, i32::MAX, 0, 255)],
    };
    let snapshot_body = Delta::encode(Some(&w0), &w1).to_bytes(Baselines {
        baseline: Some(&w0),
        previous: None,
    });
    let mut sparse = walkers(300, 11);
    for (i, e) in sparse.entities.iter_mut().enumerate() {
        if i % 10 != 3 {
            *e = walkers(300, 10).entities[i];
        }
    }
    vec![
        client(
            "client_hello",
            "First message of a session; variant 0 and the version first in every protocol version.",
            ClientMsg::Hello(Hello {
                protocol_version: PROTOCOL_VERSION,
                name: "Zoë".into(),
                resume: None,
            }),
        ),
        client(
            "client_hello_resume",
            "A Hello that takes a seat back: resume is Some (tag 1) and a string, last.",
            ClientMsg::Hello(Hello {
                protocol_version: PROTOCOL_VERSION,
                name: "Zoë".into(),
                resume: Some("7-00112233445566778899aabbccddeeff".into()),
            }),
        ),
        client(
            "client_input",
            "One input: seq varint, three f32 little endian, fire as one byte, view_tick varint.",
            ClientMsg::Input(Input {
                seq: 300,
                move_x: 1.0,
                move_y: -1.0,
                aim: -2.5,
                fire: true,
                view_tick: 0,
            }),
        ),
        client(
            "client_ping",
            "A ping with a nonce over 65535 (u32 varint form).",
            ClientMsg::Ping(Ping { nonce: 70_000 }),
        ),
        client(
            "client_subscribe",
            "Subscribe to the leaderboard: variant 3, then one bool.",
            ClientMsg::Subscribe(Subscribe { leaderboard: true }),
        ),
        server(
            "server_welcome",
            "Welcome with a small map.",
            ServerMsg::Welcome(Welcome {
                protocol_version: PROTOCOL_VERSION,
                client_id: ClientId(3),
                entity_id: EntityId(42),
                tick_rate: 60,
                snapshot_rate: 30,
                tick: Tick(1_000_000),
                map: MapInfo {
                    name: "tiny".into(),
                    width: 640.0,
                    height: 480.5,
                    walls: vec![
                        WallInfo {
                            x: 0.0,
                            y: 0.0,
                            w: 640.0,
                            h: 16.0,
                        },
                        WallInfo {
                            x: 100.25,
                            y: 200.0,
                            w: 50.0,
                            h: 50.0,
                        },
                    ],
                },
                room: 12,
                resume_token: "7-00112233445566778899aabbccddeeff".into(),
                spectator: false,
            }),
        ),
        server(
            "server_welcome_spectator",
            "Welcome of a spectator: entity 0, no resume token, spectator true (one byte 1).",
            ServerMsg::Welcome(Welcome {
                protocol_version: PROTOCOL_VERSION,
                client_id: ClientId(9),
                entity_id: EntityId(0),
                tick_rate: 60,
                snapshot_rate: 30,
                tick: Tick(500),
                map: MapInfo {
                    name: "tiny".into(),
                    width: 640.0,
                    height: 480.5,
                    walls: Vec::new(),
                },
                room: 4,
                resume_token: String::new(),
                spectator: true,
            }),
        ),
        server(
            "server_snapshot",
            "A snapshot message: ack, repeats (varints), pace (one signed byte), earlier repeats (a list of u16 varints; 65535 = dropped), then the delta body of delta_changes as bytes.",
            ServerMsg::Snapshot(SnapshotMsg {
                ack: 1234,
                repeats: 2,
                pace: -3,
                earlier: vec![0, 1, tickwire_protocol::DROPPED],
                body: DeltaBody(snapshot_body),
            }),
        ),
        server(
            "server_pong",
            "Pong echoing the nonce, with the server tick.",
            ServerMsg::Pong(Pong {
                nonce: 7,
                tick: Tick(99),
            }),
        ),
        server(
            "server_scoreboard",
            "Two scoreboard lines.",
            ServerMsg::Scoreboard(vec![
                ScoreEntry {
                    entity: EntityId(1),
                    name: "ada".into(),
                    kills: 2,
                    deaths: 0,
                    bot: false,
                },
                ScoreEntry {
                    entity: EntityId(2),
                    name: "bot-1".into(),
                    kills: 0,
                    deaths: 2,
                    bot: true,
                },
            ]),
        ),
        server(
            "server_event_kill",
            "Kill feed event.",
            ServerMsg::Event(GameEventMsg::Kill {
                killer: EntityId(1),
                victim: EntityId(2),
            }),
        ),
        server(
            "server_kick",
            "Kick before a close with code 4001.",
            ServerMsg::Kick(Kick {
                code: close::VERSION_MISMATCH,
                reason: "protocol version 9 is not supported; this server speaks 1".into(),
            }),
        ),
        server(
            "server_notice",
            "A notice to show the player: text, then an optional u16 (1 then the value; 0 for none).",
            ServerMsg::Notice(Notice {
                text: "The server is restarting; this match ends in 30 s".into(),
                seconds_left: Some(30),
            }),
        ),
        server(
            "server_leaderboard",
            "The top of the leaderboard: rank u16, name, rating as a zigzag i32 (negative here), \
             kills, deaths, matches, best kills.",
            ServerMsg::Leaderboard(vec![
                LeaderboardEntry {
                    rank: 1,
                    name: "ada".into(),
                    rating: 300,
                    kills: 400,
                    deaths: 100,
                    matches: 12,
                    best_kills: 41,
                },
                LeaderboardEntry {
                    rank: 2,
                    name: "Zoë".into(),
                    rating: -3,
                    kills: 2,
                    deaths: 5,
                    matches: 1,
                    best_kills: 2,
                },
            ]),
        ),
        server(
            "server_match_end",
            "A match's result: room, game, map, start and end in unix ms (u64 varints), then the \
             lines (name, kills, deaths, bot).",
            ServerMsg::MatchEnd(MatchEnd {
                room: 3,
                game: "arena".into(),
                map: "arena".into(),
                started_ms: 1_764_000_000_000,
                ended_ms: 1_764_000_300_000,
                scores: vec![
                    MatchScore {
                        name: "ada".into(),
                        kills: 7,
                        deaths: 1,
                        bot: false,
                    },
                    MatchScore {
                        name: "bot-1".into(),
                        kills: 1,
                        deaths: 7,
                        bot: true,
                    },
                ],
            }),
        ),
        delta(
            "delta_full",
            "A full snapshot (no baseline): every entity created.",
            None,
            None,
            &w0,
        ),
        delta(
            "delta_changes",
            "Against a baseline: one moved and turned, one lost hp, one removed, one created.",
            Some(&w0),
            None,
            &w1,
        ),
        delta(
            "delta_unchanged",
            "Nothing changed: only the header.",
            Some(&w1),
            None,
            &WorldState {
                tick: Tick(604),
                entities: w1.entities.clone(),
            },
        ),
        delta(
            "delta_wrap",
            "Tick, id and coordinate wrap-around: deltas use wrapping arithmetic.",
            Some(&wrap_base),
            None,
            &wrap_cur,
        ),
        delta(
            "delta_predicted",
            "300 props moving steadily, against a baseline and the world before it: motion is predicted, residuals are zero.",
            Some(&walkers(300, 10)),
            Some(&walkers(300, 9)),
            &walkers(300, 11),
        ),
        delta(
            "delta_sparse",
            "A tenth of 300 props moved: the changed subset is a gap list; one value escapes its block.",
            Some(&walkers(300, 10)),
            Some(&walkers(300, 9)),
            &{
                let mut w = sparse.clone();
                w.entities[3].x += 100_000;
                w
            },
        ),
        delta(
            "delta_full_large",
            "A full snapshot of 300 props.",
            None,
            None,
            &walkers(300, 3),
        ),
    ]
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn vectors_match_the_files() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors");
    let write = std::env::var("TICKWIRE_WRITE_VECTORS").is_ok_and(|v| v == "1");
    if write {
        std::fs::create_dir_all(&dir).expect("create tests/vectors");
    }
    for case in cases() {
        let file = json!({
            "name": case.name,
            "note": case.note,
            "value": case.value,
            "hex": hex(&case.bytes),
        });
        let path = dir.join(format!("{}.json", case.name));
        let text = serde_json::to_string_pretty(&file).expect("json") + "\n";
        if write {
            std::fs::write(&path, text).expect("write vector");
            continue;
        }
        let on_disk = std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "{}: {e}; run with TICKWIRE_WRITE_VECTORS=1 to create it",
                path.display()
            )
        });
        // Compared as text: the file is written canonically, and text avoids any float parsing.
        assert!(
            on_disk == text,
            "{} differs from what the code produces; if the change is intended, rerun with TICKWIRE_WRITE_VECTORS=1",
            case.name
        );
    }
}
