//! What a [`GameClient`] can ask for besides its game (the leaderboard), and reading until the
//! leaderboard or a match result arrives.

use tickwire_protocol::{ClientMsg, LeaderboardEntry, MatchEnd, ServerMsg, Subscribe};

use crate::{ClientError, GameClient, Received};

impl GameClient {
    /// Asks for the leaderboard: the server sends it at once and again whenever it changes.
    pub async fn subscribe_leaderboard(&mut self) -> Result<(), ClientError> {
        self.send(&ClientMsg::Subscribe(Subscribe { leaderboard: true }))
            .await
    }

    /// Reads (applying snapshots) until a leaderboard arrives.
    pub async fn next_leaderboard(&mut self) -> Result<Vec<LeaderboardEntry>, ClientError> {
        self.next_message(|m| match m {
            ServerMsg::Leaderboard(rows) => Some(rows),
            _ => None,
        })
        .await
    }

    /// Reads (applying snapshots) until the room's match ends, returning its result.
    pub async fn next_match_end(&mut self) -> Result<MatchEnd, ClientError> {
        self.next_message(|m| match m {
            ServerMsg::MatchEnd(end) => Some(end),
            _ => None,
        })
        .await
    }

    /// Reads (applying snapshots) until `pick` takes a message.
    pub async fn next_message<T>(
        &mut self,
        pick: impl Fn(ServerMsg) -> Option<T>,
    ) -> Result<T, ClientError> {
        loop {
            match self.recv().await? {
                Received::Message(msg) => {
                    if let Some(found) = pick(msg) {
                        return Ok(found);
                    }
                }
                Received::Closed { code, reason } => {
                    return Err(ClientError::Closed { code, reason });
                }
                Received::Snapshot { .. } => {}
            }
        }
    }
}
