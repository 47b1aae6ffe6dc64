//! Reading a request's query string.

/// The value of `key` in a query string (`a=1&room=3`), as written.
pub(crate) fn query_value<'q>(query: Option<&'q str>, key: &str) -> Option<&'q str> {
    query?.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == key).then_some(v)
    })
}
