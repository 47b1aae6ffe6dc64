//! `error_line`: an error and its causes as the one line a person reads, each said once.
//!
//! Libraries often put their cause in their own message and also hand it on as `source()`, so
//! that `{:#}` would print it twice (or, nested, three or five times). Here a cause whose text
//! the line already holds is left out.

/// `e` and its causes, outermost first, joined by ": ", leaving out a cause already said.
pub fn error_line(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if text.is_empty() || line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An error that says its cause in its message and hands it on as its source too.
    #[derive(Debug)]
    struct Wraps(&'static str, std::io::Error);

    impl std::fmt::Display for Wraps {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "{}: {}", self.0, self.1)
        }
    }

    impl std::error::Error for Wraps {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.1)
        }
    }

    #[test]
    fn each_cause_is_said_once() {
        let io = std::io::Error::other("permission denied");
        let e =
            anyhow::Error::new(Wraps("cannot open x.db", io)).context("cannot start the server");
        assert_eq!(
            error_line(&e),
            "cannot start the server: cannot open x.db: permission denied"
        );
        let plain = anyhow::anyhow!("no such file").context("reading config.toml");
        assert_eq!(error_line(&plain), "reading config.toml: no such file");
    }
}
