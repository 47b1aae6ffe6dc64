//! The bytes of a [`Delta`] on the wire, and the serde wrapper that carries them in a message.
//!
//! Layout (all integers in the pinned bincode encoding of [`crate::codec`]: unsigned varints,
//! zigzag varints for signed values, raw bytes for `u8`/`i8`):
//!
//! ```text
//! tick            u32
//! baseline        u8 0 = full snapshot | u8 1, then u32: how many ticks before `tick`
//! removed         u32 count, then each id as u32 gap from the previous id (the first from 0)
//! created         u32 count, then each: id gap u32, kind u8, x i32, y i32, angle u8, hp u8
//! changed         u32 count, then each: id gap u32, mask u8 (bit 0 x, 1 y, 2 angle, 3 hp),
//!                 then the fields whose bit is set: dx i32, dy i32, dangle i8, hp u8
//! ```
//!
//! Gaps after the first id of a list are at least 1. A mask bit is set exactly when its field is
//! non-zero (or, for hp, present), so each delta has exactly one encoding.

use bincode::de::read::Reader;
use bincode::de::{Decode, Decoder as _, DecoderImpl};
use bincode::enc::{Encode, EncoderImpl};
use bincode::error::DecodeError;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::codec::{MAX_ENTITIES, VecWriter, wire_config};
use crate::{CodecError, Delta, EntityChange, EntityId, EntityKind, EntityState, Tick};

const MASK_X: u8 = 1;
const MASK_Y: u8 = 2;
const MASK_ANGLE: u8 = 4;
const MASK_HP: u8 = 8;

/// Smallest encoding of one created entity, used to bound counts before allocating.
const MIN_CREATED_BYTES: usize = 6;
/// Smallest encoding of one changed entity.
const MIN_CHANGED_BYTES: usize = 3;

/// The encoded bytes of a [`Delta`], as a snapshot message carries them.
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

/// A slice reader that knows how much is left, so that counts can be checked before allocating.
struct Cursor<'a>(&'a [u8]);

impl Reader for Cursor<'_> {
    fn read(&mut self, bytes: &mut [u8]) -> Result<(), DecodeError> {
        if bytes.len() > self.0.len() {
            return Err(DecodeError::UnexpectedEnd {
                additional: bytes.len() - self.0.len(),
            });
        }
        let (head, rest) = self.0.split_at(bytes.len());
        bytes.copy_from_slice(head);
        self.0 = rest;
        Ok(())
    }

    fn peek_read(&mut self, n: usize) -> Option<&[u8]> {
        self.0.get(..n)
    }

    fn consume(&mut self, n: usize) {
        self.0 = self.0.get(n..).unwrap_or_default();
    }
}

type Enc<'a> = EncoderImpl<VecWriter<'a>, crate::codec::WireConfig>;
type Dec<'a> = DecoderImpl<Cursor<'a>, crate::codec::WireConfig, ()>;

fn put<T: Encode>(enc: &mut Enc<'_>, v: T) {
    // Writing to a Vec cannot fail, and the wire config has no limit on encoding.
    let _ = v.encode(enc);
}

fn take<T: Decode<()>>(dec: &mut Dec<'_>) -> Result<T, CodecError> {
    Ok(T::decode(dec)?)
}

impl Delta {
    /// Appends this delta's wire bytes to `out`.
    pub fn write(&self, out: &mut Vec<u8>) {
        let mut enc = EncoderImpl::new(VecWriter(out), wire_config());
        put(&mut enc, self.tick.0);
        match self.baseline {
            None => put(&mut enc, 0u8),
            Some(b) => {
                put(&mut enc, 1u8);
                put(&mut enc, self.tick.since(b));
            }
        }
        put(&mut enc, self.removed.len() as u32);
        let mut prev = 0;
        for id in &self.removed {
            put(&mut enc, id.0.wrapping_sub(prev));
            prev = id.0;
        }
        put(&mut enc, self.created.len() as u32);
        prev = 0;
        for e in &self.created {
            put(&mut enc, e.id.0.wrapping_sub(prev));
            prev = e.id.0;
            put(&mut enc, e.kind as u8);
            put(&mut enc, e.x);
            put(&mut enc, e.y);
            put(&mut enc, e.angle);
            put(&mut enc, e.hp);
        }
        put(&mut enc, self.changed.len() as u32);
        prev = 0;
        for c in &self.changed {
            put(&mut enc, c.id.0.wrapping_sub(prev));
            prev = c.id.0;
            let mask = [
                (c.dx != 0, MASK_X),
                (c.dy != 0, MASK_Y),
                (c.dangle != 0, MASK_ANGLE),
                (c.hp.is_some(), MASK_HP),
            ]
            .iter()
            .filter(|(set, _)| *set)
            .fold(0, |m, (_, bit)| m | bit);
            put(&mut enc, mask);
            if c.dx != 0 {
                put(&mut enc, c.dx);
            }
            if c.dy != 0 {
                put(&mut enc, c.dy);
            }
            if c.dangle != 0 {
                put(&mut enc, c.dangle);
            }
            if let Some(hp) = c.hp {
                put(&mut enc, hp);
            }
        }
    }

    /// This delta's wire bytes in a new buffer.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(16 + 8 * self.len());
        self.write(&mut out);
        out
    }

    /// Decodes a delta from exactly `bytes`.
    ///
    /// Never panics; allocates at most in proportion to `bytes.len()`; rejects any encoding other
    /// than the canonical one (zero gaps, empty masks, mask bits on zero fields, trailing bytes).
    pub fn read(bytes: &[u8]) -> Result<Delta, CodecError> {
        let mut dec: Dec<'_> = DecoderImpl::new(Cursor(bytes), wire_config(), ());
        let tick = Tick(take::<u32>(&mut dec)?);
        let baseline = match take::<u8>(&mut dec)? {
            0 => None,
            1 => Some(tick.minus(take::<u32>(&mut dec)?)),
            _ => return Err(CodecError::Invalid("baseline flag")),
        };

        let n = count(&mut dec, 1)?;
        let mut removed = Vec::with_capacity(n);
        let mut ids = IdGaps::default();
        for _ in 0..n {
            removed.push(ids.next(take::<u32>(&mut dec)?)?);
        }

        let n = count(&mut dec, MIN_CREATED_BYTES)?;
        let mut created = Vec::with_capacity(n);
        let mut ids = IdGaps::default();
        for _ in 0..n {
            let id = ids.next(take::<u32>(&mut dec)?)?;
            let kind = EntityKind::from_u8(take::<u8>(&mut dec)?)
                .ok_or(CodecError::Invalid("entity kind"))?;
            created.push(EntityState {
                id,
                kind,
                x: take(&mut dec)?,
                y: take(&mut dec)?,
                angle: take(&mut dec)?,
                hp: take(&mut dec)?,
            });
        }

        let n = count(&mut dec, MIN_CHANGED_BYTES)?;
        let mut changed = Vec::with_capacity(n);
        let mut ids = IdGaps::default();
        for _ in 0..n {
            let id = ids.next(take::<u32>(&mut dec)?)?;
            let mask = take::<u8>(&mut dec)?;
            if mask == 0 || mask & !(MASK_X | MASK_Y | MASK_ANGLE | MASK_HP) != 0 {
                return Err(CodecError::Invalid("change mask"));
            }
            let mut c = EntityChange {
                id,
                ..EntityChange::default()
            };
            if mask & MASK_X != 0 {
                c.dx = nonzero(take(&mut dec)?)?;
            }
            if mask & MASK_Y != 0 {
                c.dy = nonzero(take(&mut dec)?)?;
            }
            if mask & MASK_ANGLE != 0 {
                c.dangle = nonzero(take::<i8>(&mut dec)? as i32)? as i8;
            }
            if mask & MASK_HP != 0 {
                c.hp = Some(take(&mut dec)?);
            }
            changed.push(c);
        }
        let left = dec.reader().0.len();
        if left != 0 {
            return Err(CodecError::TrailingBytes(left));
        }
        Ok(Delta {
            tick,
            baseline,
            removed,
            created,
            changed,
        })
    }
}

/// Reads a list length and checks it against the protocol limit and the bytes left, so that a
/// forged count cannot make the decoder allocate more than the input could fill.
fn count(dec: &mut Dec<'_>, min_item_bytes: usize) -> Result<usize, CodecError> {
    let n = take::<u32>(dec)? as usize;
    let left = dec.reader().0.len();
    if n > MAX_ENTITIES || n.saturating_mul(min_item_bytes) > left {
        return Err(CodecError::Invalid("list length"));
    }
    Ok(n)
}

fn nonzero(v: i32) -> Result<i32, CodecError> {
    if v == 0 {
        Err(CodecError::Invalid("zero field under a set mask bit"))
    } else {
        Ok(v)
    }
}

/// Rebuilds ids from gaps, enforcing strictly increasing order without overflow.
#[derive(Default)]
struct IdGaps {
    prev: Option<u32>,
}

impl IdGaps {
    fn next(&mut self, gap: u32) -> Result<EntityId, CodecError> {
        let id = match self.prev {
            None => gap,
            Some(_) if gap == 0 => return Err(CodecError::Invalid("id gap of zero")),
            Some(p) => p
                .checked_add(gap)
                .ok_or(CodecError::Invalid("id overflow"))?,
        };
        self.prev = Some(id);
        Ok(EntityId(id))
    }
}
