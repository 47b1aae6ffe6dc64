//! `ReplayFile`: a recording read back, every length checked against its limit and the bytes
//! left before anything is allocated, every part checked against its hash.

use tickwire_protocol::codec::wire_config;

use crate::format::{
    END_TAG, FORMAT_VERSION, MAGIC, MAX_HEADER_BYTES, MAX_SECTION_BYTES, MAX_SECTIONS, SECTION_TAG,
};
use crate::{Header, ReplayError, Section, fnv1a};

/// A recording's header, and a reader of its sections.
#[derive(Debug)]
pub struct ReplayFile<'a> {
    /// What the recording is of.
    pub header: Header,
    /// Its sections, in order.
    pub sections: SectionReader<'a>,
}

/// Reads sections one at a time (a section in memory at once, not the file).
#[derive(Debug)]
pub struct SectionReader<'a> {
    rest: &'a [u8],
    index: usize,
    /// The last tick read so far (the next section starts there).
    last_tick: u64,
    end: Option<(u64, u64)>,
    finished: bool,
}

/// Takes `n` bytes off the front of `rest`, or says the file ends inside `what`.
fn take<'a>(rest: &mut &'a [u8], n: usize, what: &str) -> Result<&'a [u8], ReplayError> {
    if rest.len() < n {
        return Err(ReplayError::Truncated(what.to_owned()));
    }
    let (head, tail) = rest.split_at(n);
    *rest = tail;
    Ok(head)
}

fn u32_at(bytes: &[u8]) -> u32 {
    let mut a = [0; 4];
    a.copy_from_slice(&bytes[..4]);
    u32::from_le_bytes(a)
}

fn u64_at(bytes: &[u8]) -> u64 {
    let mut a = [0; 8];
    a.copy_from_slice(&bytes[..8]);
    u64::from_le_bytes(a)
}

impl<'a> ReplayFile<'a> {
    /// Reads the header of the recording in `bytes`.
    pub fn open(bytes: &'a [u8]) -> Result<ReplayFile<'a>, ReplayError> {
        let mut rest = bytes;
        if take(&mut rest, 8, "magic").ok() != Some(&MAGIC[..]) {
            return Err(ReplayError::NotARecording);
        }
        let version = take(&mut rest, 2, "version")?;
        let version = u16::from_le_bytes([version[0], version[1]]);
        if version != FORMAT_VERSION {
            return Err(ReplayError::Version(version));
        }
        let len = u32_at(take(&mut rest, 4, "header")?);
        if len > MAX_HEADER_BYTES {
            return Err(ReplayError::TooLarge {
                what: "header".into(),
                len: u64::from(len),
                limit: u64::from(MAX_HEADER_BYTES),
            });
        }
        let hash = u64_at(take(&mut rest, 8, "header")?);
        let raw = take(&mut rest, len as usize, "header")?;
        if fnv1a(raw) != hash {
            return Err(ReplayError::Damaged("header".into()));
        }
        let config = wire_config().with_limit::<{ MAX_HEADER_BYTES as usize }>();
        let (header, used): (Header, usize) = bincode::serde::decode_from_slice(raw, config)
            .map_err(|e| ReplayError::Malformed {
                what: "header".into(),
                why: e.to_string(),
            })?;
        if used != raw.len() {
            return Err(ReplayError::Malformed {
                what: "header".into(),
                why: format!("{} trailing bytes", raw.len() - used),
            });
        }
        let start = header.start_tick;
        Ok(ReplayFile {
            header,
            sections: SectionReader {
                rest,
                index: 0,
                last_tick: start,
                end: None,
                finished: false,
            },
        })
    }
}

impl SectionReader<'_> {
    /// The next section; `None` after the last (see [`SectionReader::end`]).
    pub fn next_section(&mut self) -> Result<Option<Section>, ReplayError> {
        if self.finished {
            return Ok(None);
        }
        let Some((&tag, tail)) = self.rest.split_first() else {
            // Cut off: no end marker. What came before still reads.
            self.finished = true;
            return Ok(None);
        };
        self.rest = tail;
        let what = format!("section {} (after tick {})", self.index + 1, self.last_tick);
        match tag {
            SECTION_TAG => {}
            END_TAG => {
                let end = take(&mut self.rest, 24, "end marker")?;
                if fnv1a(&end[..16]) != u64_at(&end[16..]) {
                    return Err(ReplayError::Damaged("end marker".into()));
                }
                if !self.rest.is_empty() {
                    return Err(ReplayError::Malformed {
                        what: "end marker".into(),
                        why: format!("{} bytes after it", self.rest.len()),
                    });
                }
                self.end = Some((u64_at(&end[..8]), u64_at(&end[8..16])));
                self.finished = true;
                return Ok(None);
            }
            other => {
                return Err(ReplayError::Malformed {
                    what,
                    why: format!("unknown tag {other:#04x}"),
                });
            }
        }
        if self.index >= MAX_SECTIONS {
            return Err(ReplayError::TooLarge {
                what: "recording's section count".into(),
                len: self.index as u64 + 1,
                limit: MAX_SECTIONS as u64,
            });
        }
        let len = u32_at(take(&mut self.rest, 4, &what)?);
        if len > MAX_SECTION_BYTES {
            return Err(ReplayError::TooLarge {
                what,
                len: u64::from(len),
                limit: u64::from(MAX_SECTION_BYTES),
            });
        }
        let hash = u64_at(take(&mut self.rest, 8, &what)?);
        let stored = take(&mut self.rest, len as usize, &what)?;
        if fnv1a(stored) != hash {
            return Err(ReplayError::Damaged(what));
        }
        let section = Section::decode(stored, &what)?;
        if section.first_tick < self.last_tick && self.index > 0 {
            return Err(ReplayError::Malformed {
                what,
                why: format!("starts at tick {}, before the last", section.first_tick),
            });
        }
        self.index += 1;
        self.last_tick = section.last_tick();
        Ok(Some(section))
    }

    /// After the last section: the end marker's ticks recorded and items dropped, or `None`
    /// when the file was cut off before it.
    pub fn end(&self) -> Option<(u64, u64)> {
        self.end
    }

    /// Sections read so far.
    pub fn count(&self) -> usize {
        self.index
    }
}
