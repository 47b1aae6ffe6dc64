//! The rooms API: `GET /rooms` (the list), `POST /rooms` (create), `GET /rooms/{id}` (one room)
//! and, for operators, `DELETE /rooms/{id}` (close it).
//!
//! Private rooms are listed only to requests with the admin token, and shown one by one to
//! those that know the room's key (`GET /rooms/{id}?key=K`). With a join secret, the server's
//! own backend decides who plays where, so creating a room needs the admin token too.

use std::net::SocketAddr;

use hyper::{Method, Request, Response, StatusCode};
use serde::Serialize;

use crate::admin::{admin_asked, authorize, bearer, close_room};
use crate::client_addr::client_ip;
use crate::join_token;
use crate::lobby::{CreateError, RoomInfo};
use crate::respond::{Body, json, json_error, read_json};
use crate::room_key::enter_with_key;
use crate::room_policy::RoomCreation;
use crate::room_request::RoomRequest;
use crate::room_task::RoomHandle;
use crate::shared::Shared;

/// A room as the API shows it: its list entry, and for private rooms shown to whoever may join
/// them, the key and the share link.
#[derive(Debug, Serialize)]
struct RoomView {
    #[serde(flatten)]
    info: RoomInfo,
    /// The private room's key.
    #[serde(skip_serializing_if = "Option::is_none")]
    key: Option<String>,
    /// The page that joins the room.
    join: String,
    /// The page that watches it.
    spectate: String,
}

impl RoomView {
    fn of(room: &RoomHandle, with_key: bool) -> RoomView {
        let key = room.meta.private_key.clone().filter(|_| with_key);
        let query = match &key {
            Some(k) => format!("room={}&key={k}", room.id),
            None => format!("room={}", room.id),
        };
        RoomView {
            info: RoomInfo::of(room),
            key,
            join: format!("/?{query}"),
            spectate: format!("/?{query}&spectate=1"),
        }
    }
}

/// The lobby's answer to `GET /rooms`: what the server runs, and its rooms.
#[derive(Debug, Serialize)]
struct RoomList {
    game: String,
    maps: Vec<String>,
    rooms: Vec<RoomView>,
}

/// Answers a request for `/rooms` or `/rooms/{id}`; `ops` says whether operator routes are
/// served on this listener.
pub(crate) async fn route(
    req: Request<axum::body::Body>,
    shared: &Shared,
    peer: SocketAddr,
    ops: bool,
) -> Response<Body> {
    let path = req.uri().path().trim_end_matches('/').to_string();
    let id = path
        .strip_prefix("/rooms/")
        .and_then(|id| id.parse::<u32>().ok());
    if let (Some(id), &Method::DELETE, true) = (id, req.method(), ops) {
        return match authorize(&req, shared, peer) {
            Ok(()) => close_room(shared, peer, id),
            Err(refusal) => *refusal,
        };
    }
    let admin = match admin_asked(&req, shared, peer, ops) {
        Ok(admin) => admin,
        Err(refusal) => return *refusal,
    };
    if path == "/rooms" {
        return match *req.method() {
            Method::GET | Method::HEAD => list(shared, admin),
            Method::POST => create(req, shared, peer, admin).await,
            _ => json_error(StatusCode::METHOD_NOT_ALLOWED, "use GET or POST"),
        };
    }
    let Some(id) = id else {
        return json_error(StatusCode::NOT_FOUND, "no such room");
    };
    match *req.method() {
        Method::GET | Method::HEAD => {
            let key = crate::query::query_value(req.uri().query(), "key");
            match shared.lobby.running_room(id) {
                Some(room) if !room.is_private() || admin => {
                    json(StatusCode::OK, &RoomView::of(&room, admin))
                }
                _ => {
                    let address = shared.address_group(client_ip(
                        peer,
                        req.headers(),
                        shared.limits.trust_proxy,
                    ));
                    match enter_with_key(shared, address, id, key) {
                        Err(refusal) => *refusal,
                        Ok(true) => match shared.lobby.running_room(id) {
                            Some(room) => json(StatusCode::OK, &RoomView::of(&room, true)),
                            None => {
                                json_error(StatusCode::NOT_FOUND, &format!("no such room: {id}"))
                            }
                        },
                        Ok(false) => {
                            json_error(StatusCode::NOT_FOUND, &format!("no such room: {id}"))
                        }
                    }
                }
            }
        }
        _ => json_error(StatusCode::METHOD_NOT_ALLOWED, "use GET"),
    }
}

fn list(shared: &Shared, admin: bool) -> Response<Body> {
    let lobby = &shared.lobby;
    let mut rooms: Vec<RoomView> = lobby
        .running_rooms(admin)
        .iter()
        .map(|r| RoomView::of(r, admin))
        .collect();
    rooms.sort_by_key(|r| r.info.id);
    json(
        StatusCode::OK,
        &RoomList {
            game: lobby.game_name().to_string(),
            maps: lobby.maps(),
            rooms,
        },
    )
}

async fn create(
    req: Request<axum::body::Body>,
    shared: &Shared,
    peer: SocketAddr,
    admin: bool,
) -> Response<Body> {
    let config = shared.lobby.config();
    let policy = &config.room_policy;
    if !admin && let Err(refusal) = may_create(&req, shared, peer) {
        shared.metrics.rooms_refused.inc();
        shared.metrics.abuse.count_room_refused("not_allowed");
        return *refusal;
    }
    let address = shared.address_group(client_ip(peer, req.headers(), shared.limits.trust_proxy));
    let request: RoomRequest = match read_json(req.into_body(), shared).await {
        Ok(r) => r,
        Err(resp) => {
            shared.metrics.rooms_refused.inc();
            return resp;
        }
    };
    if !admin {
        if let Some(why) = over_caps(&request, config) {
            shared.metrics.rooms_refused.inc();
            shared.metrics.abuse.count_room_refused("over_caps");
            return json_error(StatusCode::FORBIDDEN, &why);
        }
        let running = |id| shared.lobby.running_room(id).is_some();
        let taken = shared.room_quota.take(
            address,
            policy.per_address,
            policy.per_minute,
            running,
            std::time::Instant::now(),
        );
        if let Err(why) = taken {
            shared.metrics.rooms_refused.inc();
            shared.metrics.abuse.count_room_refused(why.label());
            tracing::debug!(%address, %why, "refused to create a room");
            return json_error(StatusCode::TOO_MANY_REQUESTS, &why.to_string());
        }
    }
    match shared.lobby.create_room(&request) {
        Ok(room) => {
            if !admin {
                shared.room_quota.created(address, room.id);
            }
            shared.metrics.rooms_created.inc();
            tracing::info!(room = room.id, %peer, private = room.is_private(), "room created through the API");
            json(StatusCode::CREATED, &RoomView::of(&room, true))
        }
        Err(e) => {
            shared.metrics.rooms_refused.inc();
            tracing::info!(%peer, error = %e, "refused to create a room");
            let status = match e {
                CreateError::Invalid(_) => StatusCode::BAD_REQUEST,
                CreateError::Full(_) | CreateError::ShuttingDown | CreateError::NoRandomness => {
                    StatusCode::SERVICE_UNAVAILABLE
                }
            };
            json_error(status, &e.to_string())
        }
    }
}

/// Whether this request may create a room at all, by `RoomPolicy::creation` (the admin token
/// is checked before): anyone (but with a join secret, only the game's backend, with the admin
/// token), token holders (a valid join token as `Authorization: Bearer`), or admins only.
fn may_create(
    req: &Request<axum::body::Body>,
    shared: &Shared,
    peer: SocketAddr,
) -> Result<(), Box<Response<Body>>> {
    let config = shared.lobby.config();
    match (config.room_policy.creation, &config.join_secret) {
        (RoomCreation::Anyone, None) => Ok(()),
        (RoomCreation::TokenHolders, Some(secret)) => {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            match bearer(req.headers()).map(|t| join_token::verify(t, secret, now)) {
                Some(Ok(_)) => Ok(()),
                Some(Err(refusal)) => Err(Box::new(json_error(
                    StatusCode::UNAUTHORIZED,
                    &format!("creating a room needs a join token: {refusal}"),
                ))),
                None => Err(Box::new(json_error(
                    StatusCode::UNAUTHORIZED,
                    "creating a room needs a join token as Authorization: Bearer <token>",
                ))),
            }
        }
        _ => authorize(req, shared, peer),
    }
}

/// What a non-admin asked for beyond the server's own settings: more bots than
/// `RoomPolicy::max_bots`, a faster tick or snapshot rate than the server's.
fn over_caps(request: &RoomRequest, config: &crate::config::ServerConfig) -> Option<String> {
    let max_bots = config.room_policy.max_bots;
    if request.bots.is_some_and(|b| b > max_bots) {
        return Some(format!(
            "bots must be at most {max_bots} (more need the admin token)"
        ));
    }
    if request.tick_rate.is_some_and(|r| r > config.tick_rate) {
        return Some(format!(
            "tick_rate must be at most the server's {} (more needs the admin token)",
            config.tick_rate
        ));
    }
    if request
        .snapshot_rate
        .is_some_and(|r| r > config.snapshot_rate)
    {
        return Some(format!(
            "snapshot_rate must be at most the server's {} (more needs the admin token)",
            config.snapshot_rate
        ));
    }
    None
}
