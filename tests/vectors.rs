//! Wire test vectors shared with the browser client: `tests/vectors/*.json` at the workspace root.
//!
//! Each file is `{"name", "note", "value", "hex"}`. The name's prefix says how to read it:
//! `client_*` and `server_*` are whole messages (`value` is the message as serde JSON),
//! `replication_*` are delta bodies of a schema (`value` is `{"schema", "schema_hash",
//! "baseline", "previous", "result", "applied"}`, each world `{"tick", "entities": [{"id",
//! "kind", "slots", "texts"}]}`: applying the bytes to the baseline and previous worlds gives the
//! result, and writing the result against them gives the bytes). The files are checked here on
//! every run and rewritten only when `TICKWIRE_WRITE_VECTORS=1`.

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

/// A world as the vectors show it: per entity its id, kind, slots and texts.
fn world_json(w: &World) -> Value {
    let entities: Vec<Value> = (0..w.len())
        .map(|i| {
            let e = w.entities()[i];
            let slots = w.slots(i);
            let texts: Vec<&str> = (0..slots.len() as i32)
                .map(|k| w.text(i, k))
                .take_while(|t| !t.is_empty())
                .collect();
            json!({"id": e.id.0, "kind": e.kind.0, "slots": slots, "texts": texts})
        })
        .collect();
    json!({"tick": w.tick.0, "entities": entities})
}

/// A delta body of `schema`: writing `cur` against the worlds gives the bytes, and applying
/// them to the worlds gives `cur` back.
fn replication(
    name: &'static str,
    note: &'static str,
    schema: &Schema,
    base: Option<&World>,
    previous: Option<&World>,
    cur: &World,
) -> Case {
    let worlds = Baselines {
        baseline: base,
        previous,
    };
    let mut bytes = Vec::new();
    write_delta(schema, worlds, cur, &mut bytes);
    let mut back = World::default();
    let applied = apply_delta(schema, &bytes, worlds, &mut back).expect("apply");
    assert_eq!(&back, cur);
    Case {
        name,
        note,
        value: json!({
            "schema": schema.desc(),
            "schema_hash": format!("{:016x}", schema.hash().0),
            "baseline": base.map(world_json),
            "previous": previous.map(world_json),
            "result": world_json(cur),
            "applied": {"removed": applied.removed, "changed": applied.changed, "created": applied.created},
        }),
        bytes,
    }
}

/// The arena's schema (the kinds `player`, `bot`, `projectile`, each `pos`, `angle`, `hp`).
fn arena() -> Schema {
    (*tickwire_arena::arena_schema()).clone()
}

/// A schema with a field of every wire type (and a kind with no position), an input and an
/// event kind of every wire type (the input's intents: always, never, and while `sneak`), and
/// two score columns.
fn every() -> Schema {
    Schema::new(SchemaDesc {
        game: "every".into(),
        version: 3,
        kinds: vec![
            KindDesc::new(
                "thing",
                vec![
                    FieldDesc::new("pos", WireType::Vec2 { step: 0.0625 }).moving(),
                    FieldDesc::new("speed", WireType::Fixed { step: 0.5 }).moving(),
                    FieldDesc::new("facing", WireType::Angle { bits: 6 }).interpolated(),
                    FieldDesc::new("lives", WireType::Int { min: -3, max: 9 }),
                    FieldDesc::new("it", WireType::Bool),
                    FieldDesc::new(
                        "team",
                        WireType::Enum {
                            variants: vec!["red".into(), "blue".into(), "green".into()],
                        },
                    ),
                    FieldDesc::new("colour", WireType::Color),
                    FieldDesc::new("name", WireType::Text { max_bytes: 12 }),
                ],
            )
            .positioned_by("pos"),
            KindDesc::new(
                "team",
                vec![
                    FieldDesc::new("score", WireType::Int { min: 0, max: 1000 }),
                    FieldDesc::new("label", WireType::Text { max_bytes: 8 }),
                ],
            ),
        ],
        input: InputDesc {
            fields: every_fields(),
            intent: vec![
                Intent::Always,
                Intent::Never,
                Intent::When(4),
                Intent::Always,
                Intent::Always,
                Intent::When(4),
                Intent::Never,
                Intent::Always,
            ],
        },
        events: vec![
            KindDesc::new("everything", every_fields()),
            KindDesc::new("nothing", Vec::new()),
        ],
        scores: vec![ScoreColumn::new("points", 3), ScoreColumn::new("falls", -2)],
    })
    .expect("valid")
}

/// A field of every wire type, for the input and an event of [`every`].
fn every_fields() -> Vec<FieldDesc> {
    vec![
        FieldDesc::new("at", WireType::Vec2 { step: 0.25 }),
        FieldDesc::new("speed", WireType::Fixed { step: 0.5 }),
        FieldDesc::new("facing", WireType::Angle { bits: 12 }),
        FieldDesc::new("gear", WireType::Int { min: -2, max: 5 }),
        FieldDesc::new("sneak", WireType::Bool),
        FieldDesc::new(
            "team",
            WireType::Enum {
                variants: vec!["red".into(), "blue".into(), "green".into()],
            },
        ),
        FieldDesc::new("colour", WireType::Color),
        FieldDesc::new("say", WireType::Text { max_bytes: 6 }),
    ]
}

/// A record of [`every_fields`].
fn every_record() -> Record {
    Record::build(|w| {
        w.values(&[-6, 9, -3, 4000, -2, 1, 2, 0x123456]).text("añb");
    })
}

/// `record` written by `layout`, as a message carries it.
fn record_bytes(layout: &RecordLayout, record: &Record) -> Vec<u8> {
    let mut out = Vec::new();
    write_record(layout, record, &mut out);
    out
}

/// The arena's map features for a tiny map: two walls.
fn tiny_walls(arena: &Schema) -> Vec<u8> {
    let wall = arena.kind("wall").expect("the arena declares walls");
    let mut w = World::new(Tick(0));
    w.push(EntityId(1), wall).values(&[0, 0, 1280, 32]);
    w.push(EntityId(2), wall).values(&[201, 400, 100, 100]);
    let mut body = Vec::new();
    write_delta(arena, Baselines::default(), &w, &mut body);
    body
}

/// A world of [`every`]: two things and a team.
fn every_world(tick: u32, moved: i32, it: bool, name: &str) -> World {
    let mut w = World::new(Tick(tick));
    w.push(EntityId(3), KindId(0))
        .values(&[
            160 + moved * 8,
            -48 - moved * 4,
            20 + moved,
            5,
            2,
            i32::from(it),
            1,
            0x3366ff,
        ])
        .text(name);
    w.push(EntityId(8), KindId(1))
        .value(moved * 10)
        .text("reds");
    w.push(EntityId(9), KindId(0))
        .values(&[-5, 7, 0, 63, -3, 0, 2, 0xff0000])
        .text("Zoë");
    w
}

/// A world of `n` props (arena projectiles) on a grid, each moved 12/16 units per tick along
/// its own direction since tick 0.
fn walkers(n: u32, tick: u32) -> World {
    let mut w = World::new(Tick(tick));
    for i in 0..n {
        let (vx, vy) = ((i % 7) as i32 - 3, (i % 5) as i32 - 2);
        w.push(EntityId(i + 1), KindId(2)).values(&[
            (i as i32 % 20) * 800 + vx * 12 * tick as i32,
            (i as i32 / 20) * 800 + vy * 12 * tick as i32,
            (i * 37 % 256) as i32,
            100,
        ]);
    }
    w
}

/// A world of the arena's schema from (id, kind, x, y, angle, hp).
fn arena_world(tick: u32, entities: &[(u32, u16, i32, i32, i32, i32)]) -> World {
    let mut w = World::new(Tick(tick));
    for &(id, kind, x, y, angle, hp) in entities {
        w.push(EntityId(id), KindId(kind))
            .values(&[x, y, angle, hp]);
    }
    w
}

fn cases() -> Vec<Case> {
    let arena = arena();
    let w0 = arena_world(
        600,
        &[
            (1, 0, 16_000, 8_000, 0, 100),
            (2, 1, 4_000, 20_000, 192, 100),
            (5, 2, 100, 200, 64, 1),
        ],
    );
    let w1 = arena_world(
        602,
        &[
            (1, 0, 16_037, 7_990, 3, 100),
            (2, 1, 4_000, 20_000, 192, 80),
            (300, 2, -16, 5, 255, 1),
        ],
    );
    let wrap_base = arena_world(u32::MAX - 1, &[(u32::MAX, 2, i32::MAX, i32::MIN, 255, 0)]);
    let wrap_cur = arena_world(1, &[(u32::MAX, 2, i32::MIN, i32::MAX, 0, 255)]);
    let mut snapshot_body = Vec::new();
    write_delta(
        &arena,
        Baselines {
            baseline: Some(&w0),
            previous: None,
        },
        &w1,
        &mut snapshot_body,
    );
    let mut full_body = Vec::new();
    write_delta(&arena, Baselines::default(), &w0, &mut full_body);
    let (sparse_base, sparse_next) = (walkers(300, 10), walkers(300, 11));
    let mut sparse = World::new(Tick(11));
    for i in 0..300 {
        let from = if i % 10 == 3 {
            &sparse_next
        } else {
            &sparse_base
        };
        sparse.push_copy(from, i);
    }
    let mut escaped = World::new(Tick(11));
    for i in 0..300 {
        let mut slots = sparse.slots(i).to_vec();
        if i == 3 {
            slots[0] += 100_000;
        }
        escaped
            .push(sparse.entities()[i].id, sparse.entities()[i].kind)
            .values(&slots);
    }
    let mut unchanged = w1.clone();
    unchanged.tick = Tick(604);
    let every = every();
    let (e0, e1, e2) = (
        every_world(40, 0, false, "ada"),
        every_world(42, 1, true, "ada"),
        every_world(44, 2, false, "Ada Lovelace"),
    );
    vec![
        client(
            "client_hello",
            "First message of a session; variant 0 and the version first in every protocol version.",
            ClientMsg::Hello(Hello {
                protocol_version: PROTOCOL_VERSION,
                name: "Zoë".into(),
                resume: None,
                schema: None,
            }),
        ),
        client(
            "client_hello_resume",
            "A Hello that takes a seat back (resume is Some, tag 1, and a string) from a client built for one schema (schema is Some, tag 1, and the hash as a u64 varint), last.",
            ClientMsg::Hello(Hello {
                protocol_version: PROTOCOL_VERSION,
                name: "Zoë".into(),
                resume: Some("7-00112233445566778899aabbccddeeff".into()),
                schema: Some(arena.hash()),
            }),
        ),
        client(
            "client_input",
            "One arena input: seq varint, view_tick varint, then the record as bytes (a length varint, then the record of the arena's input: move_x 1 and move_y -1 as offsets from -1 in 2 bits each, aim -2.5 rad as 39460 of 65536 in 16 bits, fire 1 in 1 bit, zero padding).",
            ClientMsg::Input(Input {
                seq: 300,
                view_tick: 1_000_123,
                data: record_bytes(
                    arena.input(),
                    &Record::of(&tickwire_arena::ArenaInput {
                        move_x: 1,
                        move_y: -1,
                        aim: -2.5,
                        fire: true,
                    }),
                ),
            }),
        ),
        client(
            "client_input_every",
            "An input of the every schema (a field of every wire type), with no view tick.",
            ClientMsg::Input(Input {
                seq: 1,
                view_tick: 0,
                data: record_bytes(every.input(), &every_record()),
            }),
        ),
        client(
            "client_ping",
            "A ping with a nonce over 65535 (u32 varint form), and its pad: 256 zeros behind their length (a u32 varint of 3 bytes).",
            ClientMsg::Ping(Ping::new(70_000)),
        ),
        client(
            "client_subscribe",
            "Subscribe to the leaderboard: variant 3, then one bool.",
            ClientMsg::Subscribe(Subscribe { leaderboard: true }),
        ),
        server(
            "server_welcome",
            "Welcome with a small map (its features: a full delta body of two arena walls) and the arena's schema last (its SchemaDesc: game, version, kinds with their fields, each field's name, wire type (an enum), predict, interpolate, and the kind's position as an optional u8; then the input's fields and intents (Always 0, Never 1, When 2 and the field's index), the event kinds, and the score columns, each a name and a zigzag i32 weight).",
            ServerMsg::Welcome(Box::new(Welcome {
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
                    features: tiny_walls(&arena),
                },
                room: 12,
                resume_token: "7-00112233445566778899aabbccddeeff".into(),
                spectator: false,
                schema: arena.clone(),
            })),
        ),
        server(
            "server_welcome_spectator",
            "Welcome of a spectator: entity 0, no resume token, spectator true (one byte 1), a map without features, and a schema with every wire type (in its kinds, its input and an event kind).",
            ServerMsg::Welcome(Box::new(Welcome {
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
                    features: Vec::new(),
                },
                room: 4,
                resume_token: String::new(),
                spectator: true,
                schema: every.clone(),
            })),
        ),
        server(
            "server_welcome_tag",
            "Welcome of examples/tag (its schema: kind runner with pos, angle and the it flag, kind base with pos and half; the input move_x and move_y, the event it (runner, by), the score columns tagged and seconds_it), the one the tag page (web-client/tag/) names in its Hello.",
            ServerMsg::Welcome(Box::new(Welcome {
                protocol_version: PROTOCOL_VERSION,
                client_id: ClientId(1),
                entity_id: EntityId(2),
                tick_rate: 60,
                snapshot_rate: 30,
                tick: Tick(90),
                map: MapInfo {
                    name: "field".into(),
                    width: 1024.0,
                    height: 1024.0,
                    features: Vec::new(),
                },
                room: 1,
                resume_token: "1-00112233445566778899aabbccddeeff".into(),
                spectator: false,
                schema: (*tickwire_example_tag::tag_schema()).clone(),
            })),
        ),
        server(
            "server_welcome_flag",
            "Welcome of examples/flag (its schema, version 2: kinds runner with pos, team, color, label and carrying, flag with pos, team, carrier and home, team_score with team and captures and no position, base with pos, team and radius and no position; the input move_x and move_y; the events capture, tag, flag_return and flag_carrier; the score columns captures, tags, returns and tagged; the map's features: the two bases), the one the flag page (web-client/flag/) names in its Hello.",
            ServerMsg::Welcome(Box::new(Welcome {
                protocol_version: PROTOCOL_VERSION,
                client_id: ClientId(1),
                entity_id: EntityId(16),
                tick_rate: 60,
                snapshot_rate: 30,
                tick: Tick(90),
                map: MapInfo {
                    name: "flag-field".into(),
                    width: 1600.0,
                    height: 800.0,
                    features: tickwire_example_flag::views::map_features(),
                },
                room: 1,
                resume_token: String::new(),
                spectator: false,
                schema: (*tickwire_example_flag::flag_schema()).clone(),
            })),
        ),
        server(
            "server_snapshot",
            "A snapshot message: ack, repeats (varints), pace (one signed byte), earlier repeats (a list of u16 varints; 65535 = dropped), no schema hash (a delta is read in its baseline's schema: the Option's 0 byte), then the delta body of replication_arena_changes as bytes.",
            ServerMsg::Snapshot(SnapshotMsg {
                ack: 1234,
                repeats: 2,
                pace: -3,
                earlier: vec![0, 1, tickwire_protocol::DROPPED],
                schema: None,
                body: DeltaBody(snapshot_body),
            }),
        ),
        server(
            "server_snapshot_full",
            "A full snapshot (no baseline): the same fields, then Some (a 1 byte) and the schema's 64-bit hash (a u64 varint: 253 and 8 bytes), then the full body of the arena's world.",
            ServerMsg::Snapshot(SnapshotMsg {
                ack: 0,
                repeats: 0,
                pace: 0,
                earlier: vec![],
                schema: Some(arena.hash()),
                body: DeltaBody(full_body),
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
            "Two scoreboard lines of the arena: entity, name, bot, then the columns (kills, deaths) as a list of zigzag i32 varints.",
            ServerMsg::Scoreboard(vec![
                ScoreEntry {
                    entity: EntityId(1),
                    name: "ada".into(),
                    bot: false,
                    columns: vec![2, 0],
                },
                ScoreEntry {
                    entity: EntityId(2),
                    name: "bot-1".into(),
                    bot: true,
                    columns: vec![0, 2],
                },
            ]),
        ),
        server(
            "server_event_kill",
            "The arena's kill feed: event kind 0 (kill), then the record as bytes (killer 1 and victim 2, each an offset from 0 in 31 bits).",
            ServerMsg::Event(GameEventMsg {
                kind: 0,
                data: record_bytes(
                    arena.event_layout(0).expect("kill"),
                    &Record::of(&tickwire_arena::Kill {
                        killer: 1,
                        victim: 2,
                    }),
                ),
            }),
        ),
        server(
            "server_event_every",
            "An event of the every schema: kind 0 (everything), a field of every wire type; then kind 1 (nothing) would be an empty record.",
            ServerMsg::Event(GameEventMsg {
                kind: 0,
                data: record_bytes(every.event_layout(0).expect("everything"), &every_record()),
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
             matches, the best match's rating (zigzag i32), then the totals of the schema's columns \
             (the arena's kills and deaths) as a list of zigzag i32s.",
            ServerMsg::Leaderboard(vec![
                LeaderboardEntry {
                    rank: 1,
                    name: "ada".into(),
                    rating: 300,
                    matches: 12,
                    best: 41,
                    totals: vec![400, 100],
                },
                LeaderboardEntry {
                    rank: 2,
                    name: "Zoë".into(),
                    rating: -3,
                    matches: 1,
                    best: -1,
                    totals: vec![2, 5],
                },
            ]),
        ),
        server(
            "server_match_end",
            "A match's result: room, game, map, start and end in unix ms (u64 varints), then the \
             lines, best rating first (name, bot, the columns as a list of zigzag i32s, the rating \
             as a zigzag i32).",
            ServerMsg::MatchEnd(MatchEnd {
                room: 3,
                game: "arena".into(),
                map: "arena".into(),
                started_ms: 1_764_000_000_000,
                ended_ms: 1_764_000_300_000,
                scores: vec![
                    MatchScore {
                        name: "ada".into(),
                        bot: false,
                        columns: vec![7, 1],
                        rating: 6,
                    },
                    MatchScore {
                        name: "bot-1".into(),
                        bot: true,
                        columns: vec![1, 7],
                        rating: -6,
                    },
                ],
            }),
        ),
        replication(
            "replication_arena_full",
            "Arena schema, a full snapshot (no baseline): every entity created.",
            &arena,
            None,
            None,
            &w0,
        ),
        replication(
            "replication_arena_changes",
            "Arena schema against a baseline: one moved and turned, one lost hp, one removed, one created.",
            &arena,
            Some(&w0),
            None,
            &w1,
        ),
        replication(
            "replication_arena_unchanged",
            "Nothing changed: only the header.",
            &arena,
            Some(&w1),
            None,
            &unchanged,
        ),
        replication(
            "replication_arena_wrap",
            "Tick, id and coordinate wrap-around: residuals use wrapping arithmetic.",
            &arena,
            Some(&wrap_base),
            None,
            &wrap_cur,
        ),
        replication(
            "replication_arena_predicted",
            "300 entities moving steadily, against a baseline and the world before it: motion is predicted, residuals are zero.",
            &arena,
            Some(&walkers(300, 10)),
            Some(&walkers(300, 9)),
            &walkers(300, 11),
        ),
        replication(
            "replication_arena_sparse",
            "A tenth of 300 entities moved: the changed subset is a gap list; one value escapes its block.",
            &arena,
            Some(&walkers(300, 10)),
            Some(&walkers(300, 9)),
            &escaped,
        ),
        replication(
            "replication_arena_full_large",
            "A full snapshot of 300 entities.",
            &arena,
            None,
            None,
            &walkers(300, 3),
        ),
        replication(
            "replication_every_full",
            "A schema with every wire type, and a kind with no position: a full snapshot, texts included.",
            &every,
            None,
            None,
            &e0,
        ),
        replication(
            "replication_every_changes",
            "Every wire type changing: a bool flip (no bits), numbers as residuals, the team's score and nothing else.",
            &every,
            Some(&e0),
            None,
            &e1,
        ),
        replication(
            "replication_every_predicted",
            "Predicted fields against the world before the baseline, and a changed text sent whole.",
            &every,
            Some(&e1),
            Some(&e0),
            &e2,
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
