//! Match recordings: a room records what its game saw, and re-simulating the file gives the
//! same checksum on every tick; a changed byte is refused, naming where; the capture-the-flag
//! example records and verifies too, and a game without a checksum records its stream.

use std::sync::Arc;

use tickwire_arena::{ArenaInput, ArenaSettings};
use tickwire_example_flag::{FlagGame, FlagInput};
use tickwire_example_tag::Tag;
use tickwire_protocol::{ClientId, Record, ServerMsg};
use tickwire_replay::{ReplayFile, ReplayWriter, read_viewer_stream};
use tickwire_server::InputBuffer;
use tickwire_server::Metrics;
use tickwire_server::recording::replay_sim::{
    self, VerifyError, recording_header, verify, viewer_stream,
};
use tickwire_server::{Game, NewGame, PlayerInput, recording::recording_writer};
use tickwire_server::{Room, RoomConfig};

const RATE: u32 = 60;

fn config() -> RoomConfig {
    RoomConfig {
        tick_rate: RATE,
        ticks_per_snapshot: 2,
        capacity: 8,
        view_radius: None,
        hold_ticks: 0,
        max_rewind_ticks: 12,
    }
}

/// A player the test drives: its buffer and its next seq.
struct Scripted {
    inputs: Arc<InputBuffer>,
    seq: u32,
    slot: usize,
}

/// Records `ticks` ticks of `game` (made with `seed`) with `humans` scripted players, whose
/// input at a tick is `input(player, tick)`; the second player leaves half way. Returns the
/// file's bytes.
fn record(
    game: Box<dyn Game>,
    seed: u64,
    ticks: u64,
    humans: usize,
    input: &dyn Fn(usize, u64) -> Record,
) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let path = dir.path().join("match.twr");
    let metrics = Arc::new(Metrics::default());
    let header = recording_header(game.as_ref(), seed, (RATE, 2), 0);
    let writer = recording_writer::start(&path, header, 1 << 20, metrics.clone())
        .expect("the recording starts");
    let mut room = Room::new(game, config(), metrics).with_recording(writer.recording);
    let mut players: Vec<Scripted> = (0..humans)
        .map(|i| {
            let inputs = Arc::new(InputBuffer::new());
            let joined = room
                .handle_join(ClientId(i as u32 + 1), &format!("p{i}"), inputs.clone())
                .expect("a seat");
            Scripted {
                inputs,
                seq: 0,
                slot: joined.slot,
            }
        })
        .collect();
    for tick in 0..ticks {
        for (i, p) in players.iter_mut().enumerate() {
            p.seq += 1;
            // One input in seven is lost, so that the room's repeat rule is recorded too.
            if (tick + i as u64) % 7 != 3 {
                p.inputs.push(PlayerInput::new(p.seq, input(i, tick)));
            }
        }
        if tick == ticks / 2 && players.len() > 1 {
            let leaving = players.remove(1);
            room.handle_leave(leaving.slot);
        }
        room.tick();
    }
    assert!(room.is_recording(), "nothing was lost");
    drop(room);
    writer
        .thread
        .join()
        .expect("the writer thread")
        .expect("the recording is written");
    std::fs::read(&path).expect("the recording")
}

fn arena_input(player: usize, tick: u64) -> Record {
    let phase = (tick / 45 + player as u64 * 3) % 8;
    Record::of(&ArenaInput {
        move_x: [-1, 0, 1, 1, 0, -1, -1, 1][phase as usize],
        move_y: [0, 1, 1, -1, -1, 0, 1, 0][phase as usize],
        aim: (tick % 628) as f32 / 100.0,
        fire: tick % 20 < 3,
    })
}

fn arena_games() -> impl NewGame {
    ArenaSettings::new(None, 8, RATE).expect("arena").games()
}

fn arena_game(seed: u64) -> Box<dyn Game> {
    arena_games()
        .new_game_with(
            seed,
            &tickwire_server::GameOptions {
                map: None,
                bots: Some(8),
                tick_rate: RATE,
            },
        )
        .expect("an arena")
}

/// Five minutes of the arena, 8 bots and 2 scripted players (one leaves), run as fast as it
/// goes.
fn five_minutes() -> Vec<u8> {
    record(
        arena_game(0x5eed),
        0x5eed,
        u64::from(RATE) * 300,
        2,
        &arena_input,
    )
}

#[test]
fn a_five_minute_bot_match_replays_with_identical_checksums_and_a_changed_byte_is_refused() {
    let bytes = five_minutes();
    let verified = verify(&bytes, &arena_games()).expect("the recording verifies");
    assert_eq!(verified.ticks, u64::from(RATE) * 300, "every tick compared");
    assert_eq!(
        verified.keyframes, 31,
        "a keyframe every ten seconds, the last at the end"
    );
    assert!(verified.complete);
    assert_eq!(verified.lost, 0);
    eprintln!(
        "five minutes, 8 bots and 2 players: {} bytes ({} bytes a minute)",
        bytes.len(),
        bytes.len() / 5
    );

    // One byte changed anywhere is refused, naming the part.
    for at in [20, 40, bytes.len() / 3, bytes.len() / 2, bytes.len() - 30] {
        let mut bad = bytes.clone();
        bad[at] ^= 0x10;
        let e = verify(&bad, &arena_games()).expect_err("a changed byte is refused");
        let text = e.to_string();
        assert!(
            text.contains("header") || text.contains("section") || text.contains("end marker"),
            "byte {at}: {text}"
        );
    }
    let mut bad = bytes.clone();
    let middle = bytes.len() / 2;
    bad[middle] ^= 1;
    let text = verify(&bad, &arena_games())
        .expect_err("refused")
        .to_string();
    assert!(
        text.contains("section") && text.contains("after tick"),
        "{text}"
    );

    // A recording whose hashes are right but whose content was changed (one checksum) is
    // refused at that very tick by the re-simulation.
    let tampered = rewrite(&bytes, |section, entries_before| {
        if section == 4 {
            let e = &mut entries_before[100];
            e.checksum = e.checksum.map(|c| c ^ 1);
        }
    });
    match verify(&tampered, &arena_games()) {
        Err(VerifyError::Diverged { tick, what }) => {
            assert_eq!(tick, 4 * 600 + 101, "{what}");
        }
        other => panic!("expected a divergence, got {other:?}"),
    }
}

/// The recording in `bytes` written again, each section's entries first given to `change`.
fn rewrite(bytes: &[u8], change: impl Fn(usize, &mut Vec<tickwire_replay::TickEntry>)) -> Vec<u8> {
    let mut file = ReplayFile::open(bytes).expect("a recording");
    let (mut writer, mut out) = ReplayWriter::start(file.header.clone()).expect("a header");
    let schema = Arc::new(file.header.schema.clone());
    let mut index = 0;
    while let Some(mut section) = file.sections.next_section().expect("a section") {
        let mut world = tickwire_protocol::World::default();
        tickwire_protocol::apply_delta(
            &schema,
            &section.keyframe,
            tickwire_protocol::Baselines::default(),
            &mut world,
        )
        .expect("a keyframe");
        writer.keyframe(&world, &mut out).expect("a section");
        change(index, &mut section.entries);
        for e in section.entries {
            writer.tick(e);
        }
        index += 1;
    }
    writer.finish(0, &mut out).expect("the end");
    out
}

fn flag_games() -> impl NewGame {
    |seed| Box::new(FlagGame::new(RATE, seed)) as Box<dyn Game>
}

#[test]
fn a_capture_the_flag_match_records_verifies_and_plays() {
    let input = |player: usize, tick: u64| {
        let t = (tick / 30 + player as u64) % 4;
        Record::of(&FlagInput {
            move_x: [1.0, -0.5, 0.25, -1.0][t as usize],
            move_y: [0.5, 1.0, -1.0, 0.0][t as usize],
        })
    };
    let bytes = record(
        Box::new(FlagGame::new(RATE, 7)),
        7,
        u64::from(RATE) * 40,
        3,
        &input,
    );
    let verified = verify(&bytes, &flag_games()).expect("the flag recording verifies");
    assert_eq!(verified.ticks, u64::from(RATE) * 40);
    let stream = viewer_stream(&bytes, &flag_games()).expect("a viewer stream");
    let messages = read_viewer_stream(&stream, 1 << 20).expect("it reads");
    assert!(matches!(messages.first(), Some(ServerMsg::Welcome(w)) if w.spectator));
    let snapshots = messages
        .iter()
        .filter(|m| matches!(m, ServerMsg::Snapshot(_)))
        .count();
    assert_eq!(
        snapshots,
        40 * 30 + 1,
        "every snapshot tick, and the first keyframe"
    );
    // The arena verifier does not take a flag recording.
    let e = verify(&bytes, &arena_games()).expect_err("another game");
    assert!(e.to_string().contains("\"flag\""), "{e}");
}

#[test]
fn a_game_without_a_checksum_records_its_stream_which_plays() {
    let input = |player: usize, tick: u64| {
        let t = (tick / 30 + player as u64) % 4;
        Record::of(&tickwire_example_tag::TagInput {
            move_x: [1.0, -0.5, 0.25, -1.0][t as usize],
            move_y: [0.5, 1.0, -1.0, 0.0][t as usize],
        })
    };
    let tag_games = |seed| Box::new(Tag::new(RATE, seed)) as Box<dyn Game>;
    let bytes = record(Box::new(Tag::new(RATE, 3)), 3, 1200, 2, &input);
    assert!(matches!(
        verify(&bytes, &tag_games),
        Err(VerifyError::NotDeterministic)
    ));
    let stream = viewer_stream(&bytes, &tag_games).expect("a viewer stream");
    let messages = read_viewer_stream(&stream, 1 << 20).expect("it reads");
    let snapshots = messages
        .iter()
        .filter(|m| matches!(m, ServerMsg::Snapshot(_)))
        .count();
    // Each section: its keyframe and its frames (the keyframe's tick framed once more).
    assert!(snapshots >= 600, "{snapshots}");
    let _ = replay_sim::Verified {
        ticks: 0,
        keyframes: 0,
        complete: true,
        lost: 0,
    };
}

/// A recording made by an earlier build, kept in the repository: the arena's simulation must
/// still re-simulate it tick for tick. A change that moves any tick of the arena (its rules, its
/// bots, the order of its random draws) fails here, naming the first tick that differs; when the
/// change is meant, write the file again with
/// `TICKWIRE_WRITE_FIXTURES=1 cargo test --test replay an_earlier_builds_recording` and commit it.
const EARLIER_RECORDING: &str = "tests/fixtures/arena-8-bots-1-minute.twreplay";

#[test]
fn an_earlier_builds_recording_still_replays_with_identical_checksums() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(EARLIER_RECORDING);
    if std::env::var_os("TICKWIRE_WRITE_FIXTURES").is_some() {
        let bytes = record(
            arena_game(0xf1c5),
            0xf1c5,
            u64::from(RATE) * 60,
            2,
            &arena_input,
        );
        std::fs::write(&path, &bytes).expect("the fixture is written");
        println!("wrote {} ({} bytes)", path.display(), bytes.len());
    }
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; write it with TICKWIRE_WRITE_FIXTURES=1 cargo test --test replay \
             an_earlier_builds_recording",
            path.display()
        )
    });
    match verify(&bytes, &arena_games()) {
        Ok(v) => {
            assert_eq!(v.ticks, u64::from(RATE) * 60, "every tick compared");
            assert!(v.complete);
        }
        Err(e) => panic!(
            "the arena no longer replays {EARLIER_RECORDING}, recorded by an earlier build: {e}. \
             If the simulation was meant to change, write the file again with \
             TICKWIRE_WRITE_FIXTURES=1 cargo test --test replay an_earlier_builds_recording"
        ),
    }
}
