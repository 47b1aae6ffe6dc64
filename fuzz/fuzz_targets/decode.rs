//! Any bytes, as either direction's message: decoding returns a value or an error, never panics.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = tickwire_protocol::codec::decode_client(data);
    let _ = tickwire_protocol::codec::decode_server(data);
    let _ = tickwire_protocol::codec::peek_hello_version(data);
});
