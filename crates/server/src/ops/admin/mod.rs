//! The admin API: who is connected, kicks and bans by player or address, closing a room, and
//! server messages, behind the admin token; on the admin listener when there is one. Every
//! action is logged and counted.

mod bans;
mod routes;
mod sessions;
mod token;

pub(crate) use bans::{BanKey, Bans};
pub(crate) use routes::{admin_asked, authorize, close_room, route};
pub(crate) use sessions::{SessionInfo, Sessions, Target};
pub(crate) use token::bearer;
pub use token::{AdminToken, AdminTokenTooShort, MIN_ADMIN_TOKEN_LEN};
