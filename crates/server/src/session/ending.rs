//! `Ending`: how a session ends, and what its client is told.

use crate::metrics::CloseReason;

/// How the reader ended, and what the writer should tell the client: always a close frame with
/// `code` and `reason`, and before it a `Kick` message when `kick` is set (game sessions only).
#[derive(Debug)]
pub(super) struct Ending {
    pub(crate) code: u16,
    pub(crate) reason: String,
    pub(crate) kick: bool,
    pub(crate) count: Option<CloseReason>,
}

impl Ending {
    /// An ending that is not the client's fault: a close with `code` and no reason, no `Kick`,
    /// not counted.
    pub(crate) fn quiet(code: u16) -> Ending {
        Ending {
            code,
            reason: String::new(),
            kick: false,
            count: None,
        }
    }

    pub(crate) fn kick(code: u16, reason: impl Into<String>, count: CloseReason) -> Ending {
        Ending {
            code,
            reason: reason.into(),
            kick: true,
            count: Some(count),
        }
    }
}

/// Cuts `s` to at most `max` bytes on a character boundary.
pub(crate) fn truncate_utf8(s: &mut String, max: usize) {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_respects_characters() {
        let mut s = "ééé".to_string();
        truncate_utf8(&mut s, 3);
        assert_eq!(s, "é");
    }
}
