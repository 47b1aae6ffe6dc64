//! `EventLog`: a room's recent game events, encoded once, on their way to the room's sessions
//! with the next snapshots (each session sends those after the last it sent, that are for it).

use std::collections::VecDeque;
use std::sync::Arc;

use crate::rooms::snapshot::RoomEvent;

/// Events kept for sessions that skipped a few snapshots.
const EVENT_LOG_LEN: usize = 32;

/// The last [`EVENT_LOG_LEN`] events and their shared copy for frames.
#[derive(Debug)]
pub(crate) struct EventLog {
    recent: VecDeque<RoomEvent>,
    shared: Arc<Vec<RoomEvent>>,
    next: u64,
    changed: bool,
}

impl EventLog {
    /// An empty log; the first event is number 1.
    pub(crate) fn new() -> EventLog {
        EventLog {
            recent: VecDeque::with_capacity(EVENT_LOG_LEN),
            shared: Arc::new(Vec::new()),
            next: 1,
            changed: false,
        }
    }

    /// Logs an encoded `ServerMsg::Event` for the player in slot `to`, or for every session of
    /// the room (`None`).
    pub(crate) fn push(&mut self, to: Option<usize>, bytes: Vec<u8>) {
        if self.recent.len() == EVENT_LOG_LEN {
            self.recent.pop_front();
        }
        self.recent.push_back(RoomEvent {
            seq: self.next,
            to,
            bytes,
        });
        self.next += 1;
        self.changed = true;
    }

    /// The recent events, oldest first, as frames share them (copied once per change).
    pub(crate) fn shared(&mut self) -> Arc<Vec<RoomEvent>> {
        if self.changed {
            self.shared = Arc::new(self.recent.iter().cloned().collect());
            self.changed = false;
        }
        self.shared.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_keeps_the_newest_and_numbers_them() {
        let mut log = EventLog::new();
        for i in 0..40u8 {
            log.push((i % 2 == 0).then_some(3), vec![i]);
        }
        let shared = log.shared();
        assert_eq!(shared.len(), EVENT_LOG_LEN);
        assert_eq!(shared[0].seq, 9);
        assert_eq!(shared[0].to, Some(3));
        assert_eq!(shared.last().map(|e| (e.seq, e.to)), Some((40, None)));
        assert!(Arc::ptr_eq(&shared, &log.shared()), "no change, no copy");
    }
}
