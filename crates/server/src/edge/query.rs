//! Reading a request's query string.

/// The value of `key` in a query string (`a=1&room=3`), as written.
pub(crate) fn query_value<'q>(query: Option<&'q str>, key: &str) -> Option<&'q str> {
    query?.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == key).then_some(v)
    })
}

/// Whether a query string sets the flag `key` (`key`, `key=1` or `key=true`).
pub(crate) fn query_flag(query: Option<&str>, key: &str) -> bool {
    query.is_some_and(|q| {
        q.split('&').any(|pair| match pair.split_once('=') {
            None => pair == key,
            Some((k, v)) => k == key && (v == "1" || v == "true"),
        })
    })
}
