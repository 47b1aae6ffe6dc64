//! The HTTP routes: the client at `/`, the game socket at `/ws` and its admission check at
//! `/ws/check`, health, readiness, metrics, the rooms API and the admin API; with
//! `ServerConfig::echo`, the echo socket at `/echo`.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{HOST, ORIGIN};
use hyper::{Request, Response, StatusCode};
use tower::ServiceExt;

use crate::auth::join_token::{self, JoinClaims, RoomClaim, TokenRefusal};
use crate::edge::client_addr::client_ip;
use crate::edge::conn_gate::Permit;
use crate::edge::listener::{Listener, Peer};
use crate::edge::query::{query_flag, query_value};
use crate::edge::respond::{Body, json, text};
use crate::edge::ws_edge;
use crate::ops::admin::BanKey;
use crate::ops::room_key::enter_with_key;
use crate::session::{Admitted, Endpoint, ReadSeat, run_session, session_io};
use crate::shared::Shared;

/// Answers one HTTP request that came in on `listener`: the WebSocket upgrades here, on the
/// fast path, everything else through `api`, the listener's axum router.
pub(crate) async fn route(
    mut req: Request<Incoming>,
    shared: Arc<Shared>,
    listener: Listener,
    peer: SocketAddr,
    permit: Option<Arc<Permit>>,
    api: axum::Router,
) -> Result<Response<axum::body::Body>, Infallible> {
    let endpoint = match req.uri().path() {
        "/ws" if listener == Listener::Public => {
            if query_flag(req.uri().query(), "spectate") {
                Some(Endpoint::Watch)
            } else {
                Some(Endpoint::Game)
            }
        }
        "/echo" if listener == Listener::Public && shared.lobby.config().echo => {
            Some(Endpoint::Echo)
        }
        _ => None,
    };
    if let Some(endpoint) = endpoint {
        let resp = upgrade(&mut req, shared, peer, permit, endpoint);
        return Ok(resp.map(axum::body::Body::new));
    }
    if req.uri().path() == "/ws/check" && listener == Listener::Public {
        let endpoint = if query_flag(req.uri().query(), "spectate") {
            Endpoint::Watch
        } else {
            Endpoint::Game
        };
        let resp = check(&req, &shared, peer, endpoint).await;
        return Ok(resp.map(axum::body::Body::new));
    }
    let mut req = req.map(axum::body::Body::new);
    req.extensions_mut().insert(Peer(peer));
    req.extensions_mut().insert(listener);
    api.oneshot(req).await
}

fn upgrade(
    req: &mut Request<Incoming>,
    shared: Arc<Shared>,
    peer: SocketAddr,
    permit: Option<Arc<Permit>>,
    endpoint: Endpoint,
) -> Response<Body> {
    if let Err(refusal) = ws_edge::check_upgrade(req) {
        shared.metrics.upgrades_refused.inc();
        tracing::debug!(reason = refusal.reason, "refused a WebSocket upgrade");
        let mut resp = text(refusal.status, &format!("{}\n", refusal.reason));
        if refusal.status == StatusCode::UPGRADE_REQUIRED {
            resp.headers_mut().insert(
                "sec-websocket-version",
                hyper::header::HeaderValue::from_static("13"),
            );
        }
        return resp;
    }
    let admission = match admit(req, &shared, peer, endpoint, TokenSource::Socket) {
        Ok(admission) => admission,
        Err(refusal) => return *refusal,
    };
    let Admission {
        claims,
        room,
        client,
        forwarded_permit,
    } = admission;
    tracing::debug!(%client, ?endpoint, "WebSocket session");
    let token_protocol = join_token::token_from_protocol(req.headers()).is_some();
    match fastwebsockets::upgrade::upgrade(req) {
        Ok((response, fut)) => {
            let limit = shared.limits.header_timeout;
            tokio::spawn(async move {
                // The connection's place in the limits lasts as long as the session.
                let _permits = (permit, forwarded_permit);
                match tokio::time::timeout(limit, fut).await {
                    Ok(Ok(ws)) => {
                        let admitted = Admitted {
                            claims,
                            room,
                            address: client,
                        };
                        // A plain socket is taken back from hyper, so that its reads can be paced.
                        let seat = Arc::new(ReadSeat::default());
                        let io = session_io(ws.into_inner().into_inner(), seat.clone());
                        let ws = fastwebsockets::WebSocket::after_handshake(
                            io,
                            fastwebsockets::Role::Server,
                        );
                        run_session(ws, seat, shared, endpoint, admitted).await
                    }
                    Ok(Err(e)) => tracing::debug!(error = %e, "upgrade did not complete"),
                    Err(_) => tracing::debug!("upgrade did not complete in time"),
                }
            });
            let (mut parts, _) = response.into_parts();
            if token_protocol {
                // A browser fails the socket unless one of the protocols it offered is chosen.
                parts.headers.insert(
                    hyper::header::SEC_WEBSOCKET_PROTOCOL,
                    hyper::header::HeaderValue::from_static(join_token::TOKEN_PROTOCOL),
                );
            }
            Response::from_parts(parts, Full::new(Bytes::new()))
        }
        Err(e) => text(StatusCode::BAD_REQUEST, &format!("{e}\n")),
    }
}

/// `GET /ws/check` (the query of the `/ws` it asks about): the upgrade's own admission checks
/// (origin, join token, room and key, spectators, bans, the address's connections, the drain)
/// without an upgrade, so that a page learns why the server would refuse its socket: a browser's
/// WebSocket never sees the refusal's status or body. The answer is always `200` JSON (a page's
/// console logs every failed request as an error): `{"ok":true}`, or `{"ok":false,"status":401,
/// "reason":"…"}` with the status and reason `/ws` would answer, and `retry_after` (seconds)
/// when the refusal has one. A join token may come as `Authorization: Bearer …`, since a page's
/// `fetch` cannot send `Sec-WebSocket-Protocol`. A wrong private room key counts as a guess here
/// as at the upgrade.
async fn check(
    req: &Request<Incoming>,
    shared: &Shared,
    peer: SocketAddr,
    endpoint: Endpoint,
) -> Response<Body> {
    let answer = match admit(req, shared, peer, endpoint, TokenSource::Check) {
        // The place in the address's limit is given back at once: the socket takes its own.
        Ok(_) => serde_json::json!({ "ok": true }),
        Err(refusal) => refusal_json(*refusal).await,
    };
    let mut resp = json(StatusCode::OK, &answer);
    resp.headers_mut().insert(
        hyper::header::CACHE_CONTROL,
        hyper::header::HeaderValue::from_static("no-store"),
    );
    resp
}

/// A refusal as `/ws/check` describes it: its status, its reason (the text of a plain answer,
/// the `error` of a JSON one), and its `Retry-After`.
async fn refusal_json(refusal: Response<Body>) -> serde_json::Value {
    use http_body_util::BodyExt;
    let status = refusal.status().as_u16();
    let retry_after = refusal
        .headers()
        .get(hyper::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let is_json = refusal
        .headers()
        .get(hyper::header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    // A `Full` body is already whole: collecting it cannot fail or wait.
    let bytes = refusal
        .into_body()
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let body = String::from_utf8_lossy(&bytes);
    let reason = if is_json {
        serde_json::from_str::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v["error"].as_str().map(str::to_owned))
            .unwrap_or_default()
    } else {
        body.trim().to_owned()
    };
    let mut answer = serde_json::json!({ "ok": false, "status": status, "reason": reason });
    if let Some(secs) = retry_after {
        answer["retry_after"] = secs.into();
    }
    answer
}

/// Where a join token may come from: a socket's query or `Sec-WebSocket-Protocol`; a check's
/// also `Authorization: Bearer`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TokenSource {
    Socket,
    Check,
}

/// What the upgrade's checks let in: the join token's claims, the room, the client's address,
/// and its place in the forwarded-address limit.
struct Admission {
    claims: Option<JoinClaims>,
    room: RoomClaim,
    client: std::net::IpAddr,
    forwarded_permit: Option<Permit>,
}

/// Every check a game or spectator socket passes before its upgrade, in order, or the answer
/// that refuses it.
fn admit(
    req: &Request<Incoming>,
    shared: &Shared,
    peer: SocketAddr,
    endpoint: Endpoint,
    source: TokenSource,
) -> Result<Admission, Box<Response<Body>>> {
    let headers = req.headers();
    if !shared
        .origins
        .permits(headers.get(ORIGIN), headers.get(HOST))
    {
        shared.metrics.origins_refused.inc();
        tracing::info!(origin = ?headers.get(ORIGIN), "refused a WebSocket upgrade from another site");
        return Err(Box::new(text(
            StatusCode::FORBIDDEN,
            "this page's origin may not open the game socket (see --allowed-origins)\n",
        )));
    }
    let claims = match endpoint {
        Endpoint::Game | Endpoint::Watch => match check_token(req, shared, source) {
            Ok(claims) => claims,
            // A resume token, which only a token holder was given, is enough to come back; the
            // Hello must then carry one (`seating.rs`), and it keeps the token out of the URL.
            Err(_) if endpoint == Endpoint::Game && query_flag(req.uri().query(), "resume") => None,
            Err(refusal) => {
                shared.metrics.count_token_refused(refusal.label());
                tracing::info!(%refusal, "refused a join");
                let status =
                    StatusCode::from_u16(refusal.status()).unwrap_or(StatusCode::UNAUTHORIZED);
                let mut resp = text(status, &format!("{refusal}\n"));
                if status == StatusCode::UNAUTHORIZED {
                    resp.headers_mut().insert(
                        hyper::header::WWW_AUTHENTICATE,
                        hyper::header::HeaderValue::from_static("Bearer"),
                    );
                }
                return Err(Box::new(resp));
            }
        },
        Endpoint::Echo => None,
    };
    let client = client_ip(peer, req.headers(), shared.limits.trust_proxy);
    let room = match endpoint {
        Endpoint::Game | Endpoint::Watch => {
            room_asked(req, claims.as_ref(), shared, shared.address_group(client))?
        }
        Endpoint::Echo => RoomClaim::Any,
    };
    if endpoint == Endpoint::Watch
        && let Some(why) = spectators_full(room, shared)
    {
        shared.metrics.spectators_refused.inc();
        tracing::info!(%why, "refused a spectator");
        return Err(Box::new(text(StatusCode::CONFLICT, &format!("{why}\n"))));
    }
    if let Some(refusal) = banned(shared, client, claims.as_ref()) {
        return Err(Box::new(refusal));
    }
    let forwarded_permit = match shared
        .forwarded
        .as_ref()
        .map(|g| g.admit(shared.address_group(client)))
    {
        None => None,
        Some(Ok(p)) => Some(p),
        Some(Err(why)) => {
            shared.metrics.count_refused(why);
            tracing::debug!(%client, "refused a session: too many from this address");
            return Err(Box::new(text(
                StatusCode::TOO_MANY_REQUESTS,
                "too many connections from your address\n",
            )));
        }
    };
    if shared.shutdown.borrow().is_draining() {
        return Err(Box::new(text(
            StatusCode::SERVICE_UNAVAILABLE,
            "the server is shutting down\n",
        )));
    }
    Ok(Admission {
        claims,
        room,
        client,
        forwarded_permit,
    })
}

/// The room a join asks for: the join token's, or `/ws?room=ID`, or any (quick join). A room
/// that does not run is `404`; a query room other than the token's is `403`, counted as a token
/// refusal.
fn room_asked(
    req: &Request<Incoming>,
    claims: Option<&JoinClaims>,
    shared: &Shared,
    address: std::net::IpAddr,
) -> Result<RoomClaim, Box<Response<Body>>> {
    let asked = match query_value(req.uri().query(), "room") {
        None => None,
        Some(v) => match v.parse::<u32>() {
            Ok(id) => Some(id),
            Err(_) => {
                return Err(Box::new(text(
                    StatusCode::BAD_REQUEST,
                    "room must be a room number, as /rooms lists them\n",
                )));
            }
        },
    };
    match (claims.map(|c| c.room), asked) {
        (Some(RoomClaim::Id(token_room)), Some(id)) if id != token_room => {
            let refusal = TokenRefusal::WrongRoom(id);
            shared.metrics.count_token_refused(refusal.label());
            Err(Box::new(text(
                StatusCode::FORBIDDEN,
                &format!("the join token is for room {token_room}, not {id}\n"),
            )))
        }
        (Some(RoomClaim::Id(token_room)), _) => Ok(RoomClaim::Id(token_room)),
        (_, Some(id)) => {
            let key = query_value(req.uri().query(), "key");
            if enter_with_key(shared, address, id, key)? {
                Ok(RoomClaim::Id(id))
            } else {
                Err(Box::new(text(
                    StatusCode::NOT_FOUND,
                    &format!("no such room: {id}\n"),
                )))
            }
        }
        (_, None) => Ok(RoomClaim::Any),
    }
}

/// A 403 when the client's address or its join token's player is banned.
fn banned(
    shared: &Shared,
    client: std::net::IpAddr,
    claims: Option<&JoinClaims>,
) -> Option<Response<Body>> {
    if shared.bans.is_empty() {
        return None;
    }
    let player = claims.map(|c| BanKey::Player(c.sub.clone()));
    let ban = std::iter::once(BanKey::Address(client))
        .chain(player)
        .find_map(|key| shared.bans.find(&key))?;
    shared.metrics.bans_refused.inc();
    tracing::info!(%client, key = ?ban.key, "refused a banned client");
    Some(text(
        StatusCode::FORBIDDEN,
        &format!("you are banned from this server: {}\n", ban.reason),
    ))
}

/// Whether a spectator would find room `room` at its most spectators (checked again, exactly,
/// after the `Hello`: this look only saves a doomed upgrade).
fn spectators_full(room: RoomClaim, shared: &Shared) -> Option<String> {
    let RoomClaim::Id(id) = room else {
        return None;
    };
    let max = shared.lobby.config().max_spectators;
    let handle = shared.lobby.running_room(id)?;
    (handle.spectators.load(std::sync::atomic::Ordering::Relaxed) >= max)
        .then(|| format!("room {id} has its most spectators ({max})"))
}

/// With a join secret, the request's join token, checked, and its room running; without one,
/// no claims (the `token` parameter is ignored).
fn check_token(
    req: &Request<Incoming>,
    shared: &Shared,
    source: TokenSource,
) -> Result<Option<JoinClaims>, TokenRefusal> {
    let Some(secret) = &shared.lobby.config().join_secret else {
        return Ok(None);
    };
    let token = join_token::token_from_query(req.uri().query())
        .or_else(|| join_token::token_from_protocol(req.headers()))
        .or_else(|| {
            (source == TokenSource::Check)
                .then(|| crate::ops::admin::bearer(req.headers()).map(str::to_owned))
                .flatten()
        })
        .ok_or(TokenRefusal::Missing)?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let claims = join_token::verify(&token, secret, now)?;
    if let Some(max) = shared.lobby.config().max_token_lifetime {
        join_token::check_lifetime(&claims, now, max.as_secs())?;
    }
    if let RoomClaim::Id(id) = claims.room
        && shared.lobby.running_room(id).is_none()
    {
        return Err(TokenRefusal::WrongRoom(id));
    }
    Ok(Some(claims))
}
