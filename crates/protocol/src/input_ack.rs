//! `InputAck`: what a snapshot tells its client about the client's inputs, exactly enough for
//! the client's replay to reproduce the server.
//!
//! The server applies at most one input per player per tick, in sequence order, each input in
//! its own tick's slot. When the input for a tick has not arrived it applies the last one again
//! (a *repeat*, standing in for the missing one, which is dropped if it arrives later: in steady
//! motion the stand-in does what it would have done, and nothing needs correcting), and after
//! [`repeats_before_neutral`] repeats in a row it applies a *neutral* input instead (no movement,
//! no fire, the same aim), so that a client that went away stops. When too many have queued it
//! drops the oldest; a dropped input is older than the next one acked, so the client has nothing
//! to replay for it. The state in a snapshot is therefore the state after input `seq`, applied
//! once, then `repeats` more ticks of it (the ones past the limit neutral). Inputs acknowledged
//! between two snapshots may have been repeated or dropped too: `earlier` gives, for the
//! [`EARLIER_INPUTS`] inputs before `seq`, how many times each was repeated ([`DROPPED`] for
//! one never applied). A client that starts from its own exact state at the previous snapshot
//! and runs its inputs by these counts lands exactly on the server's state; one that skipped
//! further back than that starts again from the snapshot's (quantized) position.

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
    /// Repeats of each of the inputs `seq - 1`, `seq - 2`, ... (at most [`EARLIER_INPUTS`]);
    /// [`DROPPED`] for an input the server never applied. Only the first `earlier_len` count.
    pub earlier: [u16; EARLIER_INPUTS],
    /// How many of `earlier` are sent: trailing zeros are left off.
    pub earlier_len: u8,
}

/// Inputs before the acknowledged one whose repeats a snapshot reports.
pub const EARLIER_INPUTS: usize = 32;

/// In [`InputAck::earlier`], an input the server dropped (never applied).
pub const DROPPED: u16 = u16::MAX;

impl InputAck {
    /// The reported part of `earlier`.
    pub fn earlier(&self) -> &[u16] {
        &self.earlier[..usize::from(self.earlier_len).min(EARLIER_INPUTS)]
    }
}

/// Most the server asks a client to change its input period by, in percent either way.
pub const MAX_PACE: i8 = 5;

/// Repeats of a missing input before the server applies a neutral one instead: half a second
/// of ticks (at least one), longer than a TCP stall on a good link.
pub fn repeats_before_neutral(tick_rate: u16) -> u16 {
    (tick_rate / 2).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_a_second_of_ticks() {
        assert_eq!(repeats_before_neutral(60), 30);
        assert_eq!(repeats_before_neutral(30), 15);
        assert_eq!(repeats_before_neutral(1), 1);
    }
}
