//! The rooms API: `GET /rooms` (the list), `POST /rooms` (create), `GET /rooms/{id}` (one room)
//! and, for operators, `DELETE /rooms/{id}` (close it).
//!
//! Private rooms are listed only to requests with the admin token, and shown one by one to
//! those that know the room's key (`GET /rooms/{id}?key=K`). With a join secret, the server's
//! own backend decides who plays where, so creating a room needs the admin token too.

use std::net::SocketAddr;

use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, Request, State};
use axum::routing::get;
use hyper::{Response, StatusCode};
use serde::{Deserialize, Serialize};

use crate::auth::join_token;
use crate::edge::client_addr::client_ip;
use crate::edge::listener::{Listener, Peer, ops_here};
use crate::edge::respond::{Body, json, json_error, read_json};
use crate::ops::admin::{admin_asked, authorize, bearer, close_room};
use crate::ops::room_key::enter_with_key;
use crate::ops::room_policy::RoomCreation;
use crate::rooms::lobby::{CreateError, RoomInfo};
use crate::rooms::room_request::RoomRequest;
use crate::rooms::room_task::RoomHandle;
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

/// The rooms API's routes; `api_router` serves them on both listeners.
pub(crate) fn routes() -> Router<Arc<Shared>> {
    let list_or_create = || {
        get(list)
            .post(create)
            .fallback(|| async { json_error(StatusCode::METHOD_NOT_ALLOWED, "use GET or POST") })
    };
    Router::new()
        .route("/rooms", list_or_create())
        .route("/rooms/", list_or_create())
        .route(
            "/rooms/{id}",
            get(show)
                .delete(close)
                .fallback(|| async { json_error(StatusCode::METHOD_NOT_ALLOWED, "use GET") }),
        )
}

/// Whether `req` carries the admin token where it counts, or the 429 of an address that
/// guessed wrong too often.
fn admin_of(req: &Request, shared: &Shared) -> Result<bool, Box<Response<Body>>> {
    let (peer, listener) = conn(req);
    admin_asked(req, shared, peer, ops_here(shared, listener))
}

/// The connection a routed request came on (`http.rs` puts both in every request).
fn conn(req: &Request) -> (SocketAddr, Listener) {
    let peer = req
        .extensions()
        .get::<Peer>()
        .map_or(SocketAddr::from(([0, 0, 0, 0], 0)), |p| p.0);
    let listener = req
        .extensions()
        .get::<Listener>()
        .copied()
        .unwrap_or(Listener::Public);
    (peer, listener)
}

/// `GET /rooms`: the public rooms, and with the admin token the private ones with their keys.
async fn list(State(shared): State<Arc<Shared>>, req: Request) -> Response<Body> {
    match admin_of(&req, &shared) {
        Ok(admin) => list_rooms(&shared, admin),
        Err(refusal) => *refusal,
    }
}

/// `GET /rooms/{id}`: a public room, or a private one to the admin or with its key.
async fn show(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    Query(query): Query<KeyQuery>,
    req: Request,
) -> Response<Body> {
    let no_such_room = || json_error(StatusCode::NOT_FOUND, &format!("no such room: {id}"));
    let Ok(number) = id.parse::<u32>() else {
        return json_error(StatusCode::NOT_FOUND, "no such room");
    };
    let admin = match admin_of(&req, &shared) {
        Ok(admin) => admin,
        Err(refusal) => return *refusal,
    };
    if let Some(room) = shared.lobby.running_room(number)
        && (!room.is_private() || admin)
    {
        return json(StatusCode::OK, &RoomView::of(&room, admin));
    }
    let (peer, _) = conn(&req);
    let address = shared.address_group(client_ip(peer, req.headers(), shared.limits.trust_proxy));
    match enter_with_key(&shared, address, number, query.key.as_deref()) {
        Err(refusal) => *refusal,
        Ok(true) => match shared.lobby.running_room(number) {
            Some(room) => json(StatusCode::OK, &RoomView::of(&room, true)),
            None => no_such_room(),
        },
        Ok(false) => no_such_room(),
    }
}

/// `DELETE /rooms/{id}`, for operators: closes the room.
async fn close(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    req: Request,
) -> Response<Body> {
    let (peer, listener) = conn(&req);
    if !ops_here(&shared, listener) {
        return json_error(StatusCode::METHOD_NOT_ALLOWED, "use GET");
    }
    let Ok(number) = id.parse::<u32>() else {
        return json_error(StatusCode::NOT_FOUND, "no such room");
    };
    match authorize(&req, &shared, peer) {
        Ok(()) => close_room(&shared, peer, number),
        Err(refusal) => *refusal,
    }
}

/// The `?key=` of a private room.
#[derive(Deserialize)]
struct KeyQuery {
    key: Option<String>,
}

fn list_rooms(shared: &Shared, admin: bool) -> Response<Body> {
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

/// `POST /rooms`: creates a room, as the policy allows and within the address's quota.
async fn create(State(shared): State<Arc<Shared>>, req: Request) -> Response<Body> {
    let shared = &*shared;
    let (peer, _) = conn(&req);
    let admin = match admin_of(&req, shared) {
        Ok(admin) => admin,
        Err(refusal) => return *refusal,
    };
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
fn may_create(req: &Request, shared: &Shared, peer: SocketAddr) -> Result<(), Box<Response<Body>>> {
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
