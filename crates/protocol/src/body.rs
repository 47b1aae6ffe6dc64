//! `DeltaBody`: the bytes of a delta, carried inside a bincode message as they are.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The encoded bytes of a delta (see [`crate::replication::write_delta`]), as a snapshot
/// message carries them.
///
/// Kept as bytes so that a server can encode a delta once and send it to many clients.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DeltaBody(pub Vec<u8>);

impl Serialize for DeltaBody {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for DeltaBody {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BytesVisitor;
        impl<'de> serde::de::Visitor<'de> for BytesVisitor {
            type Value = DeltaBody;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("delta bytes")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<DeltaBody, E> {
                Ok(DeltaBody(v.to_vec()))
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<DeltaBody, E> {
                Ok(DeltaBody(v))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<DeltaBody, A::Error> {
                // Self-describing formats (JSON) carry bytes as an array of numbers.
                let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
                while let Some(b) = seq.next_element::<u8>()? {
                    out.push(b);
                }
                Ok(DeltaBody(out))
            }
        }
        deserializer.deserialize_byte_buf(BytesVisitor)
    }
}
