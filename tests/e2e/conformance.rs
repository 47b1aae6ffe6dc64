//! RFC 6455 conformance of the server's read side, over raw TCP with frames built by hand: most
//! against `/echo` (started with `echo: true`), the game's own rules against `/ws`.

use std::net::SocketAddr;

use tickwire_protocol::{close, codec};
use tickwire_server::CloseReason;
use tickwire_server::{ECHO_MAX_MESSAGE, Server, ServerConfig};
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

use crate::harness::{
    LIMIT, any_frame, arena_config, client_frame, http, join, raw_ws, raw_ws_at, read_close_code,
    read_server_frame, start, start_arena,
};

const FIN: u8 = 0x80;
const CONT: u8 = 0x0;
const TEXT: u8 = 0x1;
const BINARY: u8 = 0x2;
const CLOSE: u8 = 0x8;
const PING: u8 = 0x9;
const PONG: u8 = 0xA;

async fn echo_server() -> Server {
    start_arena(
        ServerConfig {
            echo: true,
            ..arena_config()
        },
        0,
    )
    .await
}

/// Opens `/echo` and writes `frames`, one after the other.
async fn send(addr: SocketAddr, frames: &[Vec<u8>]) -> TcpStream {
    let mut s = raw_ws_at(addr, "/echo").await;
    s.write_all(&frames.concat()).await.expect("write");
    s
}

/// The close code `/echo` answers `frames` with.
async fn close_code(addr: SocketAddr, frames: &[Vec<u8>]) -> Option<u16> {
    let mut s = send(addr, frames).await;
    read_close_code(&mut s).await
}

/// Checks that each case (frames on a connection of its own) is closed with `code`.
async fn each_closes_with(addr: SocketAddr, cases: &[Vec<Vec<u8>>], code: u16) {
    for frames in cases {
        assert_eq!(close_code(addr, frames).await, Some(code), "{frames:?}");
    }
}

/// The next frame from the server, which must be there.
async fn next(s: &mut TcpStream) -> (u8, Vec<u8>) {
    read_server_frame(s).await.expect("a frame")
}

fn close_frame(code: u16, reason: &[u8]) -> Vec<u8> {
    let mut payload = code.to_be_bytes().to_vec();
    payload.extend_from_slice(reason);
    client_frame(FIN | CLOSE, &payload)
}

#[tokio::test]
async fn framing_of_every_length_is_echoed() {
    let server = echo_server().await;
    let addr = server.local_addr();
    for len in [0usize, 1, 125, 126, 127, 0xffff, 0x1_0000, 70_000] {
        let payload: Vec<u8> = (0..len).map(|i| (i * 7 % 251) as u8).collect();
        let mut s = send(addr, &[any_frame(FIN | BINARY, &payload, true)]).await;
        let (first, echoed) = next(&mut s).await;
        assert_eq!(first, FIN | BINARY, "{len}");
        assert!(echoed == payload, "{len} bytes echoed differently");
    }
    // A 16-bit length used for a short payload is still a valid frame.
    let mut s = raw_ws_at(addr, "/echo").await;
    let mut frame = vec![FIN | TEXT, 0x80 | 126, 0, 2, 0, 0, 0, 0];
    frame.extend_from_slice(b"hi");
    s.write_all(&frame).await.expect("write");
    assert_eq!(next(&mut s).await, (FIN | TEXT, b"hi".to_vec()));
    server.shutdown().await;
}

#[tokio::test]
async fn reserved_bits_bad_opcodes_and_unmasked_frames_are_protocol_errors() {
    let server = echo_server().await;
    let addr = server.local_addr();
    for rsv in [0x40u8, 0x20, 0x10] {
        let code = close_code(addr, &[client_frame(FIN | rsv | BINARY, b"x")]).await;
        assert_eq!(code, Some(close::PROTOCOL_ERROR), "rsv {rsv:#x}");
    }
    for op in (3u8..=7).chain(0xB..=0xF) {
        let code = close_code(addr, &[client_frame(FIN | op, b"")]).await;
        assert_eq!(code, Some(close::PROTOCOL_ERROR), "opcode {op:#x}");
    }
    for first in [FIN | BINARY, FIN | TEXT, FIN | PING, FIN | CLOSE] {
        let code = close_code(addr, &[any_frame(first, b"", false)]).await;
        assert_eq!(code, Some(close::PROTOCOL_ERROR), "unmasked {first:#x}");
    }
    assert!(server.shared().metrics.closes(CloseReason::BadFrame) >= 14);
    server.shutdown().await;
}

#[tokio::test]
async fn fragments_with_pings_between_arrive_whole() {
    let server = echo_server().await;
    let addr = server.local_addr();
    let mut s = send(
        addr,
        &[
            client_frame(TEXT, "Heł".as_bytes()),
            client_frame(FIN | PING, b"first"),
            client_frame(CONT, b""),
            client_frame(FIN | PONG, b"unsolicited"),
            client_frame(FIN | PING, b""),
            // "€" split across two fragments.
            client_frame(CONT, &"lo €".as_bytes()[..4]),
            client_frame(FIN | CONT, &"lo €".as_bytes()[4..]),
        ],
    )
    .await;
    assert_eq!(next(&mut s).await, (FIN | PONG, b"first".to_vec()));
    assert_eq!(next(&mut s).await, (FIN | PONG, Vec::new()));
    assert_eq!(
        next(&mut s).await,
        (FIN | TEXT, "Hełlo €".as_bytes().to_vec())
    );
    // A binary message of many fragments, then a normal close that is echoed.
    let mut frames: Vec<Vec<u8>> = (0..10).map(|i| client_frame(CONT, &[i; 10])).collect();
    frames[0] = client_frame(BINARY, &[0; 10]);
    frames.push(client_frame(FIN | CONT, b"end"));
    frames.push(close_frame(close::NORMAL, b"bye"));
    s.write_all(&frames.concat()).await.expect("write");
    let (first, payload) = next(&mut s).await;
    assert_eq!(first, FIN | BINARY);
    assert_eq!(payload.len(), 103);
    assert_eq!(read_close_code(&mut s).await, Some(close::NORMAL));
    server.shutdown().await;
}

#[tokio::test]
async fn bad_fragmentation_is_a_protocol_error() {
    let server = echo_server().await;
    let addr = server.local_addr();
    let cases = [
        // A new data frame inside a fragmented message.
        vec![client_frame(BINARY, b"a"), client_frame(FIN | BINARY, b"b")],
        vec![client_frame(TEXT, b"a"), client_frame(FIN | TEXT, b"b")],
        vec![client_frame(TEXT, b"a"), client_frame(BINARY, b"b")],
        // A continuation with no message started, fin or not.
        vec![client_frame(FIN | CONT, b"x")],
        vec![client_frame(CONT, b"x")],
        // A fragmented ping, close or pong.
        vec![client_frame(PING, b"p"), client_frame(FIN | CONT, b"q")],
        vec![client_frame(CLOSE, b"")],
        vec![client_frame(PONG, b"")],
    ];
    each_closes_with(addr, &cases, close::PROTOCOL_ERROR).await;
    server.shutdown().await;
}

#[tokio::test]
async fn invalid_utf8_is_1007_whole_or_fragmented() {
    let server = echo_server().await;
    let addr = server.local_addr();
    let euro = "€".as_bytes();
    let cases = [
        vec![client_frame(FIN | TEXT, &[0xff, 0xfe])],
        // A sequence cut short by a single frame's end.
        vec![client_frame(FIN | TEXT, &euro[..2])],
        // Invalid in the first fragment: refused before the message ends.
        vec![client_frame(TEXT, &[b'a', 0xc0, 0x80])],
        vec![
            client_frame(TEXT, b"ok"),
            client_frame(FIN | CONT, &[0xed, 0xa0, 0x80]),
        ],
        // A sequence cut short at the very end of a fragmented message.
        vec![
            client_frame(TEXT, b"ok"),
            client_frame(FIN | CONT, &euro[..2]),
        ],
        vec![
            client_frame(TEXT, &euro[..1]),
            client_frame(CONT, &euro[1..2]),
            client_frame(FIN | CONT, b""),
        ],
    ];
    each_closes_with(addr, &cases, close::INVALID_PAYLOAD).await;
    server.shutdown().await;
}

#[tokio::test]
async fn close_frames_are_validated_and_valid_codes_echoed() {
    let server = echo_server().await;
    let addr = server.local_addr();
    for code in [
        1000u16, 1001, 1002, 1003, 1007, 1011, 3000, 3999, 4000, 4999,
    ] {
        let got = close_code(addr, &[close_frame(code, b"reason")]).await;
        assert_eq!(got, Some(code), "{code}");
    }
    for code in [
        0u16, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535,
    ] {
        let got = close_code(addr, &[close_frame(code, b"")]).await;
        assert_eq!(got, Some(close::PROTOCOL_ERROR), "{code}");
    }
    // An empty close is answered with a normal close.
    let got = close_code(addr, &[client_frame(FIN | CLOSE, b"")]).await;
    assert_eq!(got, Some(close::NORMAL));
    let got = close_code(addr, &[client_frame(FIN | CLOSE, &[0x03])]).await;
    assert_eq!(got, Some(close::PROTOCOL_ERROR));
    // The longest reason a control frame holds, in two-byte characters and one more byte.
    let mut reason = "é".repeat(61).into_bytes();
    reason.push(b'!');
    assert_eq!(reason.len(), 123);
    let got = close_code(addr, &[close_frame(4321, &reason)]).await;
    assert_eq!(got, Some(4321));
    let got = close_code(addr, &[close_frame(1000, &[b'a', 0xff])]).await;
    assert_eq!(got, Some(close::INVALID_PAYLOAD));
    // A close between fragments is still a close.
    let frames = [client_frame(TEXT, b"half"), close_frame(1001, b"")];
    assert_eq!(close_code(addr, &frames).await, Some(1001));
    server.shutdown().await;
}

#[tokio::test]
async fn control_frames_over_125_bytes_are_protocol_errors() {
    let server = echo_server().await;
    let addr = server.local_addr();
    let big = [b'c'; 126];
    for op in [PING, PONG, CLOSE] {
        let mut payload = big.to_vec();
        payload[..2].copy_from_slice(&1000u16.to_be_bytes());
        let code = close_code(addr, &[any_frame(FIN | op, &payload, true)]).await;
        assert_eq!(code, Some(close::PROTOCOL_ERROR), "opcode {op:#x}");
    }
    // 125 is allowed: the pong carries the ping's payload.
    let mut s = send(addr, &[client_frame(FIN | PING, &big[..125])]).await;
    assert_eq!(next(&mut s).await, (FIN | PONG, big[..125].to_vec()));
    server.shutdown().await;
}

#[tokio::test]
async fn the_echo_limit_is_inclusive_whole_or_fragmented() {
    let server = echo_server().await;
    let addr = server.local_addr();
    let max = ECHO_MAX_MESSAGE;
    let exact = vec![0x5a; max];
    let mut s = send(addr, &[any_frame(FIN | BINARY, &exact, true)]).await;
    let (first, echoed) = next(&mut s).await;
    assert_eq!((first, echoed.len()), (FIN | BINARY, max));

    // One byte over, in one frame: refused from its header alone.
    let mut s = raw_ws_at(addr, "/echo").await;
    let mut head = vec![FIN | BINARY, 0x80 | 127];
    head.extend_from_slice(&(max as u64 + 1).to_be_bytes());
    head.extend_from_slice(&[1, 2, 3, 4]);
    s.write_all(&head).await.expect("write");
    assert_eq!(read_close_code(&mut s).await, Some(close::MESSAGE_TOO_BIG));

    // Exactly the limit in fragments, then one byte over.
    let half = &exact[..max / 2];
    let frames = [
        any_frame(BINARY, half, true),
        any_frame(FIN | CONT, half, true),
    ];
    let mut s = send(addr, &frames).await;
    let (first, echoed) = next(&mut s).await;
    assert_eq!((first, echoed.len()), (FIN | BINARY, max));
    let frames = [
        any_frame(BINARY, half, true),
        any_frame(CONT, half, true),
        client_frame(FIN | CONT, b"!"),
    ];
    assert_eq!(
        close_code(addr, &frames).await,
        Some(close::MESSAGE_TOO_BIG)
    );
    server.shutdown().await;
}

#[tokio::test]
async fn every_frame_counts_against_the_flood_limit() {
    let server = echo_server().await;
    let addr = server.local_addr();
    // Bounded: 1,000 frames at once is far over the burst allowance.
    let pings = vec![client_frame(FIN | PING, b"p"); 1_000];
    assert_eq!(close_code(addr, &pings).await, Some(close::FLOODING));
    let mut empties = vec![client_frame(BINARY, b"")];
    empties.extend(vec![client_frame(CONT, b""); 1_000]);
    assert_eq!(close_code(addr, &empties).await, Some(close::FLOODING));
    let pongs = vec![client_frame(FIN | PONG, b""); 1_000];
    assert_eq!(close_code(addr, &pongs).await, Some(close::FLOODING));
    assert_eq!(server.shared().metrics.closes(CloseReason::Flood), 3);
    server.shutdown().await;
}

#[tokio::test]
async fn echo_is_off_unless_asked_for() {
    let server = start(0).await;
    let head = http(
        server.local_addr(),
        "GET /echo HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
    )
    .await;
    assert!(head.starts_with("HTTP/1.1 404"), "{head}");
    server.shutdown().await;
}

#[tokio::test]
async fn the_game_socket_keeps_its_rules_while_others_play() {
    let server = start(1).await;
    let addr = server.local_addr();
    let mut good = join(&server, "good").await;

    // Text is refused with 1003, but only once it is whole and valid.
    let mut s = raw_ws(addr).await;
    s.write_all(&[client_frame(TEXT, b"he"), client_frame(FIN | PING, b"")].concat())
        .await
        .expect("write");
    assert_eq!(next(&mut s).await, (FIN | PONG, Vec::new()));
    s.write_all(&client_frame(FIN | CONT, b"llo"))
        .await
        .expect("write");
    assert_eq!(read_close_code(&mut s).await, Some(close::UNSUPPORTED_DATA));
    let frames = [client_frame(TEXT, b"he"), client_frame(FIN | CONT, &[0xff])];
    let mut s = raw_ws(addr).await;
    s.write_all(&frames.concat()).await.expect("write");
    assert_eq!(read_close_code(&mut s).await, Some(close::INVALID_PAYLOAD));

    // The game's own limit: exactly it reaches the decoder (and is refused there), one more
    // byte is 1009, in one frame or in fragments.
    let max = codec::MAX_CLIENT_MSG;
    let mut s = raw_ws(addr).await;
    s.write_all(&any_frame(FIN | BINARY, &vec![9; max], true))
        .await
        .expect("write");
    assert_eq!(read_close_code(&mut s).await, Some(close::POLICY_VIOLATION));
    let mut s = raw_ws(addr).await;
    s.write_all(&any_frame(FIN | BINARY, &vec![9; max + 1], true))
        .await
        .expect("write");
    assert_eq!(read_close_code(&mut s).await, Some(close::MESSAGE_TOO_BIG));
    let frames = [
        any_frame(BINARY, &vec![9; max], true),
        client_frame(FIN | CONT, b"!"),
    ];
    let mut s = raw_ws(addr).await;
    s.write_all(&frames.concat()).await.expect("write");
    assert_eq!(read_close_code(&mut s).await, Some(close::MESSAGE_TOO_BIG));

    // A close from a game client is echoed like anywhere else.
    let mut s = raw_ws(addr).await;
    s.write_all(&close_frame(1001, b"")).await.expect("write");
    assert_eq!(read_close_code(&mut s).await, Some(1001));

    // The good player never noticed.
    for _ in 0..10 {
        tokio::time::timeout(LIMIT, good.next_snapshot())
            .await
            .expect("in time")
            .expect("still playing");
    }
    assert_eq!(server.shared().metrics.closes(CloseReason::Text), 1);
    server.shutdown().await;
}
