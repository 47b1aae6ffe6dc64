//! A player's inputs on their way from the session reader to the room: decoded on arrival
//! (`PlayerInput`), handed over through a bounded buffer (`InputBuffer`) and paced tick by tick
//! (`InputPacer`: fresh, repeated or neutral, and the acknowledgement the snapshots carry).

pub(crate) mod input_buffer;
pub(crate) mod input_pacer;
pub(crate) mod player_input;
pub(crate) mod read_call;
