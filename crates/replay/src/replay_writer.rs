//! `ReplayWriter`: builds a recording's bytes as its ticks come, one section at a time.

use tickwire_protocol::codec::wire_config;
use tickwire_protocol::{Baselines, World, write_delta};

use crate::format::{END_TAG, FORMAT_VERSION, MAGIC, MAX_HEADER_BYTES, SECTION_TAG};
use crate::tick_entry::Frame;
use crate::{Header, ReplayError, Section, TickEntry, fnv1a};

/// Writes a recording: [`ReplayWriter::start`] gives the file's first bytes, then each
/// [`ReplayWriter::keyframe`] closes the open section into bytes to append, and
/// [`ReplayWriter::finish`] the last one and the end marker. Sans-IO: the caller owns the file.
#[derive(Debug)]
pub struct ReplayWriter {
    header: Header,
    open: Option<Section>,
    /// The last world a frame or keyframe held, which the next frame is a delta against.
    base: Option<World>,
    ticks: u64,
}

impl ReplayWriter {
    /// A writer for `header`, and the file's first bytes (magic, version, header).
    pub fn start(header: Header) -> Result<(ReplayWriter, Vec<u8>), ReplayError> {
        let bytes = bincode::serde::encode_to_vec(&header, wire_config())
            .map_err(|e| ReplayError::Encode(format!("header: {e}")))?;
        let len = u32::try_from(bytes.len())
            .ok()
            .filter(|l| *l <= MAX_HEADER_BYTES)
            .ok_or_else(|| ReplayError::Encode("header: over its limit".into()))?;
        let mut out = Vec::with_capacity(bytes.len() + 22);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&fnv1a(&bytes).to_le_bytes());
        out.extend_from_slice(&bytes);
        let writer = ReplayWriter {
            header,
            open: None,
            base: None,
            ticks: 0,
        };
        Ok((writer, out))
    }

    /// The header this writes.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Starts a section at `world` (the captured world at its tick), appending the one it
    /// closes to `out`.
    pub fn keyframe(&mut self, world: &World, out: &mut Vec<u8>) -> Result<(), ReplayError> {
        self.close(out)?;
        let mut keyframe = Vec::new();
        write_delta(
            &self.header.schema,
            Baselines::default(),
            world,
            &mut keyframe,
        );
        self.open = Some(Section {
            first_tick: u64::from(world.tick.0),
            keyframe,
            entries: Vec::new(),
        });
        self.base = Some(world.clone());
        Ok(())
    }

    /// Adds one tick. Ticks before the first keyframe are not recorded (and counted as ticks
    /// all the same).
    pub fn tick(&mut self, entry: TickEntry) {
        if let Some(section) = &mut self.open {
            section.entries.push(entry);
            self.ticks += 1;
        }
    }

    /// The ticks this section holds so far.
    pub fn open_ticks(&self) -> usize {
        self.open.as_ref().map_or(0, |s| s.entries.len())
    }

    /// Attaches a stream recording's frame to the last tick: `world` as a delta against the
    /// previous frame, with its events and scoreboard.
    pub fn frame(
        &mut self,
        world: &World,
        events: Vec<(u16, Vec<u8>)>,
        scoreboard: Option<Vec<u8>>,
    ) {
        let Some(entry) = self.open.as_mut().and_then(|s| s.entries.last_mut()) else {
            return;
        };
        let mut body = Vec::new();
        let worlds = Baselines {
            baseline: self.base.as_ref(),
            previous: None,
        };
        write_delta(&self.header.schema, worlds, world, &mut body);
        entry.frame = Some(Frame {
            body,
            events,
            scoreboard,
        });
        self.base = Some(world.clone());
    }

    fn close(&mut self, out: &mut Vec<u8>) -> Result<(), ReplayError> {
        let Some(section) = self.open.take() else {
            return Ok(());
        };
        let stored = section.encode()?;
        let len = u32::try_from(stored.len())
            .ok()
            .filter(|l| *l <= crate::format::MAX_SECTION_BYTES)
            .ok_or_else(|| ReplayError::Encode("a section over its limit".into()))?;
        out.push(SECTION_TAG);
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&fnv1a(&stored).to_le_bytes());
        out.extend_from_slice(&stored);
        Ok(())
    }

    /// Closes the open section and appends the end marker: `dropped` items the room could not
    /// queue.
    pub fn finish(mut self, dropped: u64, out: &mut Vec<u8>) -> Result<(), ReplayError> {
        self.close(out)?;
        let mut end = Vec::with_capacity(16);
        end.extend_from_slice(&self.ticks.to_le_bytes());
        end.extend_from_slice(&dropped.to_le_bytes());
        out.push(END_TAG);
        out.extend_from_slice(&end);
        out.extend_from_slice(&fnv1a(&end).to_le_bytes());
        Ok(())
    }
}
