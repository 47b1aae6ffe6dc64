//! The misbehaving clients: each takes the seven roles in turn for the whole run, every role
//! bounded in time, and records what the server did about it.

use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

use fastwebsockets::OpCode;
use tickwire_client::{GameClient, Received, connect_tcp_from, game_data};
use tickwire_protocol::{ClientMsg, ServerMsg, close, codec};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::Instant;

use super::Ctx;
use crate::game_input::GameInput;

/// The source address every [`Kind::AddressFlood`] connects from, so that the honest clients'
/// addresses never reach the per-address limit.
pub const FLOOD_SOURCE: Ipv4Addr = Ipv4Addr::new(127, 0, 0, 77);

/// The kernel receive buffer of a slow reader: small, so the server feels it soon.
const SLOW_RECV_BUFFER: u32 = 4096;
/// Most ping frames one ping flood sends.
const PING_FLOOD_FRAMES: u32 = 5_000;
/// Longest a ping flood sends for.
const PING_FLOOD_FOR: Duration = Duration::from_secs(3);
/// How long the server's answer to a misbehaviour is waited for once it is done.
const OBSERVE: Duration = Duration::from_secs(2);
/// The pause between two roles of one client.
const PAUSE: Duration = Duration::from_millis(200);
/// Most roles one client plays in a run (a bound on the loop whatever the clock does).
const MAX_TURNS: u32 = 10_000;

/// One kind of misbehaviour.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// Joins, then never reads: the server's write deadline should drop it.
    SlowReader,
    /// Joins, then shuts down its write side and keeps reading: the server should end it.
    HalfClose,
    /// Joins, sends the first half of a WebSocket frame, then drops the connection.
    CutMidFrame,
    /// Joins, then drops the socket without a close frame.
    Vanish,
    /// Opens connections from one address past the server's per-address limit: `429`.
    AddressFlood,
    /// Joins, then sends WebSocket pings as fast as it can without reading.
    PingFlood,
    /// Sends an HTTP request a byte every 500 ms: the header timeout should cut it.
    SlowHeaders,
}

impl Kind {
    /// Every kind, in the order a client takes them.
    pub const ALL: [Kind; 7] = [
        Kind::SlowReader,
        Kind::HalfClose,
        Kind::CutMidFrame,
        Kind::Vanish,
        Kind::AddressFlood,
        Kind::PingFlood,
        Kind::SlowHeaders,
    ];

    /// The name in the report.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::SlowReader => "slow_reader",
            Kind::HalfClose => "half_close",
            Kind::CutMidFrame => "cut_mid_frame",
            Kind::Vanish => "vanish",
            Kind::AddressFlood => "address_flood",
            Kind::PingFlood => "ping_flood",
            Kind::SlowHeaders => "slow_headers",
        }
    }

    /// Whether `outcome` is what a server that defends itself answers this kind with.
    pub fn expects(self, outcome: Outcome) -> bool {
        match self {
            Kind::SlowReader | Kind::HalfClose | Kind::SlowHeaders => {
                matches!(outcome, Outcome::Ended | Outcome::Closed(_))
            }
            Kind::CutMidFrame | Kind::Vanish => outcome == Outcome::Done,
            Kind::AddressFlood => outcome == Outcome::Refused,
            Kind::PingFlood => matches!(
                outcome,
                Outcome::Ended | Outcome::Closed(close::FLOODING | close::POLICY_VIOLATION)
            ),
        }
    }
}

/// What came of one misbehaviour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The server sent a close frame (or a kick) with this code.
    Closed(u16),
    /// The server ended the connection (end of stream, reset, or an HTTP error answer).
    Ended,
    /// The server refused a connection with `429`.
    Refused,
    /// The server still served the client when the misbehaviour's time was up.
    Survived,
    /// Nothing to observe: the client left (the players gauge tells whether the server noticed).
    Done,
    /// The misbehaviour could not be set up (the join failed).
    Error,
}

impl Outcome {
    /// The label in the report.
    pub fn label(self) -> String {
        match self {
            Outcome::Closed(code) => format!("closed_{code}"),
            Outcome::Ended => "ended".into(),
            Outcome::Refused => "refused_429".into(),
            Outcome::Survived => "survived".into(),
            Outcome::Done => "done".into(),
            Outcome::Error => "error".into(),
        }
    }
}

/// The role misbehaving client `client` plays on its `turn`-th turn: each client starts at a
/// different kind and goes through all of them, so that seven clients cover every kind at once.
pub fn role_for(client: u32, turn: u32) -> Kind {
    let n = Kind::ALL.len() as u64;
    Kind::ALL[((u64::from(client) + u64::from(turn)) % n) as usize]
}

/// Plays roles in turn until the run's deadline; returns what each one came to.
pub(crate) async fn run(ctx: &Ctx, client: u32) -> Vec<(Kind, Outcome)> {
    let mut seen = Vec::new();
    let local = ctx.source(2, client);
    let mut turn = 0;
    while Instant::now() < ctx.deadline && turn < MAX_TURNS {
        let kind = role_for(client, turn);
        let name = format!("bad-{client}-{turn}");
        // Each role bounds itself; this is a backstop.
        let bound = ctx.hold + OBSERVE + Duration::from_secs(5);
        let outcome = tokio::time::timeout(bound, play(ctx, kind, local, &name))
            .await
            .unwrap_or(Outcome::Survived);
        tracing::debug!(client, kind = kind.as_str(), outcome = %outcome.label(), "misbehaved");
        seen.push((kind, outcome));
        turn += 1;
        tokio::time::sleep(PAUSE).await;
    }
    seen
}

async fn play(ctx: &Ctx, kind: Kind, local: Option<IpAddr>, name: &str) -> Outcome {
    match kind {
        Kind::AddressFlood => return address_flood(ctx).await,
        Kind::SlowHeaders => return slow_headers(ctx, local).await,
        _ => {}
    }
    let recv_buffer = (kind == Kind::SlowReader).then_some(SLOW_RECV_BUFFER);
    let Ok(c) = ctx.join(local, recv_buffer, name).await else {
        return Outcome::Error;
    };
    match kind {
        Kind::SlowReader => slow_reader(ctx, c).await,
        Kind::HalfClose => half_close(ctx, c).await,
        Kind::CutMidFrame => cut_mid_frame(c).await,
        Kind::Vanish => {
            tokio::time::sleep(PAUSE).await;
            drop(c);
            Outcome::Done
        }
        Kind::PingFlood => ping_flood(ctx, c).await,
        Kind::AddressFlood | Kind::SlowHeaders => Outcome::Error,
    }
}

/// Reads until the server closes or ends the connection, at most for `limit`.
async fn observe(c: &mut GameClient, limit: Duration) -> Outcome {
    let deadline = Instant::now() + limit;
    loop {
        match tokio::time::timeout_at(deadline, c.recv()).await {
            Err(_) => return Outcome::Survived,
            Ok(Ok(Received::Closed { code, .. })) => return Outcome::Closed(code),
            Ok(Ok(Received::Message(ServerMsg::Kick(k)))) => return Outcome::Closed(k.code),
            Ok(Ok(_)) => {}
            Ok(Err(_)) => return Outcome::Ended,
        }
    }
}

/// Never reads; sends an input every 500 ms (a player whose download is stuck, not an idle one),
/// and stops early once a write fails because the server dropped it.
async fn slow_reader(ctx: &Ctx, mut c: GameClient) -> Outcome {
    let until = Instant::now() + ctx.hold;
    let mut seq = 0u32;
    let idle = match c.schema() {
        Some(schema) => GameInput::of(schema).idle(),
        None => return Outcome::Error,
    };
    while Instant::now() < until {
        seq += 1;
        if tokio::time::timeout(Duration::from_secs(1), c.send_input(seq, 0, &idle))
            .await
            .map_or(true, |sent| sent.is_err())
        {
            return Outcome::Ended;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    observe(&mut c, OBSERVE).await
}

/// Shuts down the write side, then reads raw bytes until the server ends the connection.
async fn half_close(ctx: &Ctx, c: GameClient) -> Outcome {
    let (ws, _) = c.into_parts();
    let mut io = ws.into_inner();
    if io.shutdown().await.is_err() {
        return Outcome::Ended;
    }
    let deadline = Instant::now() + ctx.hold;
    let mut buf = vec![0u8; 16 * 1024];
    loop {
        match tokio::time::timeout_at(deadline, io.read(&mut buf)).await {
            Err(_) => return Outcome::Survived,
            Ok(Ok(0)) | Ok(Err(_)) => return Outcome::Ended,
            Ok(Ok(_)) => {}
        }
    }
}

/// Sends the first half of a masked binary frame holding an input, then drops the connection.
async fn cut_mid_frame(c: GameClient) -> Outcome {
    let input = match c.schema() {
        Some(schema) => game_data::input(schema, 1, 0, &GameInput::of(schema).idle()),
        None => return Outcome::Error,
    };
    let (ws, _) = c.into_parts();
    let mut io = ws.into_inner();
    let mut payload = Vec::new();
    if codec::encode_client(&ClientMsg::Input(input), &mut payload).is_err() {
        return Outcome::Error;
    }
    let frame = masked_binary_frame(&payload);
    let _ = io.write_all(&frame[..frame.len() / 2]).await;
    let _ = io.flush().await;
    drop(io);
    Outcome::Done
}

/// A masked client binary frame (payload under 126 bytes).
fn masked_binary_frame(payload: &[u8]) -> Vec<u8> {
    let mask = [0x5a, 0x17, 0xc3, 0x08];
    let mut out = vec![0x82, 0x80 | payload.len().min(125) as u8];
    out.extend_from_slice(&mask);
    out.extend(
        payload
            .iter()
            .take(125)
            .enumerate()
            .map(|(i, b)| b ^ mask[i % 4]),
    );
    out
}

/// Sends ping frames as fast as it can without reading, then looks at what the server did.
async fn ping_flood(ctx: &Ctx, mut c: GameClient) -> Outcome {
    let until = Instant::now() + ctx.hold.min(PING_FLOOD_FOR);
    for i in 0..PING_FLOOD_FRAMES {
        if Instant::now() >= until {
            break;
        }
        let sent = tokio::time::timeout(
            Duration::from_secs(1),
            c.send_raw(OpCode::Ping, b"flood".to_vec()),
        )
        .await;
        if !matches!(sent, Ok(Ok(()))) {
            break;
        }
        if i % 64 == 63 {
            tokio::task::yield_now().await;
        }
    }
    observe(&mut c, OBSERVE).await
}

/// Opens up to [`Ctx::address_probe`] connections from [`FLOOD_SOURCE`] and counts a `429`.
async fn address_flood(ctx: &Ctx) -> Outcome {
    let local = ctx.v4_loopback().then_some(IpAddr::V4(FLOOD_SOURCE));
    let mut held: Vec<TcpStream> = Vec::new();
    let deadline = Instant::now() + ctx.hold;
    for _ in 0..ctx.address_probe {
        match tokio::time::timeout_at(deadline, connect_tcp_from(local, ctx.addr, None)).await {
            Ok(Ok(s)) => held.push(s),
            _ => break,
        }
    }
    // The newest first: those past the limit have their answer waiting.
    let deadline = Instant::now() + OBSERVE;
    let mut refused = false;
    let mut buf = [0u8; 64];
    for s in held.iter_mut().rev() {
        if let Ok(Ok(n)) = tokio::time::timeout_at(deadline, s.read(&mut buf)).await
            && buf[..n].starts_with(b"HTTP/1.1 429")
        {
            refused = true;
            break;
        }
    }
    if refused {
        Outcome::Refused
    } else {
        Outcome::Survived
    }
}

/// Sends a request a byte every 500 ms until the server cuts it, at most for [`Ctx::hold`].
async fn slow_headers(ctx: &Ctx, local: Option<IpAddr>) -> Outcome {
    let Ok(mut s) = connect_tcp_from(local, ctx.addr, None).await else {
        return Outcome::Error;
    };
    let request = format!(
        "GET /healthz HTTP/1.1\r\nHost: {}\r\nX-Pad: {}\r\n\r\n",
        ctx.target.authority(),
        "a".repeat(200)
    );
    let until = Instant::now() + ctx.hold;
    let mut buf = [0u8; 256];
    for byte in request.as_bytes() {
        if Instant::now() >= until {
            break;
        }
        if s.write_all(std::slice::from_ref(byte)).await.is_err() {
            return Outcome::Ended;
        }
        match tokio::time::timeout(Duration::from_millis(500), s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return Outcome::Ended,
            // hyper may answer 408 before closing.
            Ok(Ok(n)) if buf[..n].starts_with(b"HTTP/1.1 408") => return Outcome::Ended,
            Ok(Ok(_)) => return Outcome::Survived,
            Err(_) => {}
        }
    }
    Outcome::Survived
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_cover_every_kind_in_turn() {
        // One client goes through all seven kinds, then starts over.
        let turns: Vec<Kind> = (0..7).map(|t| role_for(3, t)).collect();
        let mut sorted = turns.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 7, "{turns:?}");
        assert_eq!(role_for(3, 7), role_for(3, 0));
        // Seven clients on their first turn cover every kind too.
        let mut first: Vec<Kind> = (0..7).map(|c| role_for(c, 0)).collect();
        first.sort();
        assert_eq!(first, Kind::ALL.to_vec());
        assert_eq!(role_for(u32::MAX, u32::MAX), role_for(u32::MAX, u32::MAX));
    }

    #[test]
    fn expected_outcomes() {
        assert!(Kind::SlowReader.expects(Outcome::Ended));
        assert!(!Kind::SlowReader.expects(Outcome::Survived));
        assert!(Kind::AddressFlood.expects(Outcome::Refused));
        assert!(!Kind::AddressFlood.expects(Outcome::Survived));
        assert!(Kind::PingFlood.expects(Outcome::Closed(close::FLOODING)));
        assert!(Kind::PingFlood.expects(Outcome::Closed(close::POLICY_VIOLATION)));
        assert!(!Kind::PingFlood.expects(Outcome::Closed(close::NORMAL)));
        assert!(Kind::Vanish.expects(Outcome::Done));
        assert!(!Kind::Vanish.expects(Outcome::Error));
        assert_eq!(Outcome::Closed(4003).label(), "closed_4003");
        assert_eq!(Outcome::Refused.label(), "refused_429");
        let names: Vec<_> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        assert!(names.contains(&"slow_headers"), "{names:?}");
    }

    #[test]
    fn the_cut_frame_is_a_masked_binary_frame() {
        let f = masked_binary_frame(&[1, 2, 3, 4, 5]);
        assert_eq!(f.len(), 2 + 4 + 5);
        assert_eq!((f[0], f[1]), (0x82, 0x85));
        assert_eq!(f[6] ^ f[2], 1);
    }
}
