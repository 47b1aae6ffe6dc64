//! `GameClient`: a headless tickwire client over a real WebSocket. It keeps the world it rebuilds
//! from deltas, exactly as a browser would. Used by the end-to-end tests and the load generator.

use std::net::SocketAddr;
use std::sync::Arc;

use fastwebsockets::{Frame, OpCode, Payload};
use tickwire_protocol::{
    ClientMsg, EntityId, EntityView, Hello, InputAck, PROTOCOL_VERSION, Schema, SchemaHash,
    ServerMsg, Tick, Welcome, World, codec,
};

use crate::connect::{ClientSocket, connect_tcp, tls_handshake, websocket_handshake};
use crate::rustls::ClientConfig;
use crate::{ClientError, ClientWorld};

/// One thing received from the server.
#[derive(Debug)]
pub enum Received {
    /// A snapshot, already applied to [`GameClient::world`].
    Snapshot {
        /// Its tick.
        tick: Tick,
        /// The last input the server applied.
        ack: u32,
        /// Its size in bytes (WebSocket payload).
        bytes: usize,
        /// For a full snapshot, the hash of the schema it was written in (checked against the
        /// welcome's before it was applied); `None` for a delta.
        schema: Option<tickwire_protocol::SchemaHash>,
    },
    /// Any other message.
    Message(ServerMsg),
    /// The server closed the connection with this code and reason.
    Closed {
        /// Close code.
        code: u16,
        /// Close reason.
        reason: String,
    },
}

/// A connected client.
pub struct GameClient {
    ws: ClientSocket,
    world: ClientWorld,
    /// The welcome, once received.
    pub welcome: Option<Welcome>,
    /// The last input ack received.
    pub last_ack: u32,
    /// The whole of the last acknowledgement: the input, the ticks it was repeated, and the
    /// pace the server asks for.
    pub input_ack: InputAck,
    /// WebSocket payload bytes received.
    pub bytes_in: u64,
    /// The schema this client's `Hello` names (`None`: it decodes any).
    pub built_for: Option<SchemaHash>,
}

impl GameClient {
    /// Opens a WebSocket to `ws://addr/ws`.
    pub async fn connect(addr: SocketAddr) -> Result<GameClient, ClientError> {
        GameClient::connect_with(addr, None).await
    }

    /// Opens a WebSocket to `ws://addr` + `path`, a path with an optional query (for example
    /// `/ws?token=…`, a join token).
    pub async fn connect_path(addr: SocketAddr, path: &str) -> Result<GameClient, ClientError> {
        let stream = connect_tcp(addr, None).await?;
        let ws = websocket_handshake(stream, &addr.to_string(), path).await?;
        Ok(GameClient::from_socket(ws))
    }

    /// Opens a WebSocket with a chosen kernel receive buffer (a small one makes a slow reader
    /// felt by the server sooner).
    pub async fn connect_with(
        addr: SocketAddr,
        recv_buffer: Option<u32>,
    ) -> Result<GameClient, ClientError> {
        let stream = connect_tcp(addr, recv_buffer).await?;
        let ws = websocket_handshake(stream, &addr.to_string(), "/ws").await?;
        Ok(GameClient::from_socket(ws))
    }

    /// Opens a WebSocket to `wss://addr/ws`: TLS first, checking the server's certificate for
    /// `server_name` (a DNS name or an IP address) against `config`, then the upgrade.
    pub async fn connect_tls(
        addr: SocketAddr,
        server_name: &str,
        config: Arc<ClientConfig>,
    ) -> Result<GameClient, ClientError> {
        let stream = connect_tcp(addr, None).await?;
        let tls = tls_handshake(stream, server_name, config).await?;
        let ws = websocket_handshake(tls, &addr.to_string(), "/ws").await?;
        Ok(GameClient::from_socket(ws))
    }

    /// A client over a WebSocket the caller opened (for example with [`crate::connect_tcp_from`]
    /// and [`crate::websocket_handshake`], to choose the source address or the path).
    pub fn from_socket(mut ws: ClientSocket) -> GameClient {
        ws.set_max_message_size(codec::MAX_SERVER_MSG);
        GameClient {
            ws,
            world: ClientWorld::new(),
            welcome: None,
            last_ack: 0,
            input_ack: InputAck::default(),
            bytes_in: 0,
            built_for: None,
        }
    }

    /// Connects over TLS (see [`GameClient::connect_tls`]) and joins as `name`.
    pub async fn join_tls(
        addr: SocketAddr,
        server_name: &str,
        config: Arc<ClientConfig>,
        name: &str,
    ) -> Result<GameClient, ClientError> {
        GameClient::join_with(
            GameClient::connect_tls(addr, server_name, config).await?,
            name,
        )
        .await
    }

    /// Connects and joins as `name`, returning once the welcome arrived.
    pub async fn join(addr: SocketAddr, name: &str) -> Result<GameClient, ClientError> {
        GameClient::join_with(GameClient::connect(addr).await?, name).await
    }

    /// Joins as `name` on an already connected client.
    pub async fn join_with(c: GameClient, name: &str) -> Result<GameClient, ClientError> {
        GameClient::hello(c, name, None).await
    }

    /// Takes back a held seat: connects to `ws://addr/ws?resume` and says `Hello` with `token`
    /// (an earlier [`GameClient::resume_token`]). The same entity and score come back, with a
    /// new token; a refused token ends in [`ClientError::Closed`] with
    /// [`close::RESUME_REFUSED`](tickwire_protocol::close::RESUME_REFUSED).
    pub async fn resume(addr: SocketAddr, token: &str) -> Result<GameClient, ClientError> {
        let c = GameClient::connect_path(addr, "/ws?resume").await?;
        GameClient::hello(c, "", Some(token)).await
    }

    /// Watches room `room` as a spectator (`/ws?room=ID&spectate=1`): no entity, the whole
    /// world, and no inputs to send (the server closes a spectator that sends one).
    pub async fn spectate(addr: SocketAddr, room: u32) -> Result<GameClient, ClientError> {
        let path = format!("/ws?room={room}&spectate=1");
        let c = GameClient::connect_path(addr, &path).await?;
        GameClient::hello(c, "spectator", None).await
    }

    /// Says `Hello` as `name` (resuming with `resume` when given) on a connected client,
    /// returning once the welcome arrived.
    pub async fn hello(
        mut c: GameClient,
        name: &str,
        resume: Option<&str>,
    ) -> Result<GameClient, ClientError> {
        c.send(&ClientMsg::Hello(Hello {
            protocol_version: PROTOCOL_VERSION,
            name: name.into(),
            resume: resume.map(str::to_owned),
            schema: c.built_for,
        }))
        .await?;
        loop {
            match c.recv().await? {
                Received::Message(ServerMsg::Welcome(_)) => return Ok(c),
                Received::Closed { code, reason } => {
                    return Err(ClientError::Closed { code, reason });
                }
                _ => {}
            }
        }
    }

    /// The token that takes this client's seat back if its connection drops (`None` when the
    /// server holds no seats, or for a spectator).
    pub fn resume_token(&self) -> Option<&str> {
        self.welcome
            .as_ref()
            .map(|w| w.resume_token.as_str())
            .filter(|t| !t.is_empty())
    }

    /// Drops the connection without a close frame, as a lost network would (the server holds
    /// the seat for a resume). Consumes the client.
    pub fn drop_connection(self) {
        drop(self.ws);
    }

    /// Sends a message.
    pub async fn send(&mut self, msg: &ClientMsg) -> Result<(), ClientError> {
        let mut bytes = Vec::new();
        codec::encode_client(msg, &mut bytes)?;
        self.send_raw(OpCode::Binary, bytes).await
    }

    /// Sends any frame, for tests of bad input.
    pub async fn send_raw(&mut self, opcode: OpCode, payload: Vec<u8>) -> Result<(), ClientError> {
        self.ws
            .write_frame(Frame::new(true, opcode, None, Payload::Owned(payload)))
            .await?;
        Ok(())
    }

    /// Sends a close frame.
    pub async fn close(&mut self) -> Result<(), ClientError> {
        self.ws.write_frame(Frame::close(1000, b"bye")).await?;
        Ok(())
    }

    /// Reads the next message; snapshots are applied to [`GameClient::world`].
    pub async fn recv(&mut self) -> Result<Received, ClientError> {
        loop {
            let frame = self.ws.read_frame().await?;
            match frame.opcode {
                OpCode::Close => {
                    let p = &frame.payload;
                    let code = if p.len() >= 2 {
                        u16::from_be_bytes([p[0], p[1]])
                    } else {
                        1005
                    };
                    let reason = String::from_utf8_lossy(p.get(2..).unwrap_or_default()).into();
                    return Ok(Received::Closed { code, reason });
                }
                OpCode::Binary => {
                    self.bytes_in += frame.payload.len() as u64;
                    let len = frame.payload.len();
                    let msg = codec::decode_server(&frame.payload)?;
                    return self.absorb(msg, len);
                }
                OpCode::Text => {
                    return Err(ClientError::Unexpected("text message".into()));
                }
                _ => {}
            }
        }
    }

    fn absorb(&mut self, msg: ServerMsg, len: usize) -> Result<Received, ClientError> {
        match msg {
            ServerMsg::Snapshot(s) => {
                // The same reader as the load generator's, so that the end-to-end tests check it.
                self.world.apply(s.schema, &s.body.0)?;
                let tick = self.world.current().map_or(Tick(0), |w| w.tick);
                self.last_ack = s.ack;
                let mut earlier = [0; tickwire_protocol::EARLIER_INPUTS];
                for (slot, n) in earlier.iter_mut().zip(&s.earlier) {
                    *slot = *n;
                }
                self.input_ack = InputAck {
                    seq: s.ack,
                    repeats: s.repeats,
                    pace: s.pace,
                    earlier,
                    earlier_len: s.earlier.len().min(earlier.len()) as u8,
                };
                Ok(Received::Snapshot {
                    tick,
                    ack: s.ack,
                    bytes: len,
                    schema: s.schema,
                })
            }
            ServerMsg::Welcome(w) => {
                self.world.set_schema(Arc::new(w.schema.clone()));
                self.welcome = Some((*w).clone());
                Ok(Received::Message(ServerMsg::Welcome(w)))
            }
            other => Ok(Received::Message(other)),
        }
    }

    /// The world rebuilt from every snapshot received so far (`None` before the first).
    pub fn world(&self) -> Option<&World> {
        self.world.current()
    }

    /// The world of the snapshot before the last one.
    pub fn previous(&self) -> Option<&World> {
        self.world.previous()
    }

    /// The schema of the server's game, from its `Welcome`.
    pub fn schema(&self) -> Option<&Arc<Schema>> {
        self.world.schema()
    }

    /// Entity `id` of the last snapshot, its fields read by name through the schema.
    pub fn entity(&self, id: EntityId) -> Option<EntityView<'_>> {
        self.world.entity(id)
    }

    /// The decoded world and its schema.
    pub fn client_world(&self) -> &ClientWorld {
        &self.world
    }

    /// Hands over the socket and the world, for a caller that splits the socket into a reader
    /// and a writer (the load generator does).
    pub fn into_parts(self) -> (ClientSocket, ClientWorld) {
        (self.ws, self.world)
    }

    /// Sends input `seq` holding `record`, written by the schema's input fields (see
    /// [`crate::game_data::input`]), sampled while showing the world of `view_tick` (0:
    /// unknown). Before the welcome there is no schema: an error.
    pub async fn send_input(
        &mut self,
        seq: u32,
        view_tick: u32,
        record: &tickwire_protocol::Record,
    ) -> Result<(), ClientError> {
        let Some(schema) = self.schema() else {
            return Err(ClientError::Unexpected(
                "an input before the welcome".into(),
            ));
        };
        let input = crate::game_data::input(schema, seq, view_tick, record);
        self.send(&ClientMsg::Input(input)).await
    }

    /// `msg` read by its kind in the server's schema (see [`crate::game_data::event`]).
    pub fn event(
        &self,
        msg: &tickwire_protocol::GameEventMsg,
    ) -> Result<crate::game_data::Event<'_>, ClientError> {
        let schema = self
            .schema()
            .ok_or_else(|| ClientError::Unexpected("an event before the welcome".into()))?;
        crate::game_data::event(schema, msg)
    }

    /// The map's features (the welcome's `MapInfo::features`) as a world of the schema's
    /// kinds; empty before the welcome or for a map without features.
    pub fn map_features(&self) -> Result<World, ClientError> {
        match (self.schema(), &self.welcome) {
            (Some(schema), Some(w)) => crate::game_data::map_features(schema, &w.map),
            _ => Ok(World::default()),
        }
    }

    /// Reads until a snapshot arrives, returning its tick.
    pub async fn next_snapshot(&mut self) -> Result<Tick, ClientError> {
        loop {
            match self.recv().await? {
                Received::Snapshot { tick, .. } => return Ok(tick),
                Received::Closed { code, reason } => {
                    return Err(ClientError::Closed { code, reason });
                }
                Received::Message(_) => {}
            }
        }
    }
}
