//! The admin API's routes. Every request needs the admin token; every action is logged with
//! the requester's address and counted in `tickwire_admin_actions_total`.

use std::net::{IpAddr, SocketAddr};

use hyper::header::{HeaderValue, WWW_AUTHENTICATE};
use hyper::{Method, Request, Response, StatusCode};
use serde::Deserialize;
use serde_json::json;
use tickwire_protocol::{Notice, ServerMsg, close, codec};

use super::token::bearer;
use super::{BanKey, Target};
use crate::edge::client_addr::client_ip;
use crate::edge::respond::{Body, json, json_error, read_json, too_many_guesses};
use crate::shared::Shared;

/// Answers a request under `/admin/`.
pub(crate) async fn route(
    req: Request<axum::body::Body>,
    shared: &Shared,
    peer: SocketAddr,
) -> Response<Body> {
    if let Err(refusal) = authorize(&req, shared, peer) {
        return *refusal;
    }
    let (parts, body) = req.into_parts();
    match (&parts.method, parts.uri.path()) {
        (&Method::GET, "/admin/sessions") => json(StatusCode::OK, &shared.sessions.list()),
        (&Method::GET, "/admin/bans") => json(StatusCode::OK, &shared.bans.list()),
        (&Method::POST, "/admin/kick") => match read_json(body, shared).await {
            Ok(b) => kick(shared, peer, b),
            Err(resp) => resp,
        },
        (&Method::POST, "/admin/bans") => match read_json(body, shared).await {
            Ok(b) => ban(shared, peer, b),
            Err(resp) => resp,
        },
        (&Method::DELETE, "/admin/bans") => match read_json(body, shared).await {
            Ok(b) => unban(shared, peer, b),
            Err(resp) => resp,
        },
        (&Method::POST, "/admin/notice") => match read_json(body, shared).await {
            Ok(b) => notice(shared, peer, b),
            Err(resp) => resp,
        },
        _ => json_error(StatusCode::NOT_FOUND, "no such admin route"),
    }
}

/// Checks the admin token: 403 when the admin API is off, 401 when the token is missing or
/// wrong (logged and counted).
pub(crate) fn authorize<B>(
    req: &Request<B>,
    shared: &Shared,
    peer: SocketAddr,
) -> Result<(), Box<Response<Body>>> {
    let Some(token) = &shared.lobby.config().admin_token else {
        return Err(Box::new(json_error(
            StatusCode::FORBIDDEN,
            "the admin API is off; start the server with --admin-token",
        )));
    };
    let address = shared.address_group(client_ip(peer, req.headers(), shared.limits.trust_proxy));
    let now = std::time::Instant::now();
    if let Some(wait) = shared.guesses.wait(address, now) {
        return Err(Box::new(too_many_guesses(shared, wait)));
    }
    if token.permits(req.headers()) {
        return Ok(());
    }
    shared.metrics.admin_refused.inc();
    if bearer(req.headers()).is_some() {
        shared.metrics.abuse.count_guess("admin_token");
        let failure = shared.guesses.failed(address, now);
        if failure.log {
            tracing::warn!(%peer, failures = failure.failures, path = ?req.uri().path(), "admin request with a wrong token");
        }
    }
    let mut resp = json_error(
        StatusCode::UNAUTHORIZED,
        "the admin API needs the admin token as Authorization: Bearer <token>",
    );
    resp.headers_mut()
        .insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    Err(Box::new(resp))
}

/// Whether a request carries the admin token, on a listener that serves operator routes
/// (`ops`): with an admin listener, the token counts only there. A wrong token is counted
/// against the address as a guess; an address that guessed too often is answered 429 (`Err`).
pub(crate) fn admin_asked<B>(
    req: &Request<B>,
    shared: &Shared,
    peer: SocketAddr,
    ops: bool,
) -> Result<bool, Box<Response<Body>>> {
    if shared.lobby.config().admin_token.is_none() || !ops || bearer(req.headers()).is_none() {
        return Ok(false);
    }
    authorize(req, shared, peer)
        .map(|()| true)
        .or_else(|refusal| {
            // Only an address past its guesses is refused; a wrong token just is not an admin's.
            if refusal.status() == StatusCode::TOO_MANY_REQUESTS {
                Err(refusal)
            } else {
                Ok(false)
            }
        })
}

/// Closes room `id`: its players are kicked with [`close::ROOM_CLOSED`] and the room stops.
/// Answers 404 when it does not run.
pub(crate) fn close_room(shared: &Shared, peer: SocketAddr, id: u32) -> Response<Body> {
    if shared.lobby.running_room(id).is_none() {
        return json_error(StatusCode::NOT_FOUND, &format!("no such room: {id}"));
    }
    let sessions = shared.sessions.matching(&Target::Room(id));
    for (_, link) in &sessions {
        link.kick(
            close::ROOM_CLOSED,
            "the room was closed by the server's operators".into(),
        );
    }
    shared.lobby.stop_room(id);
    shared.metrics.count_admin_action("close_room");
    tracing::warn!(action = "close_room", room = id, players = sessions.len(), by = %peer, "admin action");
    json(
        StatusCode::OK,
        &json!({ "closed": id, "kicked": ids(&sessions) }),
    )
}

/// Whom an action is for, and why: exactly one of `player`, `address` or (for kicks and
/// notices) `room`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ActionBody {
    /// A session id or a join token's `sub`.
    player: Option<String>,
    /// An IP address.
    address: Option<String>,
    /// A room number.
    room: Option<u32>,
    /// Shown to the player and logged.
    reason: Option<String>,
    /// For bans: how long; for good when absent.
    minutes: Option<u64>,
}

/// Whom `body` names; `rooms` says whether a room (or nobody, meaning everyone) may be named.
fn target(body: &ActionBody, rooms: bool) -> Result<Target, String> {
    let named = [
        body.player.is_some(),
        body.address.is_some(),
        body.room.is_some(),
    ];
    let count = named.iter().filter(|n| **n).count();
    let bad = |why: &str| Err(why.to_string());
    if rooms {
        match count {
            0 => return Ok(Target::All),
            1 => {}
            _ => return bad("name at most one of player, address or room"),
        }
    } else if count != 1 || body.room.is_some() {
        return bad("name exactly one of player or address");
    }
    if let Some(p) = &body.player {
        return Ok(Target::Player(p.clone()));
    }
    if let Some(a) = &body.address {
        return match a.parse::<IpAddr>() {
            Ok(ip) => Ok(Target::Address(ip)),
            Err(_) => bad(&format!("address {a:?} is not an IP address")),
        };
    }
    Ok(body.room.map_or(Target::All, Target::Room))
}

fn ids(sessions: &[(super::SessionInfo, crate::session::link::SessionLink)]) -> Vec<u32> {
    sessions.iter().map(|(s, _)| s.id).collect()
}

fn kick(shared: &Shared, peer: SocketAddr, body: ActionBody) -> Response<Body> {
    let target = match target(&body, true) {
        Ok(Target::All) => {
            return json_error(
                StatusCode::BAD_REQUEST,
                "name a player, an address or a room",
            );
        }
        Ok(t) => t,
        Err(why) => return json_error(StatusCode::BAD_REQUEST, &why),
    };
    let reason = body.reason.unwrap_or_else(|| "no reason given".into());
    let sessions = shared.sessions.matching(&target);
    if sessions.is_empty() {
        return json_error(StatusCode::NOT_FOUND, "no connected player matches");
    }
    for (_, link) in &sessions {
        link.kick(close::KICKED, format!("kicked: {reason}"));
    }
    shared.metrics.count_admin_action("kick");
    tracing::warn!(action = "kick", ?target, %reason, kicked = ?ids(&sessions), by = %peer, "admin action");
    json(StatusCode::OK, &json!({ "kicked": ids(&sessions) }))
}

fn ban(shared: &Shared, peer: SocketAddr, body: ActionBody) -> Response<Body> {
    let target = match target(&body, false) {
        Ok(t) => t,
        Err(why) => return json_error(StatusCode::BAD_REQUEST, &why),
    };
    let reason = body
        .reason
        .clone()
        .unwrap_or_else(|| "no reason given".into());
    let online = shared.sessions.matching(&target);
    // A player is banned by its join token's `sub`; a guest (no token) by its address.
    let keys: Vec<BanKey> = match &target {
        Target::Address(ip) => vec![BanKey::Address(*ip)],
        Target::Player(p) if online.is_empty() => vec![BanKey::Player(p.clone())],
        _ => {
            let mut keys: Vec<BanKey> = online
                .iter()
                .map(|(s, _)| match &s.player {
                    Some(sub) => BanKey::Player(sub.clone()),
                    None => BanKey::Address(s.address),
                })
                .collect();
            keys.dedup();
            keys
        }
    };
    for key in &keys {
        if let Err(full) = shared.bans.add(key.clone(), &reason, body.minutes) {
            return json_error(StatusCode::INSUFFICIENT_STORAGE, &full.to_string());
        }
    }
    // Everyone the bans now cover leaves, not only the sessions named.
    let mut kicked = Vec::new();
    for key in &keys {
        let covered = match key {
            BanKey::Address(ip) => Target::Address(*ip),
            BanKey::Player(p) => Target::Player(p.clone()),
        };
        for (s, link) in shared.sessions.matching(&covered) {
            link.kick(close::KICKED, format!("banned: {reason}"));
            kicked.push(s.id);
        }
    }
    shared.metrics.count_admin_action("ban");
    tracing::warn!(action = "ban", ?keys, %reason, minutes = ?body.minutes, ?kicked, by = %peer, "admin action");
    json(StatusCode::OK, &json!({ "banned": keys, "kicked": kicked }))
}

fn unban(shared: &Shared, peer: SocketAddr, body: ActionBody) -> Response<Body> {
    let key = match target(&body, false) {
        Ok(Target::Address(ip)) => BanKey::Address(ip),
        Ok(Target::Player(p)) => BanKey::Player(p),
        Ok(_) => return json_error(StatusCode::BAD_REQUEST, "name a player or an address"),
        Err(why) => return json_error(StatusCode::BAD_REQUEST, &why),
    };
    if !shared.bans.remove(&key) {
        return json_error(StatusCode::NOT_FOUND, "no such ban");
    }
    shared.metrics.count_admin_action("unban");
    tracing::warn!(action = "unban", ?key, by = %peer, "admin action");
    json(StatusCode::OK, &json!({ "lifted": key }))
}

/// The body of `POST /admin/notice`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NoticeBody {
    /// What players read.
    text: String,
    /// Only this room's players; everyone when absent.
    room: Option<u32>,
    /// A countdown the client shows.
    seconds_left: Option<u16>,
}

fn notice(shared: &Shared, peer: SocketAddr, body: NoticeBody) -> Response<Body> {
    let text = body.text.trim();
    if text.is_empty() || text.chars().count() > tickwire_protocol::MAX_NOTICE_CHARS {
        return json_error(
            StatusCode::BAD_REQUEST,
            &format!(
                "text must be 1 to {} characters",
                tickwire_protocol::MAX_NOTICE_CHARS
            ),
        );
    }
    let mut bytes = Vec::new();
    let message = ServerMsg::Notice(Notice::new(text, body.seconds_left));
    if codec::encode_server(&message, &mut bytes).is_err() {
        return json_error(StatusCode::BAD_REQUEST, "the notice could not be encoded");
    }
    let target = body.room.map_or(Target::All, Target::Room);
    let (sent, missed) = shared.sessions.send(&target, &bytes);
    shared.metrics.count_admin_action("notice");
    tracing::warn!(action = "notice", ?target, %text, sent, missed, by = %peer, "admin action");
    json(StatusCode::OK, &json!({ "sent": sent, "missed": missed }))
}
