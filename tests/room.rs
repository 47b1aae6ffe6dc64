//! `Room` driven directly, without sockets: joins, inputs, acks, leaves, snapshots.

use std::sync::Arc;

use tickwire_arena::ArenaSettings;
use tickwire_protocol::{ClientId, EntityKind, Input};
use tickwire_scenarios::Scenario;
use tickwire_server::Game;
use tickwire_server::input_buffer::InputBuffer;
use tickwire_server::metrics::Metrics;
use tickwire_server::room::{Room, RoomConfig, RoomFull};
use tickwire_server::snapshot::SnapshotFrame;

/// An arena with two bots.
fn arena() -> Box<dyn Game> {
    let settings = ArenaSettings::new(None, 2, 60).expect("arena");
    Box::new(settings.new_game(11))
}

fn room(game: Box<dyn Game>, capacity: usize) -> Room {
    Room::new(
        game,
        RoomConfig {
            tick_rate: 60,
            ticks_per_snapshot: 2,
            capacity,
            view_radius: None,
            hold_ticks: 0,
        },
        Arc::new(Metrics::default()),
    )
}

fn next_frame(room: &mut Room) -> Arc<SnapshotFrame> {
    loop {
        if let Some(f) = room.tick() {
            return f;
        }
    }
}

fn input(seq: u32, move_x: f32) -> Input {
    Input {
        seq,
        move_x,
        ..Input::default()
    }
}

#[test]
fn inputs_are_applied_and_acknowledged_per_player() {
    let mut room = room(arena(), 8);
    let a_in = Arc::new(InputBuffer::new());
    let b_in = Arc::new(InputBuffer::new());
    let a = room
        .handle_join(ClientId(1), "a", a_in.clone())
        .expect("join");
    let b = room
        .handle_join(ClientId(2), "b", b_in.clone())
        .expect("join");
    let first = next_frame(&mut room);
    let ax0 = first.state.entity(a.entity).expect("a").x;
    let bx0 = first.state.entity(b.entity).expect("b").x;
    assert_eq!(
        first
            .state
            .entities
            .iter()
            .filter(|e| e.kind == EntityKind::Bot)
            .count(),
        2
    );

    // A sends one input per tick for 30 ticks; B sends nothing.
    let mut last = None;
    for seq in 1..=30 {
        a_in.push(input(seq, 1.0));
        if let Some(f) = room.tick() {
            last = Some(f);
        }
    }
    let f = last.expect("a frame");
    assert_eq!(f.acks[a.slot], 30);
    assert_eq!(f.acks[b.slot], 0);
    assert!(f.state.entity(a.entity).expect("a").x > ax0 + 16 * 40);
    assert_eq!(f.state.entity(b.entity).expect("b").x, bx0);
    assert!(f.state.is_sorted());
}

#[test]
fn a_closed_session_leaves_at_the_next_tick_and_capacity_holds() {
    let mut room = room(arena(), 1);
    let a_in = Arc::new(InputBuffer::new());
    let a = room
        .handle_join(ClientId(1), "a", a_in.clone())
        .expect("join");
    assert_eq!(
        room.handle_join(ClientId(2), "b", Arc::new(InputBuffer::new()))
            .err(),
        Some(RoomFull)
    );
    a_in.close();
    let f = next_frame(&mut room);
    assert!(f.state.entity(a.entity).is_none());
    assert_eq!(room.player_count(), 0);
    assert!(
        room.handle_join(ClientId(3), "c", Arc::new(InputBuffer::new()))
            .is_ok()
    );
}

#[test]
fn random_walk_rooms_are_deterministic() {
    let run = || {
        let walk = Scenario::RandomWalk {
            entities: 300,
            moving_pct: 10,
        };
        let mut r = room(walk.new_game(), 100);
        let bufs: Vec<_> = (0..3).map(|_| Arc::new(InputBuffer::new())).collect();
        for (i, b) in bufs.iter().enumerate() {
            r.handle_join(ClientId(i as u32), "x", b.clone())
                .expect("join");
        }
        let mut states = Vec::new();
        for t in 1..=120u32 {
            for (i, b) in bufs.iter().enumerate() {
                b.push(Input {
                    seq: t,
                    move_x: (t % 7) as f32 - 3.0,
                    move_y: i as f32 - 1.0,
                    ..Input::default()
                });
            }
            if let Some(f) = r.tick() {
                assert_eq!(f.state.entities.len(), 303);
                states.push(f.state.clone());
            }
        }
        states
    };
    assert_eq!(run(), run());
}

#[test]
fn the_transport_floor_publishes_its_fixed_frame() {
    let mut room = room(
        Scenario::TransportFloor { payload_bytes: 500 }.new_game(),
        10,
    );
    room.handle_join(ClientId(1), "x", Arc::new(InputBuffer::new()))
        .expect("join");
    let f = next_frame(&mut room);
    let fixed = f.fixed.as_ref().expect("a fixed payload");
    assert!(fixed.len() <= 500 && fixed.len() > 480);
    assert!(f.state.entities.is_empty());
}

#[test]
fn a_match_ends_on_time_with_every_line_and_the_next_starts_from_zero() {
    use std::time::Duration;
    use tickwire_server::match_clock::MatchClock;
    // Two-second matches at 60 Hz, with four bots that fight.
    let settings = ArenaSettings::new(None, 4, 60).expect("arena");
    let mut room = room(Box::new(settings.new_game(5)), 8)
        .with_match_clock(MatchClock::new(Duration::from_secs(2), 60));
    room.handle_join_as(ClientId(1), "user-1", "ada", Arc::new(InputBuffer::new()))
        .expect("join");
    let leaver = room
        .handle_join(ClientId(2), "Bo", Arc::new(InputBuffer::new()))
        .expect("join");
    for _ in 0..60 {
        room.tick();
        assert!(room.poll_match_end().is_none());
    }
    room.handle_leave(leaver.slot);
    let mut outcome = None;
    for t in 60..120 {
        room.tick();
        if let Some(o) = room.poll_match_end() {
            assert_eq!(t, 119, "the match ends on its 120th tick");
            outcome = Some(o);
        }
    }
    let outcome = outcome.expect("the match ended");
    assert_eq!((outcome.started_tick, outcome.ended_tick), (0, 120));
    let ada = outcome
        .scores
        .iter()
        .find(|s| s.name == "ada")
        .expect("ada");
    assert_eq!((ada.player_id.as_deref(), ada.ticks), (Some("user-1"), 120));
    // The player who left keeps a line, with the time it played.
    let bo = outcome.scores.iter().find(|s| s.name == "Bo").expect("bo");
    assert_eq!((bo.player_id.as_deref(), bo.ticks), (Some("guest:bo"), 60));
    assert_eq!(
        outcome
            .scores
            .iter()
            .filter(|s| s.player_id.is_none())
            .count(),
        4
    );
    let kills: Vec<u32> = outcome.scores.iter().map(|s| s.kills).collect();
    assert!(
        kills.windows(2).all(|w| w[0] >= w[1]),
        "most kills first: {kills:?}"
    );
    // The next match starts from zero.
    assert!(
        room.game()
            .scores()
            .iter()
            .all(|s| s.kills == 0 && s.deaths == 0)
    );
    room.announce_match_end(vec![8, 1]);
    let frame = next_frame(&mut room);
    assert_eq!(frame.match_end.1, [8, 1]);
}

#[test]
fn a_shutdown_ends_the_match_under_way_as_it_stands_and_only_one_that_has_begun() {
    use std::time::Duration;
    use tickwire_server::match_clock::MatchClock;
    use tickwire_server::store::EndedBy;
    let mut endless = room(arena(), 8);
    endless
        .handle_join(ClientId(1), "ada", Arc::new(InputBuffer::new()))
        .expect("join");
    endless.tick();
    assert!(
        endless.end_match_for_shutdown().is_none(),
        "an endless match is never stored"
    );

    let mut room = room(arena(), 8).with_match_clock(MatchClock::new(Duration::from_secs(60), 60));
    room.handle_join(ClientId(1), "ada", Arc::new(InputBuffer::new()))
        .expect("join");
    assert!(
        room.end_match_for_shutdown().is_none(),
        "not a tick played yet"
    );
    let leaver = room
        .handle_join(ClientId(2), "Bo", Arc::new(InputBuffer::new()))
        .expect("join");
    for _ in 0..30 {
        room.tick();
    }
    room.handle_leave(leaver.slot);
    for _ in 0..30 {
        room.tick();
    }
    let outcome = room.end_match_for_shutdown().expect("the match under way");
    assert_eq!(outcome.ended_by, EndedBy::Shutdown);
    assert_eq!((outcome.started_tick, outcome.ended_tick), (0, 60));
    let ticks = |name: &str| {
        outcome
            .scores
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.ticks)
    };
    assert_eq!((ticks("ada"), ticks("Bo")), (Some(60), Some(30)));
    assert!(room.poll_match_end().is_none(), "handed out once");
}
