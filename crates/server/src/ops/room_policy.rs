//! `RoomPolicy`: who may create rooms through `POST /rooms`, and how many and how fast one
//! address may, with what a non-admin may ask for.

/// Who may create rooms through `POST /rooms`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RoomCreation {
    /// Anyone, within the per-address quotas (the default; with a join secret, creation needs
    /// the admin token, as the game's backend decides who plays where).
    #[default]
    Anyone,
    /// Holders of a valid join token (`Authorization: Bearer <join token>`) or the admin token;
    /// needs a join secret.
    TokenHolders,
    /// The admin token only.
    Admins,
}

impl std::str::FromStr for RoomCreation {
    type Err = String;

    fn from_str(s: &str) -> Result<RoomCreation, String> {
        match s {
            "anyone" => Ok(RoomCreation::Anyone),
            "token" | "token-holders" => Ok(RoomCreation::TokenHolders),
            "admin" | "admins" => Ok(RoomCreation::Admins),
            other => Err(format!(
                "room creation must be anyone, token or admin, not {other:?}"
            )),
        }
    }
}

/// The limits on rooms created through the API by anyone but an admin (the admin token lifts
/// all of them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoomPolicy {
    /// Who may create rooms.
    pub creation: RoomCreation,
    /// Rooms one address may have running at once (addresses grouped as the connection limits
    /// group them); 0 for no limit.
    pub per_address: usize,
    /// Rooms one address may create a minute; 0 for no limit.
    pub per_minute: u32,
    /// Most bots a non-admin may ask for in a room (the server's own default is a good cap).
    pub max_bots: u32,
}

impl Default for RoomPolicy {
    fn default() -> Self {
        RoomPolicy {
            creation: RoomCreation::Anyone,
            per_address: 2,
            per_minute: 6,
            max_bots: 4,
        }
    }
}
