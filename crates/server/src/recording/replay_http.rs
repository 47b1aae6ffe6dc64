//! The recordings' routes, on the public listener:
//!
//! - `GET /matches/recent?limit=N`: the newest matches of public rooms with a recording (1 to
//!   50, default 10), as JSON.
//! - `GET /matches/{id}/replay[?key=K]`: the recording file, as a download.
//! - `GET /matches/{id}/replay/view[?key=K]`: the recording as the browser's viewer stream
//!   (`TWVIEW01`...), converted once off the async runtime and cached beside it.
//!
//! `{id}` is a match key: anything else is a 404 before the disk is touched. A private room's
//! recording needs its room's key (`?key=`) or the admin token (`Authorization: Bearer`),
//! compared in constant time; otherwise 403, counted. With storage off a recording is answered
//! as the other storage routes do (503), and the recent matches are an empty list.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use bytes::Bytes;
use http_body_util::Full;
use hyper::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE, HeaderMap, HeaderValue};
use hyper::{Response, StatusCode};
use serde::Serialize;
use tickwire_store::{MAX_RECENT, RecentMatch};

use crate::edge::respond::{Body, json, json_error};
use crate::recording::file_names::{REPLAY_EXT, is_safe_id};
use crate::recording::recordings_dir::Recordings;
use crate::shared::Shared;

/// Matches `/matches/recent` lists without `?limit=`.
const DEFAULT_RECENT: usize = 10;

/// The page that plays match `id`.
pub fn watch_link(id: &str) -> String {
    format!("/?replay={id}")
}

/// A recent match as `/matches/recent` lists it: the stored facts and the page that plays it.
#[derive(Serialize)]
struct RecentView {
    #[serde(flatten)]
    stored: RecentMatch,
    replay: String,
}

fn storage_off() -> Response<Body> {
    let (status, content_type, body) = crate::storage::store_http::storage_off();
    let mut resp = Response::new(Full::new(Bytes::from(body)));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
    resp
}

fn unreadable(e: &dyn std::fmt::Display) -> Response<Body> {
    tracing::warn!(error = %e, "a recording could not be read");
    json_error(
        StatusCode::SERVICE_UNAVAILABLE,
        "the recording could not be read; try again",
    )
}

fn no_recording(id: &str) -> Response<Body> {
    // The id is echoed only when it is a well-formed key.
    let shown = if is_safe_id(id) { id } else { "that match" };
    json_error(StatusCode::NOT_FOUND, &format!("no recording of {shown}"))
}

/// `GET /matches/recent`.
pub(crate) async fn recent(limit: Option<&str>, shared: &Shared) -> Response<Body> {
    let limit = match limit {
        None => DEFAULT_RECENT,
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=MAX_RECENT).contains(&n) => n,
            _ => {
                return json_error(
                    StatusCode::BAD_REQUEST,
                    &format!("limit must be a whole number from 1 to {MAX_RECENT}"),
                );
            }
        },
    };
    // With storage off there are no recorded matches: an empty list, which the lobby asks for
    // on every page and shows as nothing (a 503 there would be an error in every console).
    let Some(store) = &shared.store else {
        return json(StatusCode::OK, &Vec::<RecentView>::new());
    };
    match store.recent_replays(shared.lobby.game_name(), limit).await {
        Ok(rows) => {
            let views: Vec<RecentView> = rows
                .into_iter()
                .map(|stored| RecentView {
                    replay: watch_link(&stored.id),
                    stored,
                })
                .collect();
            json(StatusCode::OK, &views)
        }
        Err(e) => unreadable(&e),
    }
}

/// What a recording request asked for.
pub(crate) struct ReplayRequest<'a> {
    /// The match's id as the path had it.
    pub id: &'a str,
    /// `?key=`: a private room's key.
    pub key: Option<&'a str>,
    /// The request's headers (the admin token).
    pub headers: &'a HeaderMap,
    /// The viewer stream rather than the file.
    pub view: bool,
}

/// `GET /matches/{id}/replay` and `/matches/{id}/replay/view`.
pub(crate) async fn replay(req: ReplayRequest<'_>, shared: &Shared) -> Response<Body> {
    let Some(store) = &shared.store else {
        return storage_off();
    };
    let (Some(recordings), Some(path)) = (
        shared.lobby.recordings(),
        shared
            .lobby
            .recordings()
            .and_then(|r| r.replay_path(req.id)),
    ) else {
        return no_recording(req.id);
    };
    let stored = match store.replay(req.id).await {
        Ok(Some(stored)) => stored,
        Ok(None) => return no_recording(req.id),
        Err(e) => return unreadable(&e),
    };
    // The row names the file the key names, or the row is not trusted with the disk.
    if stored.file != format!("{}.{REPLAY_EXT}", req.id) {
        return no_recording(req.id);
    }
    if let Some(digest) = &stored.room_key {
        let admin = shared
            .lobby
            .config()
            .admin_token
            .as_ref()
            .is_some_and(|t| t.permits(req.headers));
        let keyed = req.key.is_some_and(|k| Recordings::key_matches(digest, k));
        if !(admin || keyed) {
            shared.metrics.replay_refusals.inc();
            return json_error(
                StatusCode::FORBIDDEN,
                "this match was played in a private room: its recording needs the room's key (?key=) or the admin token",
            );
        }
    }
    let private = stored.room_key.is_some();
    if req.view {
        return view(req.id, recordings, shared, private).await;
    }
    let bytes = match read_file(path).await {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return no_recording(req.id),
        Err(e) => return unreadable(&e),
    };
    let mut resp = binary(bytes, private);
    if let Ok(v) =
        HeaderValue::from_str(&format!("attachment; filename=\"{}.{REPLAY_EXT}\"", req.id))
    {
        resp.headers_mut().insert(CONTENT_DISPOSITION, v);
    }
    resp
}

fn binary(bytes: Vec<u8>, private: bool) -> Response<Body> {
    let mut resp = Response::new(Full::new(Bytes::from(bytes)));
    let headers = resp.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    headers.insert(
        CACHE_CONTROL,
        HeaderValue::from_static(if private {
            "private, no-store"
        } else {
            "no-cache"
        }),
    );
    resp
}

/// The viewer stream of match `id`: the cached one, or converted now (on a blocking thread)
/// and cached.
async fn view(
    id: &str,
    recordings: &std::sync::Arc<Recordings>,
    shared: &Shared,
    private: bool,
) -> Response<Body> {
    let (Some(source), Some(cached)) = (recordings.replay_path(id), recordings.view_path(id))
    else {
        return no_recording(id);
    };
    match read_file(cached.clone()).await {
        Ok(bytes) => return binary(bytes, private),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return unreadable(&e),
    }
    // Conversions wait their turn; the one before may have cached this very stream.
    let Some(_turn) = recordings.conversion_turn().await else {
        return json_error(StatusCode::SERVICE_UNAVAILABLE, "recordings are closing");
    };
    match read_file(cached.clone()).await {
        Ok(bytes) => return binary(bytes, private),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return unreadable(&e),
    }
    let games = shared.lobby.games();
    let id_owned = id.to_owned();
    let converted =
        tokio::task::spawn_blocking(move || convert(&source, &cached, &*games, &id_owned)).await;
    match converted {
        Ok(Ok(bytes)) => binary(bytes, private),
        Ok(Err(ConvertError::Missing)) => no_recording(id),
        Ok(Err(ConvertError::Failed(e))) => {
            tracing::warn!(match_key = id, error = %e, "a recording could not be converted for the viewer");
            json_error(
                StatusCode::UNPROCESSABLE_ENTITY,
                &format!("the recording cannot be played: {e}"),
            )
        }
        Err(e) => unreadable(&e),
    }
}

/// Reads the file at `path` on a blocking thread.
async fn read_file(path: std::path::PathBuf) -> std::io::Result<Vec<u8>> {
    tokio::task::spawn_blocking(move || std::fs::read(path))
        .await
        .map_err(std::io::Error::other)?
}

enum ConvertError {
    Missing,
    Failed(String),
}

/// Conversions made, for temporary names of their own.
static CONVERSIONS: AtomicU64 = AtomicU64::new(0);

/// Reads `source`, makes its viewer stream and caches it at `cached` (written to a name of its
/// own, then renamed, so that a reader never sees half a file).
fn convert(
    source: &std::path::Path,
    cached: &std::path::Path,
    games: &dyn crate::game::NewGame,
    id: &str,
) -> Result<Vec<u8>, ConvertError> {
    let bytes = match std::fs::read(source) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(ConvertError::Missing),
        Err(e) => return Err(ConvertError::Failed(e.to_string())),
    };
    let stream = crate::recording::replay_sim::viewer_stream(&bytes, games)
        .map_err(|e| ConvertError::Failed(e.to_string()))?;
    let n = CONVERSIONS.fetch_add(1, Relaxed);
    let temp = cached.with_file_name(format!("{id}.view-{n}.part"));
    let cache = std::fs::write(&temp, &stream).and_then(|()| std::fs::rename(&temp, cached));
    if let Err(e) = cache {
        // Served all the same; converted again next time.
        tracing::warn!(match_key = id, error = %e, "a viewer stream could not be cached");
        let _ = std::fs::remove_file(&temp);
    }
    Ok(stream)
}
