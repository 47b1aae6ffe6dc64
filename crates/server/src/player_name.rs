//! `clean_name`: the one rule for a player's display name, used by rooms and the store.

use tickwire_protocol::MAX_NAME_CHARS;

/// A display name with control characters removed and spaces trimmed; never empty.
pub fn clean_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_NAME_CHARS)
        .collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() {
        "player".to_string()
    } else {
        cleaned.to_string()
    }
}
