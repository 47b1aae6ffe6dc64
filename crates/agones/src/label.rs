//! `label_value`: any text as a valid Kubernetes label value.

/// The longest label value Kubernetes accepts.
const MAX_LABEL_VALUE: usize = 63;

/// `text` as a Kubernetes label value: at most 63 characters from `[A-Za-z0-9._-]`, starting
/// and ending with a letter or digit (other characters become `-`); empty when nothing is left.
pub fn label_value(text: &str) -> String {
    let replaced: String = text
        .chars()
        .map(|c| match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '.' | '_' | '-' => c,
            _ => '-',
        })
        .take(MAX_LABEL_VALUE)
        .collect();
    replaced
        .trim_matches(|c: char| !c.is_ascii_alphanumeric())
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::label_value;

    #[test]
    fn label_values_keep_what_kubernetes_accepts() {
        assert_eq!(label_value("arena"), "arena");
        assert_eq!(label_value("random-walk"), "random-walk");
        assert_eq!(label_value("Big Arena (v2)"), "Big-Arena--v2");
        assert_eq!(label_value("--x--"), "x");
        assert_eq!(label_value("é"), "");
        assert_eq!(label_value(&"a".repeat(100)).len(), 63);
    }
}
