//! `Admitted`: what the upgrade settled about a game session before it started.

use std::net::IpAddr;

use crate::auth::join_token::{JoinClaims, RoomClaim};

/// What the upgrade checked: the join token's claims, the room asked for (by the token or the
/// query), and the client's address (the forwarded one behind a trusted proxy).
#[derive(Clone, Debug)]
pub(crate) struct Admitted {
    /// The join token's claims, when the server uses join tokens.
    pub(crate) claims: Option<JoinClaims>,
    /// The room asked for, or any.
    pub(crate) room: RoomClaim,
    /// The client's address.
    pub(crate) address: IpAddr,
}
