//! `enter_with_key`: the one check of a private room's key (`/ws?room=ID&key=K`,
//! `GET /rooms/{id}?key=K`), where wrong keys count against the address that sent them.

use std::net::IpAddr;
use std::time::Instant;

use hyper::Response;

use crate::edge::respond::{Body, too_many_guesses};
use crate::shared::Shared;

/// Whether `key` lets a request from `address` (grouped) into room `id`: true for a running
/// public room or a private one with its key. A key that opens nothing is a wrong guess,
/// counted and logged at a bounded rate; an address past its free guesses is answered 429
/// (`Err`) whatever its key.
pub(crate) fn enter_with_key(
    shared: &Shared,
    address: IpAddr,
    id: u32,
    key: Option<&str>,
) -> Result<bool, Box<Response<Body>>> {
    let now = Instant::now();
    if key.is_some()
        && let Some(wait) = shared.guesses.wait(address, now)
    {
        return Err(Box::new(too_many_guesses(shared, wait)));
    }
    let opens = shared
        .lobby
        .running_room(id)
        .is_some_and(|room| room.opens_with(key));
    if !opens && key.is_some() {
        shared.metrics.abuse.count_guess("room_key");
        let failure = shared.guesses.failed(address, now);
        if failure.log {
            tracing::warn!(%address, room = id, failures = failure.failures, "wrong private room key");
        }
    }
    Ok(opens)
}
