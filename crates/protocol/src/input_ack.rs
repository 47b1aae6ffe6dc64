//! `InputAck`: what a snapshot tells its client about the client's inputs, exactly enough for
//! the client's replay to reproduce the server.
//!
//! The server applies at most one input per player per tick, in sequence order. When none has
//! arrived for a tick it applies the last one again (a *repeat*), and after
//! [`repeats_before_neutral`] repeats in a row it applies a *neutral* input instead (no movement,
//! no fire, the same aim), so that a client that went away stops. When too many have queued it
//! drops the oldest; a dropped input is older than the next one acked, so the client has nothing
//! to replay for it. The state in a snapshot is therefore the state after input `seq`, applied
//! once, then `repeats` more ticks of it (the ones past the limit neutral), and a client that
//! starts from its own state after `seq` and runs those repeats lands exactly on the server's.

/// A client's acknowledgement in one snapshot.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InputAck {
    /// The sequence number of the last input the server applied fresh (0: none yet).
    pub seq: u32,
    /// Ticks since then on which no new input had arrived and the server applied `seq` again
    /// (or, past [`repeats_before_neutral`], a neutral input).
    pub repeats: u16,
    /// The pace the server asks for: the client should stretch the period between its inputs by
    /// `pace` percent (negative: send faster), to keep the server's input buffer at its target.
    pub pace: i8,
}

/// Most the server asks a client to change its input period by, in percent either way.
pub const MAX_PACE: i8 = 5;

/// Repeats of a missing input before the server applies a neutral one instead: a quarter of a
/// second of ticks (at least one).
pub fn repeats_before_neutral(tick_rate: u16) -> u16 {
    (tick_rate / 4).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quarter_second_of_ticks() {
        assert_eq!(repeats_before_neutral(60), 15);
        assert_eq!(repeats_before_neutral(30), 7);
        assert_eq!(repeats_before_neutral(1), 1);
    }
}
