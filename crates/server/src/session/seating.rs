//! How a good `Hello` becomes a place in a room: a fresh seat, a held seat taken back with its
//! resume token, or a spectator's view. Every refusal is an [`Ending`] with a close code and a
//! reason the player can read.

use std::sync::Arc;

use tickwire_protocol::{Hello, close};

use super::control::Control;
use super::ending::Ending;
use super::online::Online;
use super::watching::Watching;
use crate::input_buffer::InputBuffer;
use crate::join_token::{JoinClaims, RoomClaim};
use crate::lobby::JoinError;
use crate::metrics::CloseReason;
use crate::player_name::clean_name;
use crate::resume_token::ResumeToken;
use crate::room_task::RoomHandle;
use crate::shared::Shared;

/// What the session holds while it is in a room: a player in the players gauge, or a
/// spectator in its room's count. Dropping it gives the place back.
#[derive(Debug)]
pub(super) enum Presence {
    /// A player (fresh or resumed).
    Player {
        /// Held for its `Drop`.
        _online: Online,
    },
    /// A spectator.
    Spectator {
        /// Held for its `Drop`.
        _watching: Watching,
    },
}

impl Presence {
    /// True for a spectator, which must not send inputs.
    pub(super) fn is_spectator(&self) -> bool {
        matches!(self, Presence::Spectator { .. })
    }
}

/// Who is asking for a place: the session's id, its `Hello`, the join token's claims, the room
/// asked for at the upgrade, and whether it came to watch.
pub(super) struct Ask<'a> {
    pub(super) client: tickwire_protocol::ClientId,
    pub(super) hello: &'a Hello,
    pub(super) claims: Option<&'a JoinClaims>,
    pub(super) room: RoomClaim,
    pub(super) spectate: bool,
}

/// Finds the session its place; returns the room, what the writer must send first, and the
/// session's presence.
pub(super) async fn take_place(
    ask: Ask<'_>,
    inputs: &Arc<InputBuffer>,
    shared: &Arc<Shared>,
) -> Result<(RoomHandle, Control, Presence), Ending> {
    let lobby = &shared.lobby;
    let client = ask.client;
    if ask.spectate {
        let id = match ask.room {
            RoomClaim::Id(id) => Some(id),
            RoomClaim::Any => None,
        };
        let (room, mut welcome) = lobby.spectate(id, client).await.map_err(refusal)?;
        welcome.room = room.id;
        let max = lobby.config().max_spectators;
        let Some(watching) = Watching::enter(&room.spectators, max, &shared.metrics.spectators)
        else {
            shared.metrics.spectators_refused.inc();
            return Err(Ending::kick(
                close::SPECTATORS_FULL,
                format!("room {} has its most spectators ({max})", room.id),
                CloseReason::Full,
            ));
        };
        tracing::info!(%client, room = room.id, "spectator joined");
        let control = Control::Watching {
            welcome: Box::new(welcome),
            frames: room.frames.clone(),
        };
        return Ok((
            room,
            control,
            Presence::Spectator {
                _watching: watching,
            },
        ));
    }

    if let Some(text) = &ask.hello.resume {
        let refused = |reason: String| {
            shared.metrics.resumes_refused.inc();
            tracing::info!(%client, %reason, "resume refused");
            Ending {
                count: None,
                ..Ending::kick(close::RESUME_REFUSED, reason, CloseReason::BadMessage)
            }
        };
        let Some(token) = ResumeToken::parse(text) else {
            return Err(refused("not a resume token".into()));
        };
        let (room, mut joined) = match lobby.resume(&token, client, inputs.clone()).await {
            Ok(j) => j,
            Err(JoinError::Resume(why)) => return Err(refused(why.to_string())),
            Err(other) => return Err(refusal(other)),
        };
        joined.welcome.room = room.id;
        tracing::info!(%client, room = room.id, entity = %joined.entity, "player resumed its seat");
        let control = Control::Joined {
            joined: Box::new(joined),
            frames: room.frames.clone(),
        };
        let online = Online::new(&shared.metrics.players);
        return Ok((room, control, Presence::Player { _online: online }));
    }

    if lobby.config().join_secret.is_some() && ask.claims.is_none() {
        // The upgrade waived the join token for a resume (`/ws?resume`), and this is none.
        shared.metrics.count_token_refused("missing");
        return Err(Ending {
            count: None,
            ..Ending::kick(
                close::POLICY_VIOLATION,
                "a join token is required (only a resume may come without one)",
                CloseReason::BadMessage,
            )
        });
    }

    // A join token names the player; the room was settled at the upgrade. The name is cleaned
    // before anything logs or shows it.
    let name = &clean_name(
        ask.claims
            .map_or(ask.hello.name.as_str(), |c| c.name.as_str()),
    );
    // The player's id in match results: the join token's subject, else one made from the name.
    let player = ask
        .claims
        .map_or_else(|| crate::match_clock::guest_id(name), |c| c.sub.clone());
    if let Some(claims) = ask.claims {
        take_over(shared, &claims.sub, client);
    }
    let joining = match ask.room {
        RoomClaim::Id(id) => {
            lobby
                .join_room(id, client, &player, name, inputs.clone())
                .await
        }
        RoomClaim::Any => lobby.join(client, &player, name, inputs.clone()).await,
    };
    let (room, mut joined) = joining.map_err(|e| {
        if let JoinError::NoSuchRoom(_) = e {
            // The room stopped between the upgrade, which checked it, and the Hello.
            shared.metrics.count_token_refused("wrong_room");
        }
        refusal(e)
    })?;
    joined.welcome.room = room.id;
    tracing::info!(%client, room = room.id, entity = %joined.entity, ?name, sub = ask.claims.map(|c| c.sub.as_str()), "player joined");
    let control = Control::Joined {
        joined: Box::new(joined),
        frames: room.frames.clone(),
    };
    // Counted until the session's reader returns or is aborted, whichever comes first.
    let online = Online::new(&shared.metrics.players);
    Ok((room, control, Presence::Player { _online: online }))
}

/// One live session per join-token player: a new join of `sub` ends its older sessions (close
/// [`close::SAME_PLAYER_JOINED`]), whose seats are freed for it.
fn take_over(shared: &Shared, sub: &str, client: tickwire_protocol::ClientId) {
    for (id, link) in shared.sessions.of_player(sub) {
        shared.metrics.abuse.sessions_replaced.inc();
        tracing::info!(%client, replaced = id, sub = ?sub, "the same player joined again; the older session ends");
        link.kick(
            close::SAME_PLAYER_JOINED,
            "the same player joined on another connection".into(),
        );
    }
}

/// The ending of a join the lobby refused.
fn refusal(e: JoinError) -> Ending {
    let quiet_kick = |code, reason: String| Ending {
        count: None,
        ..Ending::kick(code, reason, CloseReason::Full)
    };
    match e {
        JoinError::Full => {
            Ending::kick(close::SERVER_FULL, "the server is full", CloseReason::Full)
        }
        JoinError::NoSuchRoom(0) => quiet_kick(close::POLICY_VIOLATION, "no room to watch".into()),
        JoinError::NoSuchRoom(id) => {
            quiet_kick(close::POLICY_VIOLATION, format!("no such room: {id}"))
        }
        JoinError::ShuttingDown => {
            quiet_kick(close::GOING_AWAY, "the server is shutting down".into())
        }
        JoinError::Resume(why) => quiet_kick(close::RESUME_REFUSED, why.to_string()),
    }
}
