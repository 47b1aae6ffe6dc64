//! Serde helpers for lists with a limit: the list's length is checked before anything is
//! allocated for it (bincode announces it first), and again while reading for formats that do
//! not announce it (JSON).

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, Error, SeqAccess, Visitor};

use crate::message::MAX_FEATURE_BYTES;
use crate::replication::{MAX_RECORD_BYTES, MAX_SCORE_COLUMNS};

/// A record's bytes: at most [`MAX_RECORD_BYTES`].
pub(crate) fn record<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
    bounded(d, MAX_RECORD_BYTES, "a record")
}

/// A map's features: at most [`MAX_FEATURE_BYTES`].
pub(crate) fn features<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
    bounded(d, MAX_FEATURE_BYTES, "the map's features")
}

/// Score columns: at most [`MAX_SCORE_COLUMNS`] values.
pub(crate) fn columns<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i32>, D::Error> {
    bounded(d, MAX_SCORE_COLUMNS, "score columns")
}

/// A list of at most `limit` items, refused before allocating when its announced length is over.
fn bounded<'de, D, T>(d: D, limit: usize, what: &'static str) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    d.deserialize_seq(Bounded {
        limit,
        what,
        item: PhantomData,
    })
}

struct Bounded<T> {
    limit: usize,
    what: &'static str,
    item: PhantomData<T>,
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for Bounded<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} of at most {} items", self.what, self.limit)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<T>, A::Error> {
        let too_long = || A::Error::custom(format_args!("{} over {} items", self.what, self.limit));
        let announced = seq.size_hint().unwrap_or(0);
        if announced > self.limit {
            return Err(too_long());
        }
        let mut out = Vec::with_capacity(announced);
        while let Some(item) = seq.next_element()? {
            if out.len() == self.limit {
                return Err(too_long());
            }
            out.push(item);
        }
        Ok(out)
    }
}
