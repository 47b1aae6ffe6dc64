//! Any bytes, as either direction's message: decoding returns a value or an error, never panics.
//! The records inside (an input's, an event's) and the bytes themselves are read as records of a
//! field list of every wire type too.
#![no_main]

use std::sync::LazyLock;

use tickwire_protocol::replication::{FieldDesc, RecordLayout, WireType, read_record};
use tickwire_protocol::{ClientMsg, ServerMsg};

static EVERY: LazyLock<RecordLayout> = LazyLock::new(|| {
    let fields = [
        FieldDesc::new("at", WireType::Vec2 { step: 0.25 }),
        FieldDesc::new("speed", WireType::Fixed { step: 0.5 }),
        FieldDesc::new("facing", WireType::Angle { bits: 12 }),
        FieldDesc::new("gear", WireType::Int { min: -2, max: 5 }),
        FieldDesc::new("wide", WireType::Int { min: i32::MIN, max: i32::MAX }),
        FieldDesc::new("sneak", WireType::Bool),
        FieldDesc::new(
            "team",
            WireType::Enum {
                variants: vec!["red".into(), "blue".into(), "green".into()],
            },
        ),
        FieldDesc::new("colour", WireType::Color),
        FieldDesc::new("say", WireType::Text { max_bytes: 6 }),
    ];
    RecordLayout::new(&fields).expect("a valid field list")
});

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Ok(ClientMsg::Input(input)) = tickwire_protocol::codec::decode_client(data) {
        let _ = read_record(&EVERY, &input.data);
    }
    if let Ok(ServerMsg::Event(event)) = tickwire_protocol::codec::decode_server(data) {
        let _ = read_record(&EVERY, &event.data);
    }
    let _ = tickwire_protocol::codec::peek_hello_version(data);
    let _ = read_record(&EVERY, data);
});
