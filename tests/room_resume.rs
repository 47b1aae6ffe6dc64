//! `Room` driven directly, without sockets: a dropped player's seat is held (still, safe, in
//! capacity), taken back once with its token, freed when the window runs out; spectators.

use std::sync::Arc;

use tickwire_arena::{ArenaInput, ArenaSettings};
use tickwire_protocol::{ClientId, EntityId, Record};
use tickwire_server::InputBuffer;
use tickwire_server::Metrics;
use tickwire_server::PlayerInput;
use tickwire_server::ResumeToken;
use tickwire_server::SnapshotFrame;
use tickwire_server::{Joined, ResumeRefused, Room, RoomConfig, RoomFull};

const HOLD_TICKS: u64 = 30;

fn room(capacity: usize, hold_ticks: u64) -> (Room, Arc<Metrics>) {
    let settings = ArenaSettings::new(None, 0, 60).expect("arena");
    let metrics = Arc::new(Metrics::default());
    let config = RoomConfig {
        tick_rate: 60,
        ticks_per_snapshot: 1,
        capacity,
        view_radius: None,
        hold_ticks,
        max_rewind_ticks: 0,
    };
    (
        Room::new(Box::new(settings.new_game(3)), config, metrics.clone()),
        metrics,
    )
}

fn token(n: u8) -> ResumeToken {
    ResumeToken::from_parts(1, [n; 16])
}

fn join(room: &mut Room, n: u8) -> (Joined, Arc<InputBuffer>) {
    let inputs = Arc::new(InputBuffer::new());
    let joined = room
        .handle_join_resumable(
            ClientId(u32::from(n)),
            "guest:p",
            "p",
            inputs.clone(),
            Some(token(n)),
        )
        .expect("a seat");
    (joined, inputs)
}

fn frame(room: &mut Room) -> Arc<SnapshotFrame> {
    room.tick().expect("a snapshot every tick")
}

fn position(frame: &SnapshotFrame, entity: EntityId) -> Option<(i32, i32)> {
    match frame.entity(entity)?.raw("pos")? {
        &[x, y] => Some((x, y)),
        _ => None,
    }
}

fn run_right(inputs: &InputBuffer, seq: u32) {
    let right = ArenaInput {
        move_x: 1,
        ..ArenaInput::default()
    };
    inputs.push(PlayerInput::new(seq, Record::of(&right)));
}

#[test]
fn a_dropped_seat_is_held_still_and_taken_back_once_with_its_token() {
    let (mut room, metrics) = room(4, HOLD_TICKS);
    let (a, a_in) = join(&mut room, 1);
    assert_eq!(a.welcome.resume_token, token(1).to_string());
    for seq in 1..=5 {
        run_right(&a_in, seq);
        frame(&mut room);
    }
    // Still running when the connection drops; a late input is in the buffer.
    run_right(&a_in, 6);
    a_in.hang_up();
    let at = position(&frame(&mut room), a.entity).expect("held entity");
    for _ in 0..10 {
        let f = frame(&mut room);
        assert_eq!(
            position(&f, a.entity),
            Some(at),
            "a held entity stands still"
        );
    }
    assert_eq!(room.player_count(), 1, "a held seat counts");
    assert_eq!(metrics.seats_held.get(), 1);

    let b_in = Arc::new(InputBuffer::new());
    let resumed = room
        .handle_resume(ClientId(9), &token(1), b_in.clone(), Some(token(2)))
        .expect("resumed");
    assert_eq!(resumed.entity, a.entity);
    assert_eq!(resumed.slot, a.slot);
    assert_eq!(resumed.welcome.entity_id, a.entity);
    assert_eq!(resumed.welcome.resume_token, token(2).to_string());
    assert_eq!(metrics.seats_resumed.get(), 1);
    // The new session's inputs move the same entity again.
    for seq in 1..=10 {
        run_right(&b_in, seq);
        frame(&mut room);
    }
    let moved = position(&frame(&mut room), a.entity).expect("entity");
    assert!(moved.0 > at.0, "{moved:?} vs {at:?}");

    // The old token is spent.
    let c_in = Arc::new(InputBuffer::new());
    assert_eq!(
        room.handle_resume(ClientId(10), &token(1), c_in.clone(), Some(token(3)))
            .map(|j| j.entity),
        Err(ResumeRefused::Unknown)
    );
    // The new one takes the seat over from a connection that still looks open, which is told
    // to end.
    let taken = room
        .handle_resume(ClientId(10), &token(2), c_in, Some(token(3)))
        .expect("taken over");
    assert_eq!(taken.entity, a.entity);
    assert!(b_in.is_closed() && !b_in.is_dropped());
    frame(&mut room);
    assert_eq!(
        room.player_count(),
        1,
        "the replaced session does not free the seat"
    );
}

#[test]
fn a_held_seat_is_freed_when_the_window_runs_out() {
    let (mut room, metrics) = room(4, HOLD_TICKS);
    let (a, a_in) = join(&mut room, 1);
    a_in.hang_up();
    for _ in 0..HOLD_TICKS {
        let f = frame(&mut room);
        assert!(position(&f, a.entity).is_some());
    }
    let f = frame(&mut room);
    assert_eq!(position(&f, a.entity), None, "the seat's entity is gone");
    assert_eq!(room.player_count(), 0);
    assert_eq!(metrics.seats_expired.get(), 1);
    let refused = room.handle_resume(ClientId(2), &token(1), Arc::new(InputBuffer::new()), None);
    assert_eq!(refused.map(|j| j.entity), Err(ResumeRefused::Unknown));
}

#[test]
fn a_player_that_leaves_is_not_held_nor_is_anyone_without_a_window() {
    let (mut room, _) = room(4, HOLD_TICKS);
    let (a, a_in) = join(&mut room, 1);
    a_in.close();
    let f = frame(&mut room);
    assert_eq!(position(&f, a.entity), None);
    assert_eq!(room.player_count(), 0);
    let refused = room.handle_resume(ClientId(2), &token(1), Arc::new(InputBuffer::new()), None);
    assert_eq!(refused.map(|j| j.entity), Err(ResumeRefused::Unknown));

    let (mut off, _) = self::room(4, 0);
    let (b, b_in) = join(&mut off, 1);
    assert_eq!(b.welcome.resume_token, "", "no window, no token");
    b_in.hang_up();
    let f = frame(&mut off);
    assert_eq!(position(&f, b.entity), None);
}

#[test]
fn a_dropped_seat_can_be_resumed_before_the_room_ticks() {
    let (mut room, _) = room(4, HOLD_TICKS);
    let (a, a_in) = join(&mut room, 1);
    a_in.hang_up();
    let resumed = room
        .handle_resume(ClientId(2), &token(1), Arc::new(InputBuffer::new()), None)
        .expect("resumed");
    assert_eq!(resumed.entity, a.entity);
    assert!(position(&frame(&mut room), a.entity).is_some());
    assert_eq!(room.player_count(), 1);
}

#[test]
fn a_held_seat_counts_against_capacity_and_spectators_take_none() {
    let (mut room, _) = room(1, HOLD_TICKS);
    let (_, a_in) = join(&mut room, 1);
    a_in.hang_up();
    frame(&mut room);
    let refused = room.handle_join(ClientId(2), "late", Arc::new(InputBuffer::new()));
    assert!(matches!(refused, Err(RoomFull)));
    let welcome = room.handle_spectate(ClientId(3));
    assert!(welcome.spectator);
    assert_eq!(welcome.entity_id, EntityId(0));
    assert_eq!(welcome.resume_token, "");
    assert_eq!(room.player_count(), 1);
}
