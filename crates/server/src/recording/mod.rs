//! Match recordings: what a room stages, the writer thread that owns a file, the recordings
//! folder with its expiry, the `/matches/{id}/replay` routes, and the replay of a recording
//! through its game. `replay_sim` (verify a recording, make a viewer's stream) and
//! `recording_writer` (write one) are public for the tools and tests.

pub(crate) mod file_names;
pub(crate) mod recording_expiry;
pub mod recording_writer;
pub(crate) mod recordings_dir;
pub(crate) mod replay_http;
pub mod replay_sim;
pub(crate) mod room_recording;
