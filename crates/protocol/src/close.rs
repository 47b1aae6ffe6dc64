//! WebSocket close codes the server uses, and what each means to a client.
//!
//! Codes below 4000 are RFC 6455's; codes 4000..=4999 are tickwire's own. The close reason text
//! is short, human readable and meant for logs and for the player.

/// Normal end of a session (either side asked to leave).
pub const NORMAL: u16 = 1000;
/// The server is shutting down or restarting.
pub const GOING_AWAY: u16 = 1001;
/// The peer broke the WebSocket protocol (bad frame, reserved bits, bad continuation).
pub const PROTOCOL_ERROR: u16 = 1002;
/// The peer sent a kind of message the server does not accept (text frames).
pub const UNSUPPORTED_DATA: u16 = 1003;
/// A message's payload is not valid for its type (for example invalid UTF-8 in text).
pub const INVALID_PAYLOAD: u16 = 1007;
/// A binary message did not decode, or broke a rule of the game protocol.
pub const POLICY_VIOLATION: u16 = 1008;
/// A message was larger than the server accepts.
pub const MESSAGE_TOO_BIG: u16 = 1009;
/// The server hit an unexpected condition.
pub const INTERNAL_ERROR: u16 = 1011;
/// The client's `Hello` named another protocol version.
pub const VERSION_MISMATCH: u16 = 4001;
/// The room is full.
pub const SERVER_FULL: u16 = 4002;
/// The client sent messages faster than the server accepts.
pub const FLOODING: u16 = 4003;
/// The client did not say `Hello` in time.
pub const HANDSHAKE_TIMEOUT: u16 = 4004;
/// The client sent `Hello` twice, or another message before `Hello`.
pub const UNEXPECTED_MESSAGE: u16 = 4005;
/// The client sent nothing (no input, no ping) for longer than the server's idle timeout: its
/// seat is freed for someone who plays.
pub const IDLE: u16 = 4006;
/// An operator of the server removed the player (a kick or a ban); the reason says which.
/// Clients should not reconnect by themselves.
pub const KICKED: u16 = 4007;
/// An operator closed the room. Clients may quick join another.
pub const ROOM_CLOSED: u16 = 4008;
/// The `Hello`'s resume token was refused: its seat's window ran out (the seat is gone), it was
/// already used, or its room stopped. The client joins fresh.
pub const RESUME_REFUSED: u16 = 4010;
/// The room has its most spectators (`--max-spectators`).
pub const SPECTATORS_FULL: u16 = 4011;
/// The player's seat was resumed on another connection (with this session's resume token):
/// this one ends, and should not reconnect by itself.
pub const SESSION_REPLACED: u16 = 4012;
/// The client's `Hello` named the schema of another game's data (or another version of it):
/// it could not decode this server's snapshots. The reason names both schemas.
pub const SCHEMA_MISMATCH: u16 = 4013;
