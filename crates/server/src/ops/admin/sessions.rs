//! `Sessions`: the players connected now, so that an operator can find, message and kick them.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Instant;

use parking_lot::Mutex;
use serde::Serialize;
use tickwire_protocol::ClientId;

use crate::rooms::everyone::Broadcast;
use crate::session::link::SessionLink;

/// One connected player, as `GET /admin/sessions` lists it.
#[derive(Clone, Debug, Serialize)]
pub struct SessionInfo {
    /// The session's id (the `client_id` of its `Welcome`).
    pub id: u32,
    /// Display name.
    pub name: String,
    /// The join token's `sub`, when the server uses join tokens.
    pub player: Option<String>,
    /// The client's address (the forwarded one behind a trusted proxy).
    pub address: IpAddr,
    /// The room it plays in.
    pub room: u32,
    /// Seconds since it joined.
    pub connected_seconds: u64,
}

/// Which sessions an admin action is for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// By session id (as digits) or by join token `sub`.
    Player(String),
    /// Every session from an address.
    Address(IpAddr),
    /// Every session of a room.
    Room(u32),
    /// Everyone.
    All,
}

struct Entry {
    name: String,
    player: Option<String>,
    address: IpAddr,
    room: u32,
    since: Instant,
    link: SessionLink,
}

impl Entry {
    fn matches(&self, id: u32, target: &Target) -> bool {
        match target {
            Target::Player(p) => p == &id.to_string() || self.player.as_ref() == Some(p),
            Target::Address(a) => &self.address == a,
            Target::Room(r) => self.room == *r,
            Target::All => true,
        }
    }

    fn info(&self, id: u32) -> SessionInfo {
        SessionInfo {
            id,
            name: self.name.clone(),
            player: self.player.clone(),
            address: self.address,
            room: self.room,
            connected_seconds: self.since.elapsed().as_secs(),
        }
    }
}

/// The connected sessions. Each registers when it joins a room and leaves the list when its
/// [`Registration`] drops.
#[derive(Default)]
pub struct Sessions {
    map: Mutex<HashMap<u32, Entry>>,
}

/// A session's place in [`Sessions`], held for as long as it plays.
pub struct Registration<'a> {
    sessions: &'a Sessions,
    id: u32,
}

impl Drop for Registration<'_> {
    fn drop(&mut self) {
        self.sessions.map.lock().remove(&self.id);
    }
}

impl Sessions {
    /// Lists session `client` until the returned registration drops.
    pub(crate) fn register(
        &self,
        client: ClientId,
        name: &str,
        player: Option<&str>,
        address: IpAddr,
        room: u32,
        link: SessionLink,
    ) -> Registration<'_> {
        let entry = Entry {
            name: name.to_string(),
            player: player.map(str::to_string),
            address,
            room,
            since: Instant::now(),
            link,
        };
        self.map.lock().insert(client.0, entry);
        Registration {
            sessions: self,
            id: client.0,
        }
    }

    /// The sessions of join-token player `sub`, with their links.
    pub(crate) fn of_player(&self, sub: &str) -> Vec<(u32, SessionLink)> {
        self.map
            .lock()
            .iter()
            .filter(|(_, e)| e.player.as_deref() == Some(sub))
            .map(|(id, e)| (*id, e.link.clone()))
            .collect()
    }

    /// Every session, oldest first.
    pub fn list(&self) -> Vec<SessionInfo> {
        let mut list: Vec<SessionInfo> =
            self.map.lock().iter().map(|(id, e)| e.info(*id)).collect();
        list.sort_by_key(|s| std::cmp::Reverse(s.connected_seconds));
        list
    }

    /// Sends an encoded server message to the sessions `target` names, each through its
    /// bounded control queue (never waiting); returns how many took it and how many missed it
    /// (a full queue).
    pub(crate) fn send(&self, target: &Target, bytes: &[u8]) -> (usize, usize) {
        let links: Vec<SessionLink> = self
            .map
            .lock()
            .iter()
            .filter(|(id, e)| e.matches(**id, target))
            .map(|(_, e)| e.link.clone())
            .collect();
        let sent = links.iter().filter(|l| l.send(bytes.to_vec())).count();
        (sent, links.len() - sent)
    }

    /// The sessions `target` names, with their links.
    pub(crate) fn matching(&self, target: &Target) -> Vec<(SessionInfo, SessionLink)> {
        self.map
            .lock()
            .iter()
            .filter(|(id, e)| e.matches(**id, target))
            .map(|(id, e)| (e.info(*id), e.link.clone()))
            .collect()
    }
}

impl Broadcast for Sessions {
    fn send_to_all(&self, bytes: &[u8]) -> (usize, usize) {
        self.send(&Target::All, bytes)
    }
}
