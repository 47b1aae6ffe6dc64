//! `clean_name`: the one rule for a player's display name, used by sessions (before anything
//! logs the name), rooms and the store.

use tickwire_protocol::MAX_NAME_CHARS;
use unicode_normalization::UnicodeNormalization;
use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// A display name normalised to NFC, with control characters and format characters (Unicode
/// category Cf: bidi overrides and isolates, zero-width spaces and joiners, the BOM) removed,
/// so that a name can neither forge a log line nor pose as another (`ad\u{200b}min`), and
/// spaces trimmed; never empty.
pub fn clean_name(name: &str) -> String {
    let cleaned: String = name
        .nfc()
        .filter(|c| !c.is_control() && c.general_category() != GeneralCategory::Format)
        .take(MAX_NAME_CHARS)
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        "player".to_string()
    } else {
        cleaned.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_and_control_characters_go_and_the_rest_is_nfc() {
        assert_eq!(clean_name("ad\u{200b}min"), "admin");
        assert_eq!(clean_name("a\nb\u{1b}[31mc\0"), "ab[31mc");
        assert_eq!(clean_name("\u{feff}\u{202e}evil\u{2066}x\u{2069}"), "evilx");
        assert_eq!(clean_name("e\u{301}"), "\u{e9}");
        assert_eq!(clean_name("\u{200b}\u{200d}"), "player");
    }
}
