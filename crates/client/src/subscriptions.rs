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
        loop {
            match self.recv().await? {
                Received::Message(ServerMsg::Leaderboard(rows)) => return Ok(rows),
                Received::Closed { code, reason } => {
                    return Err(ClientError::Closed { code, reason });
                }
                _ => {}
            }
        }
    }

    /// Reads (applying snapshots) until the room's match ends, returning its result.
    pub async fn next_match_end(&mut self) -> Result<MatchEnd, ClientError> {
        loop {
            match self.recv().await? {
                Received::Message(ServerMsg::MatchEnd(end)) => return Ok(end),
                Received::Closed { code, reason } => {
                    return Err(ClientError::Closed { code, reason });
                }
                _ => {}
            }
        }
    }
}
