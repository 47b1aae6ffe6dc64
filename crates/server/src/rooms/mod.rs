//! Rooms and matches: the lobby that seats players, `Room` (one match as a plain struct, no IO,
//! no clock), the room task that ticks it, the published `SnapshotFrame` with its
//! area-of-interest views and events, the match clock, and a match's recording and result on
//! their way out.

pub(crate) mod aoi;
pub(crate) mod event_log;
pub(crate) mod everyone;
pub(crate) mod fan_out;
pub(crate) mod fixed_frame;
pub(crate) mod frame_cache;
pub(crate) mod lobby;
pub(crate) mod match_clock;
pub(crate) mod match_recording;
pub(crate) mod player_name;
pub(crate) mod room;
pub(crate) mod room_request;
pub(crate) mod room_task;
pub(crate) mod snapshot;
