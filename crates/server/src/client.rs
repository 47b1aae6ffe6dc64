//! `GameClient`: a headless tickwire client over a real WebSocket. It keeps the world it rebuilds
//! from deltas, exactly as a browser would. Used by the end-to-end tests and the load generator.

use std::net::SocketAddr;

use bytes::Bytes;
use fastwebsockets::{Frame, OpCode, Payload, WebSocket, WebSocketError, handshake};
use http_body_util::Empty;
use hyper::Request;
use hyper::header::{CONNECTION, HOST, UPGRADE};
use hyper::upgrade::Upgraded;
use hyper_util::rt::TokioIo;
use tickwire_protocol::{
    Baselines, ClientMsg, CodecError, DeltaBody, DeltaError, Hello, PROTOCOL_VERSION, ServerMsg,
    Tick, Welcome, WorldState, codec,
};
use tokio::net::TcpStream;

/// What can go wrong on the client side.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// TCP connect failed.
    #[error("connect: {0}")]
    Connect(#[from] std::io::Error),
    /// The WebSocket layer failed.
    #[error("websocket: {0}")]
    WebSocket(#[from] WebSocketError),
    /// A server message did not decode.
    #[error("decode: {0}")]
    Decode(#[from] CodecError),
    /// A delta did not apply to the client's baseline.
    #[error("delta: {0}")]
    Delta(#[from] DeltaError),
    /// The server closed the connection.
    #[error("closed by the server: {code} {reason}")]
    Closed {
        /// Close code.
        code: u16,
        /// Close reason.
        reason: String,
    },
    /// The server sent something out of order.
    #[error("unexpected: {0}")]
    Unexpected(String),
}

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
    ws: WebSocket<TokioIo<Upgraded>>,
    /// The world rebuilt from every snapshot received so far.
    pub world: Option<WorldState>,
    /// The world before `world` (deltas may predict motion from it).
    pub previous: Option<WorldState>,
    /// The welcome, once received.
    pub welcome: Option<Welcome>,
    /// The last input ack received.
    pub last_ack: u32,
    /// WebSocket payload bytes received.
    pub bytes_in: u64,
}

struct SpawnExecutor;

impl<F> hyper::rt::Executor<F> for SpawnExecutor
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    fn execute(&self, fut: F) {
        tokio::spawn(fut);
    }
}

/// Performs the client side of a WebSocket upgrade on a connected stream: `GET path` to `host`,
/// then the RFC 6455 handshake. Auto-close and auto-pong are on; the message limit is the caller's.
pub async fn websocket_handshake(
    stream: TcpStream,
    host: &str,
    path: &str,
) -> Result<WebSocket<TokioIo<Upgraded>>, ClientError> {
    let req = Request::builder()
        .method("GET")
        // Origin form (the path alone), as HTTP/1.1 clients send to origin servers.
        .uri(path)
        .header(HOST, host)
        .header(UPGRADE, "websocket")
        .header(CONNECTION, "upgrade")
        .header("Sec-WebSocket-Key", handshake::generate_key())
        .header("Sec-WebSocket-Version", "13")
        .body(Empty::<Bytes>::new())
        .map_err(|e| ClientError::Unexpected(e.to_string()))?;
    let (mut ws, _) = handshake::client(&SpawnExecutor, req, stream).await?;
    ws.set_auto_close(true);
    ws.set_auto_pong(true);
    Ok(ws)
}

/// Opens a TCP connection with Nagle off and, when given, a fixed kernel receive buffer (which
/// also turns off the kernel's receive buffer autotuning for this socket).
pub async fn connect_tcp(
    addr: SocketAddr,
    recv_buffer: Option<u32>,
) -> std::io::Result<tokio::net::TcpStream> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    if let Some(bytes) = recv_buffer {
        socket.set_recv_buffer_size(bytes)?;
    }
    let stream = socket.connect(addr).await?;
    stream.set_nodelay(true)?;
    Ok(stream)
}

impl GameClient {
    /// Opens a WebSocket to `ws://addr/ws`.
    pub async fn connect(addr: SocketAddr) -> Result<GameClient, ClientError> {
        GameClient::connect_with(addr, None).await
    }

    /// Opens a WebSocket with a chosen kernel receive buffer (a small one makes a slow reader
    /// felt by the server sooner).
    pub async fn connect_with(
        addr: SocketAddr,
        recv_buffer: Option<u32>,
    ) -> Result<GameClient, ClientError> {
        let stream = connect_tcp(addr, recv_buffer).await?;
        let mut ws = websocket_handshake(stream, &addr.to_string(), "/ws").await?;
        ws.set_max_message_size(codec::MAX_SERVER_MSG);
        Ok(GameClient {
            ws,
            world: None,
            previous: None,
            welcome: None,
            last_ack: 0,
            bytes_in: 0,
        })
    }

    /// Connects and joins as `name`, returning once the welcome arrived.
    pub async fn join(addr: SocketAddr, name: &str) -> Result<GameClient, ClientError> {
        GameClient::join_with(GameClient::connect(addr).await?, name).await
    }

    /// Joins as `name` on an already connected client.
    pub async fn join_with(mut c: GameClient, name: &str) -> Result<GameClient, ClientError> {
        c.send(&ClientMsg::Hello(Hello {
            protocol_version: PROTOCOL_VERSION,
            name: name.into(),
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
                let worlds = Baselines {
                    baseline: self.world.as_ref(),
                    previous: self.previous.as_ref(),
                };
                // The same reader as the load generator's, so that the end-to-end tests check it.
                let mut world = WorldState::default();
                DeltaBody::apply_into(&s.body.0, worlds, &mut world)?;
                let tick = world.tick;
                self.previous = self.world.replace(world);
                self.last_ack = s.ack;
                Ok(Received::Snapshot {
                    tick,
                    ack: s.ack,
                    bytes: len,
                })
            }
            ServerMsg::Welcome(w) => {
                self.welcome = Some(w.clone());
                Ok(Received::Message(ServerMsg::Welcome(w)))
            }
            other => Ok(Received::Message(other)),
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
