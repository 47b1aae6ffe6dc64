//! Bad input gets a clear close code, and never disturbs other players.

use fastwebsockets::OpCode;
use tickwire_client::{GameClient, Received};
use tickwire_protocol::{ServerMsg, close};
use tickwire_server::CloseReason;
use tokio::io::AsyncWriteExt;

use crate::harness::{LIMIT, client_frame, join, raw_ws, read_close_code, start};

async fn close_after(c: &mut GameClient) -> (u16, String, bool) {
    let mut kicked = false;
    loop {
        match tokio::time::timeout(LIMIT, c.recv())
            .await
            .expect("in time")
        {
            Ok(Received::Closed { code, reason }) => return (code, reason, kicked),
            Ok(Received::Message(ServerMsg::Kick(_))) => kicked = true,
            Ok(_) => {}
            Err(e) => panic!("{e}"),
        }
    }
}

#[tokio::test]
async fn garbage_and_text_are_closed_while_others_play_on() {
    let server = start(1).await;
    let mut good = join(&server, "good").await;

    let mut garbage = join(&server, "garbage").await;
    garbage
        .send_raw(OpCode::Binary, vec![0xff, 0x13, 0x37])
        .await
        .expect("send");
    let (code, reason, kicked) = close_after(&mut garbage).await;
    assert_eq!(code, close::POLICY_VIOLATION);
    assert!(reason.starts_with("bad message"), "{reason}");
    assert!(kicked);

    let mut text = join(&server, "text").await;
    text.send_raw(OpCode::Text, b"hello".to_vec())
        .await
        .expect("send");
    let (code, _, _) = close_after(&mut text).await;
    assert_eq!(code, close::UNSUPPORTED_DATA);

    // Garbage before Hello is refused the same way.
    let mut early = GameClient::connect(server.local_addr())
        .await
        .expect("connect");
    early
        .send_raw(OpCode::Binary, vec![9, 9, 9])
        .await
        .expect("send");
    let (code, _, _) = close_after(&mut early).await;
    assert_eq!(code, close::POLICY_VIOLATION);

    // The good player never noticed.
    for _ in 0..10 {
        tokio::time::timeout(LIMIT, good.next_snapshot())
            .await
            .expect("in time")
            .expect("still playing");
    }
    let m = &server.shared().metrics;
    assert!(m.closes(CloseReason::BadMessage) >= 2);
    assert_eq!(m.closes(CloseReason::Text), 1);
    server.shutdown().await;
}

#[tokio::test]
async fn an_input_whose_record_is_not_the_games_is_closed_with_a_reason() {
    let server = start(0).await;
    let mut good = join(&server, "good").await;
    let before = server.shared().metrics.closes(CloseReason::BadMessage);
    // The arena's input is 21 bits: three bytes of all ones put an offset of 3 in move_x's two
    // bits (its range is -1..=1), and a fourth byte is one too many.
    for data in [vec![0xff; 3], vec![0; 4], Vec::new()] {
        let mut bad = join(&server, "bad").await;
        let input = tickwire_protocol::Input {
            seq: 1,
            view_tick: 0,
            data,
        };
        bad.send(&tickwire_protocol::ClientMsg::Input(input))
            .await
            .expect("send");
        let (code, reason, kicked) = close_after(&mut bad).await;
        assert_eq!(code, close::POLICY_VIOLATION);
        assert!(reason.starts_with("bad input"), "{reason}");
        assert!(kicked);
    }
    for _ in 0..10 {
        tokio::time::timeout(LIMIT, good.next_snapshot())
            .await
            .expect("in time")
            .expect("still playing");
    }
    let m = &server.shared().metrics;
    assert_eq!(m.closes(CloseReason::BadMessage), before + 3, "counted");
    server.shutdown().await;
}

#[tokio::test]
async fn frame_errors_get_their_rfc_close_codes() {
    let server = start(0).await;
    let addr = server.local_addr();
    // Reserved bits set: protocol error.
    let mut s = raw_ws(addr).await;
    s.write_all(&client_frame(0x80 | 0x40 | 0x2, b"x"))
        .await
        .expect("write");
    assert_eq!(read_close_code(&mut s).await, Some(close::PROTOCOL_ERROR));

    // A frame over the size limit: message too big.
    let mut s = raw_ws(addr).await;
    let mut big = vec![0x82u8, 0x80 | 126];
    big.extend_from_slice(&60_000u16.to_be_bytes());
    big.extend_from_slice(&[0, 0, 0, 0]);
    s.write_all(&big).await.expect("write");
    assert_eq!(read_close_code(&mut s).await, Some(close::MESSAGE_TOO_BIG));

    // A continuation with no message started.
    let mut s = raw_ws(addr).await;
    s.write_all(&client_frame(0x80, b"x")).await.expect("write");
    assert_eq!(read_close_code(&mut s).await, Some(close::PROTOCOL_ERROR));

    // An unmasked frame from a client (RFC 6455 5.1: the server must close).
    let mut s = raw_ws(addr).await;
    s.write_all(&[0x82, 0x01, b'x']).await.expect("write");
    assert_eq!(read_close_code(&mut s).await, Some(close::PROTOCOL_ERROR));

    // Invalid UTF-8 in a text frame.
    let mut s = raw_ws(addr).await;
    s.write_all(&client_frame(0x81, &[0xff, 0xfe]))
        .await
        .expect("write");
    assert_eq!(read_close_code(&mut s).await, Some(close::INVALID_PAYLOAD));
    server.shutdown().await;
}

#[tokio::test]
async fn silence_after_upgrade_times_out() {
    let server = start(0).await;
    let mut s = raw_ws(server.local_addr()).await;
    assert_eq!(
        read_close_code(&mut s).await,
        Some(close::HANDSHAKE_TIMEOUT)
    );
    server.shutdown().await;
}

#[tokio::test]
async fn a_flood_is_cut_off() {
    let server = start(0).await;
    let mut c = join(&server, "flood").await;
    let ping = {
        let mut b = Vec::new();
        tickwire_protocol::codec::encode_client(
            &tickwire_protocol::ClientMsg::Ping(tickwire_protocol::Ping::new(1)),
            &mut b,
        )
        .expect("encode");
        b
    };
    // Bounded: 2,000 messages at once is far over the burst allowance.
    for _ in 0..2_000 {
        if c.send_raw(OpCode::Binary, ping.clone()).await.is_err() {
            break;
        }
    }
    let (code, _, _) = close_after(&mut c).await;
    assert_eq!(code, close::FLOODING);
    server.shutdown().await;
}
