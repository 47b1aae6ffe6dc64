//! `Roster`: which player ids are on this server, counted, so that an id in the Agones List
//! stays there while any of its sessions is on (one account in two tabs, say).

use std::collections::BTreeMap;

/// Player ids with the number of sessions each has on this server.
#[derive(Debug, Default)]
pub struct Roster {
    sessions: BTreeMap<String, usize>,
    /// Whether anyone joined since [`Roster::mark`].
    joined_since_mark: bool,
}

impl Roster {
    /// One more session for `id`; true when `id` was not on the server before (add it to the
    /// List).
    pub fn join(&mut self, id: &str) -> bool {
        self.joined_since_mark = true;
        let n = self.sessions.entry(id.to_owned()).or_insert(0);
        *n += 1;
        *n == 1
    }

    /// One session fewer for `id`; true when that was its last (remove it from the List). An id
    /// that is not on the server is ignored.
    pub fn leave(&mut self, id: &str) -> bool {
        let Some(n) = self.sessions.get_mut(id) else {
            return false;
        };
        *n -= 1;
        if *n == 0 {
            self.sessions.remove(id);
            return true;
        }
        false
    }

    /// How many distinct ids are on the server.
    pub fn len(&self) -> usize {
        self.sessions.len()
    }

    /// Whether no one is on the server.
    pub fn is_empty(&self) -> bool {
        self.sessions.is_empty()
    }

    /// Starts watching for joins again (at an allocation).
    pub fn mark(&mut self) {
        self.joined_since_mark = !self.sessions.is_empty();
    }

    /// Whether a match ran since [`Roster::mark`] and is over: someone joined, and everyone left.
    pub fn emptied_since_mark(&self) -> bool {
        self.joined_since_mark && self.sessions.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::Roster;

    #[test]
    fn an_id_leaves_the_list_with_its_last_session() {
        let mut r = Roster::default();
        assert!(r.join("ada"));
        assert!(!r.join("ada"));
        assert!(r.join("bob"));
        assert_eq!(r.len(), 2);
        assert!(!r.leave("ada"));
        assert!(r.leave("ada"));
        assert!(!r.leave("ada"), "an id not on the server is ignored");
        assert!(r.leave("bob"));
        assert!(r.is_empty());
    }

    #[test]
    fn a_match_is_over_once_someone_joined_after_the_mark_and_everyone_left() {
        let mut r = Roster::default();
        r.mark();
        assert!(!r.emptied_since_mark(), "no one came yet");
        r.join("ada");
        assert!(!r.emptied_since_mark());
        r.leave("ada");
        assert!(r.emptied_since_mark());
        r.mark();
        assert!(
            !r.emptied_since_mark(),
            "a new allocation waits for a new match"
        );
    }
}
