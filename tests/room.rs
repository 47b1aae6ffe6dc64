//! `Room` driven directly, without sockets: joins, inputs, acks, leaves, snapshots.

use std::sync::Arc;

use tickwire_arena::{ArenaInput, ArenaSettings};
use tickwire_protocol::{ClientId, EntityId, Record};
use tickwire_scenarios::{Scenario, WalkInput};
use tickwire_server::InputBuffer;
use tickwire_server::Metrics;
use tickwire_server::SnapshotFrame;
use tickwire_server::{Game, PlayerInput};
use tickwire_server::{Joined, Room, RoomConfig, RoomFull};

/// An arena with two bots.
/// The quantized position (1/16 unit) of entity `id` in frame `f`, read by name.
fn xy(f: &SnapshotFrame, id: EntityId) -> Option<(i32, i32)> {
    match f.entity(id)?.raw("pos")? {
        &[x, y] => Some((x, y)),
        _ => None,
    }
}

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
            max_rewind_ticks: 0,
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

/// Arena input `seq`, decoded as the room holds it.
fn arena_input(seq: u32, input: ArenaInput) -> PlayerInput {
    PlayerInput::new(seq, Record::of(&input))
}

fn input(seq: u32, move_x: i8) -> PlayerInput {
    arena_input(
        seq,
        ArenaInput {
            move_x,
            ..ArenaInput::default()
        },
    )
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
    let ax0 = xy(&first, a.entity).expect("a").0;
    let bx0 = xy(&first, b.entity).expect("b").0;
    let bot = first.schema.kind("bot").expect("a bot kind");
    assert_eq!(
        first
            .state
            .entities()
            .iter()
            .filter(|e| e.kind == bot)
            .count(),
        2
    );

    // A sends one input per tick for 30 ticks; B sends nothing.
    let mut last = None;
    for seq in 1..=30 {
        a_in.push(input(seq, 1));
        if let Some(f) = room.tick() {
            last = Some(f);
        }
    }
    let f = last.expect("a frame");
    assert_eq!(f.acks[a.slot].seq, 30);
    assert_eq!(f.acks[b.slot].seq, 0);
    assert!(xy(&f, a.entity).expect("a").0 > ax0 + 16 * 40);
    assert_eq!(xy(&f, b.entity).expect("b").0, bx0);
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
    assert!(f.entity(a.entity).is_none());
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
                let walk = WalkInput {
                    dx: f64::from(t % 7) - 3.0,
                    dy: i as f64 - 1.0,
                };
                b.push(PlayerInput::new(t, Record::of(&walk)));
            }
            if let Some(f) = r.tick() {
                assert_eq!(f.state.len(), 303);
                states.push(f.state.clone());
            }
        }
        states
    };
    assert_eq!(run(), run());
}

#[test]
fn the_transport_floor_publishes_its_fixed_frame() {
    let floor = Scenario::TransportFloor { payload_bytes: 500 };
    let mut room = room(floor.new_game(), 10).with_fixed_frame(floor.fixed_frame());
    room.handle_join(ClientId(1), "x", Arc::new(InputBuffer::new()))
        .expect("join");
    let f = next_frame(&mut room);
    let fixed = f.fixed.as_ref().expect("a fixed payload");
    assert!(fixed.len() <= 500 && fixed.len() > 480);
    assert!(f.state.is_empty());
}

#[test]
fn a_match_ends_on_time_with_every_line_and_the_next_starts_from_zero() {
    use std::time::Duration;
    use tickwire_server::MatchClock;
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
    let ratings: Vec<i32> = outcome.scores.iter().map(|s| s.rating).collect();
    assert!(
        ratings.windows(2).all(|w| w[0] >= w[1]),
        "best rating first: {ratings:?}"
    );
    assert!(
        outcome
            .scores
            .iter()
            .all(|s| s.rating == s.columns[0] - s.columns[1]),
        "kills minus deaths"
    );
    // The next match starts from zero.
    assert!(room.game().scores().iter().all(|s| s.columns == [0, 0]));
    room.announce_match_end(vec![8, 1]);
    let frame = next_frame(&mut room);
    assert_eq!(frame.match_end.1, [8, 1]);
}

/// The client's side of exact reconciliation: the inputs it sent, and the server's state at the
/// last snapshot, which each new snapshot's acknowledgement carries forward exactly.
struct Replica {
    map: tickwire_sim::Map,
    inputs: std::collections::BTreeMap<u32, tickwire_sim::PlayerInput>,
    /// (seq, repeats applied, pos, vel) at the last snapshot.
    verified: Option<(u32, u16, glam::Vec2, glam::Vec2)>,
}

impl Replica {
    /// The replica of `entity` on the default arena: before its first input, it stands at its
    /// spawn point in `first`.
    fn at_spawn(first: &SnapshotFrame, entity: tickwire_protocol::EntityId) -> Replica {
        let spawn = xy(first, entity).expect("spawned");
        let start = glam::Vec2::new(spawn.0 as f32 / 16.0, spawn.1 as f32 / 16.0);
        Replica {
            map: tickwire_sim::Map::default_arena(),
            inputs: [(0, Default::default())].into(),
            verified: Some((0, 0, start, glam::Vec2::ZERO)),
        }
    }

    /// Sends input `seq` to the room through `buffer`, remembering what it asks for.
    fn send(&mut self, buffer: &InputBuffer, seq: u32, input: ArenaInput) {
        self.inputs.insert(seq, Self::sim_input(&input));
        buffer.push(arena_input(seq, input));
    }

    fn sim_input(input: &ArenaInput) -> tickwire_sim::PlayerInput {
        tickwire_sim::PlayerInput {
            move_x: input.move_x,
            move_y: input.move_y,
            ..Default::default()
        }
    }

    fn run(&self, seq: u32, from: u16, to: u16, pos: &mut glam::Vec2, vel: &mut glam::Vec2) {
        let neutral = tickwire_sim::PlayerInput::default();
        for k in from..=to {
            let i = if k == 0 || k <= tickwire_protocol::repeats_before_neutral(60) {
                &self.inputs[&seq]
            } else {
                &neutral
            };
            (*pos, *vel) = tickwire_sim::move_player(*pos, *vel, i, 1.0 / 60.0, &self.map);
        }
    }

    /// The quantized position the server should hold, carried from the last snapshot's state
    /// by the acknowledgement `ack`.
    fn advance(&mut self, ack: tickwire_protocol::InputAck) -> (i32, i32) {
        let (mut seq, mut done, mut pos, mut vel) = self.verified.expect("a state to start from");
        assert!(ack.seq.wrapping_sub(seq) <= tickwire_protocol::EARLIER_INPUTS as u32);
        let count = |s: u32| {
            if s == ack.seq {
                ack.repeats
            } else {
                ack.earlier()
                    .get((ack.seq - s - 1) as usize)
                    .copied()
                    .unwrap_or(0)
            }
        };
        loop {
            // Repeats of `seq` not yet run.
            let n = count(seq);
            if n != tickwire_protocol::DROPPED && n > done {
                self.run(seq, done + 1, n, &mut pos, &mut vel);
            }
            if seq == ack.seq {
                break;
            }
            seq += 1;
            done = 0;
            if count(seq) != tickwire_protocol::DROPPED {
                self.run(seq, 0, 0, &mut pos, &mut vel);
            }
        }
        self.verified = Some((ack.seq, ack.repeats, pos, vel));
        // The arena's positions travel in 1/16 units.
        ((pos.x * 16.0).round() as i32, (pos.y * 16.0).round() as i32)
    }
}

#[test]
fn acknowledgements_say_exactly_what_was_applied_under_jitter_gaps_and_bursts() {
    let mut room = room(arena(), 4);
    let a_in = Arc::new(InputBuffer::new());
    let a = room
        .handle_join(ClientId(1), "a", a_in.clone())
        .expect("join");
    let mut replica = Replica::at_spawn(&next_frame(&mut room), a.entity);
    let mut seq = 0;
    // Inputs per tick: steady, gaps (repeats), a long gap (neutral), bursts (drops).
    let pattern = [
        1, 1, 0, 2, 1, 0, 0, 3, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        9, 1, 1, 2, 0, 1,
    ];
    let mut checked = 0;
    let mut repeats_seen = 0;
    for round in 0..6 {
        for &n in &pattern {
            for _ in 0..n {
                seq += 1;
                let turn = (seq / 25 + round) % 4;
                let input = ArenaInput {
                    move_x: [1, 0, -1, 0][turn as usize],
                    move_y: [0, 1, 0, -1][turn as usize],
                    ..ArenaInput::default()
                };
                replica.send(&a_in, seq, input);
            }
            if let Some(f) = room.tick() {
                let ack = f.acks[a.slot];
                let e = xy(&f, a.entity).expect("a");
                if ack.seq > 0 {
                    assert_eq!(
                        replica.advance(ack),
                        e,
                        "after input {} and {} repeats",
                        ack.seq,
                        ack.repeats
                    );
                    checked += 1;
                    repeats_seen = repeats_seen.max(ack.repeats);
                }
            }
        }
    }
    assert!(checked > 100, "{checked}");
    assert!(
        repeats_seen > 15,
        "the neutral rule was exercised: {repeats_seen}"
    );
}

/// A room on an open field: a shooter, and a runner crossing its view at top speed. The shooter
/// aims where it saw the runner `seen_ticks_ago` ticks before (leading it as it would move on its
/// screen), says so with `view_tick`, and fires once. Returns whether the runner was hit.
fn shot_at_a_runner(max_rewind_ticks: u32, seen_ticks_ago: u32) -> bool {
    let map = tickwire_sim::Map::from_json(
        r#"{"name": "field", "width": 3000, "height": 3000, "walls": [],
            "spawns": [{"x": 300, "y": 300}, {"x": 1100, "y": 300}]}"#,
    )
    .expect("map");
    let game = Box::new(tickwire_arena::ArenaGame::new(map, 60, 0, 9));
    let mut room = Room::new(
        game,
        RoomConfig {
            tick_rate: 60,
            ticks_per_snapshot: 1,
            capacity: 2,
            view_radius: None,
            max_rewind_ticks,
            hold_ticks: 0,
        },
        Arc::new(Metrics::default()),
    );
    let (s_in, r_in) = (Arc::new(InputBuffer::new()), Arc::new(InputBuffer::new()));
    let shooter = room
        .handle_join(ClientId(1), "shooter", s_in.clone())
        .expect("join");
    let runner = room
        .handle_join(ClientId(2), "runner", r_in.clone())
        .expect("join");
    // The runner's position in every frame, by tick (ticks_per_snapshot 1: every tick).
    let mut seen = std::collections::BTreeMap::new();
    let mut seq = 0;
    let running = ArenaInput {
        move_y: 1,
        ..ArenaInput::default()
    };
    let tick = |room: &mut Room, (shooter_input, view_tick): (ArenaInput, u32), seq: &mut u32| {
        *seq += 1;
        s_in.push(PlayerInput {
            view_tick,
            ..arena_input(*seq, shooter_input)
        });
        r_in.push(arena_input(*seq, running));
        let f = room.tick().expect("a frame every tick");
        let hp = f.entity(runner.entity).and_then(|e| e.number("hp"));
        xy(&f, runner.entity).map(|e| (f.tick().0, (e, hp.unwrap_or(0.0))))
    };
    for _ in 0..40 {
        if let Some((t, e)) = tick(&mut room, (ArenaInput::default(), 0), &mut seq) {
            seen.insert(t, e);
        }
    }
    let now = *seen.keys().next_back().expect("frames");
    let view_tick = now - seen_ticks_ago;
    let at = |t: u32| {
        let (e, _) = seen[&t];
        glam::Vec2::new(e.0 as f32 / 16.0, e.1 as f32 / 16.0)
    };
    let view = at(view_tick);
    let velocity = view - at(view_tick - 1);
    let shooter_at = {
        // Every tick has its input (a tick without one would stand in for the next).
        seq += 1;
        s_in.push(arena_input(seq, ArenaInput::default()));
        r_in.push(arena_input(seq, running));
        let f = room.tick().expect("frame");
        let e = xy(&f, shooter.entity).expect("shooter");
        glam::Vec2::new(e.0 as f32 / 16.0, e.1 as f32 / 16.0)
    };
    // Where the shot meets the runner on the shooter's screen, where it moves on as seen.
    let meet = (1..120)
        .map(|k| view + velocity * k as f32)
        .min_by(|a, b| {
            let err = |p: &glam::Vec2| {
                ((*p - shooter_at).length() / 10.0 - (*p - view).length() / velocity.length()).abs()
            };
            err(a).total_cmp(&err(b))
        })
        .expect("a meeting point");
    let d = meet - shooter_at;
    let fire = ArenaInput {
        aim: d.y.atan2(d.x),
        fire: true,
        ..ArenaInput::default()
    };
    tick(&mut room, (fire, view_tick), &mut seq);
    let mut hit = false;
    for _ in 0..120 {
        if let Some((_, (_, hp))) = tick(&mut room, (ArenaInput::default(), 0), &mut seq) {
            hit |= hp < 100.0;
        }
    }
    hit
}

#[test]
fn a_shot_is_judged_against_what_its_shooter_saw_within_the_bound() {
    // 150 ms at 60 Hz: the view of a 100 ms round trip and 50 ms of interpolation delay.
    assert!(shot_at_a_runner(12, 9), "within the bound: a hit");
    assert!(!shot_at_a_runner(0, 9), "lag compensation off: a miss");
    assert!(!shot_at_a_runner(3, 9), "judged only 3 ticks back: a miss");
}

#[test]
fn a_stopping_room_ends_the_match_under_way_as_it_stands_and_only_one_that_has_begun() {
    use std::time::Duration;
    use tickwire_server::MatchClock;
    use tickwire_server::store::EndedBy;
    let mut endless = room(arena(), 8);
    endless
        .handle_join(ClientId(1), "ada", Arc::new(InputBuffer::new()))
        .expect("join");
    endless.tick();
    assert!(
        endless.end_match_now(EndedBy::Shutdown).is_none(),
        "an endless match is never stored"
    );

    let mut room = room(arena(), 8).with_match_clock(MatchClock::new(Duration::from_secs(60), 60));
    room.handle_join(ClientId(1), "ada", Arc::new(InputBuffer::new()))
        .expect("join");
    assert!(
        room.end_match_now(EndedBy::Shutdown).is_none(),
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
    let outcome = room
        .end_match_now(EndedBy::Closed)
        .expect("the match under way");
    assert_eq!(outcome.ended_by, EndedBy::Closed);
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

/// A room of an arena without bots at 60 Hz, and `name` joined to it: the room, the player's
/// input buffer, its seat, and the replica of its entity.
fn alone_in_an_arena(name: &str) -> (Room, Arc<InputBuffer>, Joined, Replica) {
    let game = Box::new(ArenaSettings::new(None, 0, 60).expect("arena").new_game(5));
    let mut room = room(game, 2);
    let inputs = Arc::new(InputBuffer::new());
    let joined = room
        .handle_join(ClientId(1), name, inputs.clone())
        .expect("join");
    let replica = Replica::at_spawn(&next_frame(&mut room), joined.entity);
    (room, inputs, joined, replica)
}

/// A client that lost time (a page frozen for a few ticks, then sending at its cadence again) is
/// a few slots late with every input from then on. The repeats stand in while it is hurried;
/// before they would turn neutral, its timeline moves back to its newest input, and from then on
/// its inputs are taken fresh. It never stops, and every acknowledgement stays exact.
#[test]
fn a_client_that_lost_time_is_hurried_then_taken_late_and_never_stops() {
    let (mut room, a_in, a, mut replica) = alone_in_an_arena("late");
    let neutral_after = tickwire_protocol::repeats_before_neutral(60);
    let (mut seq, mut hurried, mut most_repeats, mut last_ack) = (0, false, 0, 0);
    for tick in 0..120 {
        // Frozen for ticks 10..16: nothing sent, and the time is not made up afterwards.
        if !(10..16).contains(&tick) {
            seq += 1;
            // Up and down in turn, so that the late inputs ask for what the repeats did.
            let input = ArenaInput {
                move_y: if (seq / 40) % 2 == 0 { 1 } else { -1 },
                ..ArenaInput::default()
            };
            replica.send(&a_in, seq, input);
        }
        if let Some(f) = room.tick() {
            let ack = f.acks[a.slot];
            let e = xy(&f, a.entity).expect("a");
            assert_eq!(replica.advance(ack), e, "exact after {ack:?}");
            hurried |= ack.pace == -tickwire_protocol::MAX_PACE;
            most_repeats = most_repeats.max(ack.repeats);
            last_ack = ack.seq;
        }
    }
    assert!(hurried, "a late client is asked to send faster");
    assert!(
        most_repeats < neutral_after,
        "the repeats never turned neutral: {most_repeats}"
    );
    assert!(
        last_ack + 2 >= seq,
        "its inputs are taken fresh again: acked {last_ack} of {seq}"
    );
}

/// A page that froze for 12 ticks while its player turned sends what it owes in one burst: the
/// turn is taken late, and the timeline moves back to it, so that the burst waits behind it.
/// While the pace drains that queue (this client ignores the pace: the worst case), inputs that
/// come four at once push it past the jitter allowance, and still none is dropped as surplus:
/// every acknowledgement is exact, and the player runs every input its client predicted.
#[test]
fn the_inputs_waiting_behind_a_late_turn_are_not_dropped_as_surplus() {
    let (mut room, a_in, a, mut replica) = alone_in_an_arena("turner");
    let turn = ArenaInput {
        move_x: 1,
        ..ArenaInput::default()
    };
    let (mut seq, mut checked, mut dropped) = (0, 0, Vec::new());
    for tick in 0..240 {
        let send = match tick {
            // Standing, on time; then frozen, and the burst: 12 owed and this tick's.
            0..40 => 1,
            40..52 => 0,
            52 => 13,
            // Four at once every fourth tick.
            _ if tick % 4 == 1 => 4,
            _ => 0,
        };
        for _ in 0..send {
            seq += 1;
            let input = if tick < 40 {
                ArenaInput::default()
            } else {
                turn
            };
            replica.send(&a_in, seq, input);
        }
        if let Some(f) = room.tick() {
            let ack = f.acks[a.slot];
            let e = xy(&f, a.entity).expect("a");
            assert_eq!(replica.advance(ack), e, "exact after {ack:?}");
            dropped.extend(
                (ack.earlier().iter().enumerate())
                    .filter(|(_, n)| **n == tickwire_protocol::DROPPED)
                    .map(|(i, _)| ack.seq - 1 - i as u32),
            );
            checked += 1;
        }
    }
    assert!(checked > 100, "{checked} snapshots");
    dropped.dedup();
    assert_eq!(dropped, Vec::<u32>::new(), "no input dropped");
}

/// A game that, every step, sends event `kind` to each audience in `to`.
struct Announcer {
    tick: u64,
    schema: Arc<tickwire_protocol::Schema>,
    to: Vec<(tickwire_server::Audience, u16)>,
}

#[derive(tickwire_protocol::Replicate)]
#[replicate(kind = "beep")]
struct Beep {
    #[replicate(int(min = 0, max = 9))]
    n: u8,
}

impl Game for Announcer {
    fn add_player(&mut self, _name: &str) -> (tickwire_server::PlayerHandle, EntityId) {
        (tickwire_server::PlayerHandle(7), EntityId(7))
    }
    fn remove_player(&mut self, _player: tickwire_server::PlayerHandle) {}
    fn step(&mut self, _inputs: &[(tickwire_server::PlayerHandle, tickwire_server::TickInput)]) {
        self.tick += 1;
    }
    fn tick(&self) -> u64 {
        self.tick
    }
    fn schema(&self) -> Arc<tickwire_protocol::Schema> {
        self.schema.clone()
    }
    fn capture(&self, out: &mut tickwire_protocol::World) {
        out.clear(tickwire_protocol::Tick(self.tick as u32));
    }
    fn drain_events(&mut self) -> Vec<(tickwire_server::Audience, tickwire_server::GameEvent)> {
        self.to
            .iter()
            .map(|&(audience, kind)| {
                let event = tickwire_server::GameEvent {
                    kind,
                    record: Record::of(&Beep { n: 3 }),
                };
                (audience, event)
            })
            .collect()
    }
}

#[test]
fn events_go_to_their_audience_and_what_cannot_be_sent_is_dropped_and_counted() {
    use tickwire_server::{Audience, PlayerHandle};
    #[derive(tickwire_protocol::Replicate)]
    struct Nothing {
        #[replicate(vec2(step = 1.0), position)]
        at: [f32; 2],
    }
    let schema = tickwire_protocol::SchemaDesc::builder("beeps", 1)
        .kind::<Nothing>()
        .event::<Beep>()
        .build()
        .expect("valid");
    let to = vec![
        (Audience::Room, 0),
        (Audience::Player(PlayerHandle(7)), 0),
        (Audience::Player(PlayerHandle(8)), 0), // nobody
        (Audience::Room, 1),                    // an undeclared kind
    ]
    .into_iter()
    .chain(std::iter::repeat_n((Audience::Everyone, 0), 6))
    .collect();
    let game = Announcer {
        tick: 0,
        schema: Arc::new(schema),
        to,
    };
    let mut room = room(Box::new(game), 4);
    let seat = room
        .handle_join(ClientId(1), "ada", Arc::new(InputBuffer::new()))
        .expect("join")
        .slot;
    let frame = next_frame(&mut room);
    // Two ticks of events: two to the room and two to Ada's slot in the log.
    let targets: Vec<Option<usize>> = frame.events.iter().map(|e| e.to).collect();
    assert_eq!(targets, [None, Some(seat), None, Some(seat)]);
    assert!(frame.events.iter().all(|e| e.is_for(Some(seat))));
    assert_eq!(
        frame.events.iter().filter(|e| e.is_for(None)).count(),
        2,
        "a spectator gets the room's"
    );
    let everyone: Vec<Vec<u8>> = room.poll_everyone().collect();
    assert_eq!(
        everyone.len(),
        tickwire_server::MAX_EVERYONE_PER_TICK,
        "bounded a tick, and the first tick's, not taken, dropped"
    );
    let msg = tickwire_protocol::codec::decode_server(&everyone[0]).expect("decodes");
    let tickwire_protocol::ServerMsg::Event(e) = msg else {
        panic!("an event: {msg:?}")
    };
    let layout = frame.schema.event_layout(e.kind).expect("beep");
    let beep = tickwire_protocol::read_record(layout, &e.data).expect("a beep");
    assert_eq!(beep.read::<Beep>().map(|b| b.n), Some(3));
    // Per tick: a player gone, an undeclared kind, two over the bound; and the first tick's
    // four to everyone, which nobody took.
    assert_eq!(room.metrics().events_dropped.get(), 2 * 4 + 4);
}
