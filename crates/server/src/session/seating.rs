//! How a good `Hello` becomes a place in a room: a fresh seat, a held seat taken back with its
//! resume token, or a spectator's view. Every refusal is an [`Ending`] with a close code and a
//! reason the player can read.

use std::sync::Arc;

use tickwire_protocol::{Hello, close};

use super::control::Control;
use super::ending::Ending;
use super::online::Online;
use super::watching::Watching;
use crate::auth::join_token::{JoinClaims, RoomClaim};
use crate::auth::resume_token::ResumeToken;
use crate::inputs::input_buffer::InputBuffer;
use crate::rooms::lobby::JoinError;
use crate::rooms::player_name::clean_name;
use crate::rooms::room_task::RoomHandle;
use crate::shared::Shared;
use crate::telemetry::metrics::CloseReason;

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

/// What an [`Ask`] comes to, before the lobby is asked: the rules of seating, kept apart from
/// the lobby's answers so that they are tested in memory.
#[derive(Debug)]
pub(super) enum Plan {
    /// Watch a room (`None`: the first one).
    Spectate(Option<u32>),
    /// Take back the seat a resume token names.
    Resume(ResumeToken),
    /// Join fresh.
    Join {
        /// The name shown, cleaned.
        name: String,
        /// The player's id in match results: the join token's subject, or one made from the
        /// name for a guest.
        player: String,
        /// A join token's subject, whose older sessions end (one live session per player).
        take_over: Option<String>,
        /// The room asked for at the upgrade.
        room: RoomClaim,
    },
}

/// Why an [`Ask`] is refused before the lobby is asked.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Refused {
    /// The `Hello`'s resume text is not a resume token.
    NotAResumeToken,
    /// The server needs a join token and the upgrade waived it for a resume, which this is not.
    TokenMissing,
}

impl Refused {
    /// The session's end: its close code and the reason the player reads.
    pub(super) fn ending(&self) -> Ending {
        match self {
            Refused::NotAResumeToken => Ending {
                count: None,
                ..Ending::kick(
                    close::RESUME_REFUSED,
                    "not a resume token",
                    CloseReason::BadMessage,
                )
            },
            Refused::TokenMissing => Ending {
                count: None,
                ..Ending::kick(
                    close::POLICY_VIOLATION,
                    "a join token is required (only a resume may come without one)",
                    CloseReason::BadMessage,
                )
            },
        }
    }
}

/// The plan for `ask` on a server that does (`token_required`) or does not need join tokens.
pub(super) fn plan(ask: &Ask<'_>, token_required: bool) -> Result<Plan, Refused> {
    if ask.spectate {
        return Ok(Plan::Spectate(match ask.room {
            RoomClaim::Id(id) => Some(id),
            RoomClaim::Any => None,
        }));
    }
    if let Some(text) = &ask.hello.resume {
        return ResumeToken::parse(text)
            .map(Plan::Resume)
            .ok_or(Refused::NotAResumeToken);
    }
    if token_required && ask.claims.is_none() {
        return Err(Refused::TokenMissing);
    }
    // A join token names the player; the room was settled at the upgrade. The name is cleaned
    // before anything logs or shows it.
    let name = clean_name(
        ask.claims
            .map_or(ask.hello.name.as_str(), |c| c.name.as_str()),
    );
    let player = ask.claims.map_or_else(
        || crate::rooms::match_clock::guest_id(&name),
        |c| c.sub.clone(),
    );
    Ok(Plan::Join {
        name,
        player,
        take_over: ask.claims.map(|c| c.sub.clone()),
        room: ask.room,
    })
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
    let planned = plan(&ask, lobby.config().join_secret.is_some()).map_err(|refused| {
        match refused {
            Refused::NotAResumeToken => {
                shared.metrics.resumes_refused.inc();
                tracing::info!(%client, "resume refused: not a resume token");
            }
            // The upgrade waived the join token for a resume (`/ws?resume`), and this is none.
            Refused::TokenMissing => shared.metrics.count_token_refused("missing"),
        }
        refused.ending()
    })?;
    match planned {
        Plan::Spectate(id) => {
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
                fan_out: room.fan_out.clone(),
            };
            Ok((
                room,
                control,
                Presence::Spectator {
                    _watching: watching,
                },
            ))
        }
        Plan::Resume(token) => {
            let (room, mut joined) = match lobby.resume(&token, client, inputs.clone()).await {
                Ok(j) => j,
                Err(JoinError::Resume(why)) => {
                    shared.metrics.resumes_refused.inc();
                    tracing::info!(%client, reason = %why, "resume refused");
                    return Err(refusal(JoinError::Resume(why)));
                }
                Err(other) => return Err(refusal(other)),
            };
            joined.welcome.room = room.id;
            tracing::info!(%client, room = room.id, entity = %joined.entity, "player resumed its seat");
            let control = Control::Joined {
                joined: Box::new(joined),
                frames: room.frames.clone(),
                fan_out: room.fan_out.clone(),
            };
            let online = Online::new(&shared.metrics.players);
            Ok((room, control, Presence::Player { _online: online }))
        }
        Plan::Join {
            name,
            player,
            take_over: sub,
            room,
        } => {
            if let Some(sub) = &sub {
                take_over(shared, sub, client);
            }
            let joining = match room {
                RoomClaim::Id(id) => {
                    lobby
                        .join_room(id, client, &player, &name, inputs.clone())
                        .await
                }
                RoomClaim::Any => lobby.join(client, &player, &name, inputs.clone()).await,
            };
            let (room, mut joined) = joining.map_err(|e| {
                if let JoinError::NoSuchRoom(_) = e {
                    // The room stopped between the upgrade, which checked it, and the Hello.
                    shared.metrics.count_token_refused("wrong_room");
                }
                refusal(e)
            })?;
            joined.welcome.room = room.id;
            tracing::info!(%client, room = room.id, entity = %joined.entity, ?name, ?sub, "player joined");
            let control = Control::Joined {
                joined: Box::new(joined),
                frames: room.frames.clone(),
                fan_out: room.fan_out.clone(),
            };
            // Counted until the session's reader returns or is aborted, whichever comes first.
            let online = Online::new(&shared.metrics.players);
            Ok((room, control, Presence::Player { _online: online }))
        }
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use tickwire_protocol::ClientId;

    fn hello(name: &str, resume: Option<&str>) -> Hello {
        Hello {
            protocol_version: tickwire_protocol::PROTOCOL_VERSION,
            name: name.into(),
            resume: resume.map(str::to_owned),
            schema: None,
        }
    }

    fn ask<'a>(hello: &'a Hello, claims: Option<&'a JoinClaims>, room: RoomClaim) -> Ask<'a> {
        Ask {
            client: ClientId(1),
            hello,
            claims,
            room,
            spectate: false,
        }
    }

    /// A join plan's name, player id, takeover and room.
    fn join(plan: Result<Plan, Refused>) -> (String, String, Option<String>, RoomClaim) {
        match plan {
            Ok(Plan::Join {
                name,
                player,
                take_over,
                room,
            }) => (name, player, take_over, room),
            other => panic!("a join, not {other:?}"),
        }
    }

    #[test]
    fn a_guest_joins_under_its_cleaned_name_and_an_id_made_from_it() {
        let h = hello("  Ada\u{0}  ", None);
        let (name, player, take_over, room) = join(plan(&ask(&h, None, RoomClaim::Any), false));
        assert_eq!(name, "Ada");
        assert_eq!(player, "guest:ada");
        assert_eq!((take_over, room), (None, RoomClaim::Any));
    }

    #[test]
    fn a_join_token_names_the_player_and_ends_its_older_sessions() {
        let h = hello("mallory", None);
        let claims = JoinClaims {
            sub: "p-42".into(),
            name: "Grace".into(),
            room: RoomClaim::Id(3),
            exp: u64::MAX,
        };
        let (name, player, take_over, room) =
            join(plan(&ask(&h, Some(&claims), RoomClaim::Id(3)), true));
        assert_eq!((name.as_str(), player.as_str()), ("Grace", "p-42"));
        assert_eq!(
            (take_over.as_deref(), room),
            (Some("p-42"), RoomClaim::Id(3))
        );
    }

    #[test]
    fn without_a_token_only_a_resume_or_a_spectator_gets_past_a_server_that_needs_one() {
        let h = hello("ada", None);
        let refused = plan(&ask(&h, None, RoomClaim::Any), true).expect_err("needs a token");
        assert_eq!(refused, Refused::TokenMissing);
        let e = refused.ending();
        assert_eq!(e.code, close::POLICY_VIOLATION);
        assert!(
            e.count.is_none(),
            "counted as a token refusal, not a close reason"
        );

        let token = ResumeToken::from_parts(9, [7; 16]).to_string();
        let h = hello("ada", Some(&token));
        assert!(matches!(
            plan(&ask(&h, None, RoomClaim::Any), true),
            Ok(Plan::Resume(t)) if t.matches(&ResumeToken::from_parts(9, [7; 16]))
        ));

        let h = hello("ada", None);
        let watch = Ask {
            spectate: true,
            ..ask(&h, None, RoomClaim::Id(4))
        };
        assert!(matches!(plan(&watch, true), Ok(Plan::Spectate(Some(4)))));
    }

    #[test]
    fn a_resume_text_that_is_no_token_is_refused_with_the_resume_code() {
        let h = hello("ada", Some("9-not-hex"));
        let refused = plan(&ask(&h, None, RoomClaim::Any), false).expect_err("no token");
        assert_eq!(refused, Refused::NotAResumeToken);
        let e = refused.ending();
        assert_eq!(
            (e.code, e.reason.as_str()),
            (close::RESUME_REFUSED, "not a resume token")
        );
        assert!(e.kick);
    }
}
