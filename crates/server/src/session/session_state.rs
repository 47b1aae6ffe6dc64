//! `SessionState`: what a game session's reader decides, without sockets or a clock of its own.
//!
//! The reader's IO loop (`reader.rs`) hands every whole message in with
//! [`SessionState::handle_message`] and the time with it, asks [`SessionState::poll_deadline`]
//! when it must wake without a message, and calls [`SessionState::handle_timeout`] then. Each
//! call answers a [`Step`]: what the loop must do (ask the lobby for a place, push an input,
//! answer a ping, end the session with a close code and reason). The handshake rules (a `Hello`
//! of this protocol version and schema first, in time), the input rules (a record of the game's
//! input layout, sequence numbers that move forward, none from a spectator) and the idle rules
//! (a player idles out on inputs, a spectator on silence) live here, and are tested in memory.

use std::sync::Arc;
use std::time::Duration;

use tickwire_protocol::{ClientMsg, Hello, Schema, Subscribe, close, codec};
use tokio::time::Instant;

use super::ending::{Ending, truncate_utf8};
use super::message_reader::Message;
use crate::inputs::player_input::PlayerInput;
use crate::telemetry::metrics::CloseReason;

/// What the IO loop must do after a message or a deadline.
#[derive(Debug)]
pub(crate) enum Step {
    /// A good `Hello`: find the session its place (a seat, a held seat, a spectator's view) and
    /// report the outcome with [`SessionState::seated`].
    Seat(Box<Hello>),
    /// An input to push into the room's input buffer.
    Input(PlayerInput),
    /// A ping to answer with the room's tick.
    Pong {
        /// The client's nonce, echoed.
        nonce: u32,
    },
    /// The client's subscriptions.
    Subscribe(Subscribe),
    /// Nothing to do (an input older than one already taken).
    Nothing,
    /// The session ends so.
    End(Ending),
}

/// Where the session is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Waiting for the `Hello`, until the deadline.
    Hello { deadline: Instant },
    /// The `Hello` was good; the lobby is finding the place.
    Seating,
    /// In a room, as a player or a spectator.
    InRoom { spectator: bool },
    /// Ended: nothing more is read.
    Ended,
}

/// The reader's rules for one game session (see the module's doc).
#[derive(Debug)]
pub(crate) struct SessionState {
    schema: Arc<Schema>,
    idle: Duration,
    phase: Phase,
    /// The newest input sequence taken.
    last_seq: Option<u32>,
    /// When the last input (player) or message (spectator) arrived.
    last_heard: Instant,
}

impl SessionState {
    /// A session that opened at `now`: its `Hello` is due within `hello_timeout`; once in a room,
    /// a player that sends no input, or a spectator that sends nothing, for `idle` is closed.
    pub(crate) fn new(
        schema: Arc<Schema>,
        hello_timeout: Duration,
        idle: Duration,
        now: Instant,
    ) -> SessionState {
        SessionState {
            schema,
            idle,
            phase: Phase::Hello {
                deadline: now + hello_timeout,
            },
            last_seq: None,
            last_heard: now,
        }
    }

    /// The lobby found the place at `now` (after [`Step::Seat`]): a player's or a spectator's.
    pub(crate) fn seated(&mut self, spectator: bool, now: Instant) {
        self.phase = Phase::InRoom { spectator };
        self.last_heard = now;
    }

    /// When [`SessionState::handle_timeout`] is due if no message comes first; `None` while the
    /// lobby seats the session or after it ended.
    pub(crate) fn poll_deadline(&self) -> Option<Instant> {
        match self.phase {
            Phase::Hello { deadline } => Some(deadline),
            Phase::InRoom { .. } => Some(self.last_heard + self.idle),
            Phase::Seating | Phase::Ended => None,
        }
    }

    /// The deadline passed at `now` with no message: the ending (`None` before the deadline).
    pub(crate) fn handle_timeout(&mut self, now: Instant) -> Option<Ending> {
        let ending = match self.phase {
            Phase::Hello { deadline } if now >= deadline => Ending::kick(
                close::HANDSHAKE_TIMEOUT,
                format!("no Hello within {}", seconds(deadline - self.last_heard)),
                CloseReason::HelloTimeout,
            ),
            Phase::InRoom { spectator } if now >= self.last_heard + self.idle => {
                let what = if spectator {
                    "nothing received"
                } else {
                    "no input"
                };
                Ending::kick(
                    close::IDLE,
                    format!("{what} for {}", seconds(self.idle)),
                    CloseReason::Idle,
                )
            }
            _ => return None,
        };
        self.phase = Phase::Ended;
        Some(ending)
    }

    /// A whole message from the client, at `now`.
    pub(crate) fn handle_message(&mut self, message: Message, now: Instant) -> Step {
        let step = self.step(message, now);
        if let Step::End(_) = step {
            self.phase = Phase::Ended;
        }
        step
    }

    fn step(&mut self, message: Message, now: Instant) -> Step {
        if message.text {
            return Step::End(Ending::kick(
                close::UNSUPPORTED_DATA,
                "text messages are not accepted; the protocol is binary",
                CloseReason::Text,
            ));
        }
        let bytes = message.payload;
        match self.phase {
            Phase::Hello { .. } => self.hello(&bytes),
            Phase::InRoom { spectator } => {
                // A player idles out on inputs: pings alone do not hold a seat.
                if spectator {
                    self.last_heard = now;
                }
                self.in_room(&bytes, spectator, now)
            }
            // The reader does not read while the lobby seats it, nor after the end.
            Phase::Seating | Phase::Ended => Step::Nothing,
        }
    }

    fn hello(&mut self, bytes: &[u8]) -> Step {
        if let Some(v) = codec::peek_hello_version(bytes)
            && v != tickwire_protocol::PROTOCOL_VERSION
        {
            tracing::info!(version = v, "refused a client of another protocol version");
            return Step::End(Ending::kick(
                close::VERSION_MISMATCH,
                format!(
                    "protocol version {v} is not supported; this server speaks {}",
                    tickwire_protocol::PROTOCOL_VERSION
                ),
                CloseReason::Version,
            ));
        }
        let hello = match codec::decode_client(bytes) {
            Ok(ClientMsg::Hello(h)) => h,
            Ok(_) => {
                return Step::End(Ending::kick(
                    close::UNEXPECTED_MESSAGE,
                    "the first message must be Hello",
                    CloseReason::BadMessage,
                ));
            }
            Err(e) => return Step::End(bad_message(&e)),
        };
        if let Some(ending) = self.schema_refusal(hello.schema) {
            return Step::End(ending);
        }
        self.phase = Phase::Seating;
        Step::Seat(Box::new(hello))
    }

    fn in_room(&mut self, bytes: &[u8], spectator: bool, now: Instant) -> Step {
        match codec::decode_client(bytes) {
            Ok(ClientMsg::Input(_)) if spectator => Step::End(Ending::kick(
                close::UNEXPECTED_MESSAGE,
                "spectators send no inputs",
                CloseReason::BadMessage,
            )),
            Ok(ClientMsg::Input(input)) => {
                // Read once, here, by the game's input fields; the room holds it decoded.
                let input = match PlayerInput::decode(&input, self.schema.input()) {
                    Ok(input) => input,
                    Err(e) => return Step::End(bad_input(&e)),
                };
                // Inputs must move forward; a stale or repeated one is ignored, not applied twice.
                if self
                    .last_seq
                    .is_some_and(|s| !tickwire_protocol::seq::is_newer(input.seq, s))
                {
                    return Step::Nothing;
                }
                self.last_seq = Some(input.seq);
                self.last_heard = now;
                Step::Input(input)
            }
            Ok(ClientMsg::Ping(ping)) => Step::Pong { nonce: ping.nonce },
            Ok(ClientMsg::Subscribe(topics)) => Step::Subscribe(topics),
            Ok(ClientMsg::Hello(_)) => Step::End(Ending::kick(
                close::UNEXPECTED_MESSAGE,
                "Hello sent twice",
                CloseReason::BadMessage,
            )),
            Err(e) => Step::End(bad_message(&e)),
        }
    }

    /// The refusal of a client built for another schema than the server's (a `Hello` that
    /// names one).
    fn schema_refusal(&self, theirs: Option<tickwire_protocol::SchemaHash>) -> Option<Ending> {
        let ours = &self.schema;
        let theirs = theirs.filter(|&h| h != ours.hash())?;
        tracing::info!(schema = %theirs, server = %ours.hash(), "refused a client of another schema");
        Some(Ending::kick(
            close::SCHEMA_MISMATCH,
            // Both hashes come before the game's name, which a long name may cut (123 bytes).
            format!(
                "this client is for another game's data (schema {theirs}); this server's is {} ({:?})",
                ours.hash(),
                ours.desc().game
            ),
            CloseReason::Schema,
        ))
    }
}

/// A duration as a person reads it in a close reason: "5 s", "1.5 s".
fn seconds(d: Duration) -> String {
    format!("{} s", d.as_secs_f64())
}

/// The end of a session whose input's record does not decode as the game's input.
fn bad_input(e: &tickwire_protocol::CodecError) -> Ending {
    tracing::warn!(error = %e, "an input record that does not decode");
    let mut reason = format!("bad input: not this game's input record ({e})");
    truncate_utf8(&mut reason, 120);
    Ending::kick(close::POLICY_VIOLATION, reason, CloseReason::BadMessage)
}

fn bad_message(e: &tickwire_protocol::CodecError) -> Ending {
    tracing::warn!(error = %e, "bad client message");
    let mut reason = format!("bad message: {e}");
    // A close reason must fit in a control frame (123 bytes).
    truncate_utf8(&mut reason, 120);
    Ending::kick(close::POLICY_VIOLATION, reason, CloseReason::BadMessage)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tickwire_protocol::{
        FieldDesc, Input, InputDesc, Intent, KindDesc, Ping, Record, SchemaDesc, WireType,
        write_record,
    };

    const HELLO_TIMEOUT: Duration = Duration::from_secs(5);
    const IDLE: Duration = Duration::from_secs(60);

    /// A game with one kind and a two-field input: a step in x and a flag.
    fn schema() -> Arc<Schema> {
        let desc = SchemaDesc {
            game: "steps".into(),
            version: 1,
            kinds: vec![KindDesc::new(
                "walker",
                vec![FieldDesc::new("x", WireType::Int { min: 0, max: 100 })],
            )],
            input: InputDesc {
                fields: vec![
                    FieldDesc::new("dx", WireType::Int { min: -1, max: 1 }),
                    FieldDesc::new("jump", WireType::Bool),
                ],
                intent: vec![Intent::Always, Intent::Always],
            },
            ..SchemaDesc::default()
        };
        Arc::new(Schema::new(desc).expect("a valid schema"))
    }

    fn binary(msg: &ClientMsg) -> Message {
        let mut payload = Vec::new();
        codec::encode_client(msg, &mut payload).expect("encodes");
        Message {
            text: false,
            payload,
        }
    }

    fn hello(schema: Option<tickwire_protocol::SchemaHash>) -> Message {
        binary(&ClientMsg::Hello(Hello {
            protocol_version: tickwire_protocol::PROTOCOL_VERSION,
            name: "ada".into(),
            resume: None,
            schema,
        }))
    }

    fn input(schema: &Schema, seq: u32, dx: i32) -> Message {
        let mut data = Vec::new();
        write_record(
            schema.input(),
            &Record::build(|w| {
                w.values(&[dx, 0]);
            }),
            &mut data,
        );
        binary(&ClientMsg::Input(Input {
            seq,
            view_tick: 0,
            data,
        }))
    }

    fn ping(nonce: u32) -> Message {
        binary(&ClientMsg::Ping(Ping::new(nonce)))
    }

    /// A session that said Hello and was seated at `t0`.
    fn seated(spectator: bool) -> (SessionState, Instant) {
        let t0 = Instant::now();
        let mut s = SessionState::new(schema(), HELLO_TIMEOUT, IDLE, t0);
        assert!(matches!(s.handle_message(hello(None), t0), Step::Seat(_)));
        assert_eq!(s.poll_deadline(), None, "no deadline while seating");
        s.seated(spectator, t0);
        (s, t0)
    }

    fn ended(step: Step) -> Ending {
        match step {
            Step::End(e) => e,
            other => panic!("expected the end, got {other:?}"),
        }
    }

    #[test]
    fn a_good_hello_asks_for_a_seat_and_one_naming_our_schema_too() {
        let t0 = Instant::now();
        let schema = schema();
        let mut s = SessionState::new(schema.clone(), HELLO_TIMEOUT, IDLE, t0);
        match s.handle_message(hello(Some(schema.hash())), t0) {
            Step::Seat(h) => assert_eq!(h.name, "ada"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_hello_is_due_in_time() {
        let t0 = Instant::now();
        let mut s = SessionState::new(schema(), HELLO_TIMEOUT, IDLE, t0);
        assert_eq!(s.poll_deadline(), Some(t0 + HELLO_TIMEOUT));
        assert!(s.handle_timeout(t0 + HELLO_TIMEOUT / 2).is_none());
        let e = s.handle_timeout(t0 + HELLO_TIMEOUT).expect("timed out");
        assert_eq!(
            (e.code, e.reason.as_str()),
            (close::HANDSHAKE_TIMEOUT, "no Hello within 5 s")
        );
        assert_eq!(s.poll_deadline(), None, "ended");
    }

    #[test]
    fn the_first_message_must_be_a_hello_of_this_version_and_schema() {
        let t0 = Instant::now();
        let fresh = || SessionState::new(schema(), HELLO_TIMEOUT, IDLE, t0);
        let e = ended(fresh().handle_message(ping(1), t0));
        assert_eq!(e.code, close::UNEXPECTED_MESSAGE);

        let mut old = hello(None);
        // The version is the Hello's first field, as a varint: 1 is no version we speak.
        old.payload[1] = 1;
        let e = ended(fresh().handle_message(old, t0));
        assert_eq!(e.code, close::VERSION_MISMATCH, "{}", e.reason);

        let other = Schema::new(SchemaDesc {
            game: "other".into(),
            ..(*schema()).desc().clone()
        })
        .expect("valid");
        let e = ended(fresh().handle_message(hello(Some(other.hash())), t0));
        assert_eq!(e.code, close::SCHEMA_MISMATCH);
        assert!(e.reason.contains("\"steps\""), "{}", e.reason);

        let text = Message {
            text: true,
            payload: b"hi".to_vec(),
        };
        let e = ended(fresh().handle_message(text, t0));
        assert_eq!(e.code, close::UNSUPPORTED_DATA);

        let junk = Message {
            text: false,
            payload: vec![0xff; 9],
        };
        let e = ended(fresh().handle_message(junk, t0));
        assert_eq!(e.code, close::POLICY_VIOLATION);
        assert!(e.reason.starts_with("bad message"), "{}", e.reason);
    }

    #[test]
    fn inputs_move_forward_and_stale_ones_are_ignored() {
        let (mut s, t0) = seated(false);
        let schema = schema();
        let seqs: Vec<Option<u32>> = [5, 4, 5, 6]
            .into_iter()
            .map(|seq| match s.handle_message(input(&schema, seq, 1), t0) {
                Step::Input(i) => Some(i.seq),
                Step::Nothing => None,
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(seqs, [Some(5), None, None, Some(6)]);
    }

    #[test]
    fn an_input_that_is_not_the_games_record_ends_the_session() {
        let (mut s, t0) = seated(false);
        let bad = binary(&ClientMsg::Input(Input {
            seq: 1,
            view_tick: 0,
            data: vec![0xff; 40],
        }));
        let e = ended(s.handle_message(bad, t0));
        assert_eq!(e.code, close::POLICY_VIOLATION);
        assert!(e.reason.starts_with("bad input"), "{}", e.reason);
    }

    #[test]
    fn a_player_idles_out_on_inputs_even_while_it_pings() {
        let (mut s, t0) = seated(false);
        let schema = schema();
        let t1 = t0 + IDLE / 2;
        assert!(matches!(
            s.handle_message(input(&schema, 1, 1), t1),
            Step::Input(_)
        ));
        assert_eq!(s.poll_deadline(), Some(t1 + IDLE));
        let late = t1 + IDLE - Duration::from_secs(1);
        assert!(matches!(
            s.handle_message(ping(7), late),
            Step::Pong { nonce: 7 }
        ));
        assert_eq!(s.poll_deadline(), Some(t1 + IDLE), "a ping holds no seat");
        assert!(s.handle_timeout(late).is_none());
        let e = s.handle_timeout(t1 + IDLE).expect("idle");
        assert_eq!(
            (e.code, e.reason.as_str()),
            (close::IDLE, "no input for 60 s")
        );
    }

    #[test]
    fn a_spectator_sends_no_inputs_and_idles_out_on_silence() {
        let (mut s, t0) = seated(true);
        let t1 = t0 + IDLE / 2;
        assert!(matches!(
            s.handle_message(ping(1), t1),
            Step::Pong { nonce: 1 }
        ));
        assert_eq!(
            s.poll_deadline(),
            Some(t1 + IDLE),
            "a spectator is kept by any message"
        );
        let e = s.handle_timeout(t1 + IDLE).expect("idle");
        assert_eq!(e.reason, "nothing received for 60 s");

        let (mut s, t0) = seated(true);
        let e = ended(s.handle_message(input(&schema(), 1, 0), t0));
        assert_eq!(
            (e.code, e.reason.as_str()),
            (close::UNEXPECTED_MESSAGE, "spectators send no inputs")
        );
    }

    #[test]
    fn a_second_hello_ends_the_session_and_nothing_is_read_after_the_end() {
        let (mut s, t0) = seated(false);
        let e = ended(s.handle_message(hello(None), t0));
        assert_eq!(e.reason, "Hello sent twice");
        assert!(matches!(s.handle_message(ping(1), t0), Step::Nothing));
        assert!(s.handle_timeout(t0 + IDLE * 2).is_none());
    }
}
