//! How recordings are named on disk: a match key and an extension, and the one rule for which
//! ids may reach the file system.

/// A recording's file extension.
pub const REPLAY_EXT: &str = "twreplay";
/// The extension of a recording converted for the browser's viewer (cached beside it).
pub const VIEW_EXT: &str = "twview";
/// Longest match key accepted as a recording's name.
const MAX_ID: usize = 96;

/// Whether `id` may name a recording: 1 to 96 ASCII letters, digits and dashes, not starting
/// with a dash (what a match key is made of). Nothing else reaches the file system: no dot, no
/// slash, no percent sign, so neither a path nor an encoded one.
pub fn is_safe_id(id: &str) -> bool {
    (1..=MAX_ID).contains(&id.len())
        && !id.starts_with('-')
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_match_keys_name_recordings() {
        for good in ["9f0c1e-17", "t1a2bp3f-1", "a"] {
            assert!(is_safe_id(good), "{good}");
        }
        for bad in [
            "",
            "..",
            "../x",
            "a/b",
            "a.twreplay",
            "%2e%2e",
            "-rf",
            "a b",
            "é",
            &"a".repeat(97),
        ] {
            assert!(!is_safe_id(bad), "{bad}");
        }
    }
}
