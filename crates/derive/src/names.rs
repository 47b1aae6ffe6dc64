//! Names as a schema holds them: snake_case defaults and the schema's rules for a name.

/// `HomeBase` as `home_base`, `HTTPProxy` as `http_proxy`, `Team2` as `team2`.
pub(crate) fn snake_case(ident: &str) -> String {
    let chars: Vec<char> = ident.chars().collect();
    let mut out = String::with_capacity(ident.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let after_lower = i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_numeric());
            let ends_acronym = i > 0
                && chars[i - 1].is_uppercase()
                && chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if after_lower || ends_acronym {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Why `name` cannot name a game, kind, field or variant (the rule `Schema::new` checks at run
/// time, checked here where a span can point at it).
pub(crate) fn name_error(name: &str) -> Option<&'static str> {
    if name.is_empty() || name.len() > 64 {
        Some("a name takes 1 to 64 bytes")
    } else if name.chars().any(char::is_control) {
        Some("a name has no control characters")
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_names_become_snake_case() {
        assert_eq!(snake_case("Runner"), "runner");
        assert_eq!(snake_case("HomeBase"), "home_base");
        assert_eq!(snake_case("HTTPProxy"), "http_proxy");
        assert_eq!(snake_case("Team2Flag"), "team2_flag");
        assert_eq!(snake_case("already_snake"), "already_snake");
    }
}
