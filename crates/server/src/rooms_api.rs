//! The rooms API: `GET /rooms` (the list), `POST /rooms` (create), `GET /rooms/{id}` (one room)
//! and, for operators, `DELETE /rooms/{id}` (close it).
//!
//! Private rooms are listed only to requests with the admin token, and shown one by one to
//! those that know the room's key (`GET /rooms/{id}?key=K`). With a join secret, the server's
//! own backend decides who plays where, so creating a room needs the admin token too.

use std::net::SocketAddr;

use hyper::body::Incoming;
use hyper::{Method, Request, Response, StatusCode};
use serde::Serialize;

use crate::admin::{authorize, close_room};
use crate::lobby::{CreateError, RoomInfo};
use crate::respond::{Body, json, json_error, read_json};
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
    req: Request<Incoming>,
    shared: &Shared,
    peer: SocketAddr,
    ops: bool,
) -> Response<Body> {
    let path = req.uri().path().trim_end_matches('/').to_string();
    let admin = shared
        .lobby
        .config()
        .admin_token
        .as_ref()
        .is_some_and(|t| t.permits(req.headers()));
    if path == "/rooms" {
        return match *req.method() {
            Method::GET | Method::HEAD => list(shared, admin),
            Method::POST => create(req, shared, peer).await,
            _ => json_error(StatusCode::METHOD_NOT_ALLOWED, "use GET or POST"),
        };
    }
    let Some(id) = path
        .strip_prefix("/rooms/")
        .and_then(|id| id.parse::<u32>().ok())
    else {
        return json_error(StatusCode::NOT_FOUND, "no such room");
    };
    match *req.method() {
        Method::GET | Method::HEAD => {
            let key = crate::query::query_value(req.uri().query(), "key");
            match shared.lobby.running_room(id) {
                Some(room) if !room.is_private() || admin => {
                    json(StatusCode::OK, &RoomView::of(&room, admin))
                }
                Some(room) if room.opens_with(key) => {
                    json(StatusCode::OK, &RoomView::of(&room, true))
                }
                _ => json_error(StatusCode::NOT_FOUND, &format!("no such room: {id}")),
            }
        }
        Method::DELETE if ops => match authorize(&req, shared, peer) {
            Ok(()) => close_room(shared, peer, id),
            Err(refusal) => *refusal,
        },
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

async fn create(req: Request<Incoming>, shared: &Shared, peer: SocketAddr) -> Response<Body> {
    if shared.lobby.config().join_secret.is_some()
        && let Err(refusal) = authorize(&req, shared, peer)
    {
        shared.metrics.rooms_refused.inc();
        return *refusal;
    }
    let request: RoomRequest = match read_json(req.into_body()).await {
        Ok(r) => r,
        Err(resp) => {
            shared.metrics.rooms_refused.inc();
            return resp;
        }
    };
    match shared.lobby.create_room(&request) {
        Ok(room) => {
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
