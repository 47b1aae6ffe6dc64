//! `ReadCall`: a room's call to its players' readers, once a tick, to read what their sockets
//! hold.
//!
//! A player sends one small input a tick. Woken by each one, as a socket's readiness would wake
//! it, the server pays a wake-up (the I/O driver's, then the reader task's) per client per tick,
//! spread over the tick. A paced session's socket instead wakes its reader only for a batch of
//! bytes (its receive low-water mark), and its reader otherwise waits for the room's call: just
//! before each tick the room wakes every waiting reader at once, each reads its socket without
//! waiting, and the room ticks when all of them have answered (or a bound passes). An input that
//! reached the server before the tick is still in that tick, as before; the readers' work is one
//! burst instead of a wake-up each.
//!
//! A reader waits for a round: it answers the call of the round it read for when it comes back
//! to wait for the next one, or when it is dropped.

use std::task::{Context, Poll, Waker};
use std::time::Duration;

use parking_lot::Mutex;
use tokio::sync::Notify;

/// How a seated player's socket is read.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum InputReads {
    /// Once a tick at the room's call, or at once for a batch of bytes (a ping, a burst): one
    /// burst of reads a tick instead of a wake-up per input. Plain TCP only; TLS and the link
    /// conditioner read as the bytes come.
    #[default]
    Paced,
    /// As the bytes come: a wake-up per input (as before pacing; for comparing the two).
    Ready,
}

impl InputReads {
    /// The mode's name as the command line spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            InputReads::Paced => "paced",
            InputReads::Ready => "ready",
        }
    }
}

impl std::str::FromStr for InputReads {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "paced" => Ok(InputReads::Paced),
            "ready" => Ok(InputReads::Ready),
            other => Err(format!("expected paced or ready, not {other:?}")),
        }
    }
}

/// A room's call to its paced readers.
#[derive(Debug, Default)]
pub(crate) struct ReadCall {
    state: Mutex<CallState>,
    /// Told when the last reader called has answered.
    answered: Notify,
}

#[derive(Debug, Default)]
struct CallState {
    /// How many calls were made.
    round: u64,
    /// The readers waiting for the next call, by the place each was given (`None`: gone).
    waiting: Vec<Option<Waker>>,
    /// Readers called in this round that have not answered yet.
    owed: usize,
    /// The room stopped: no call will come again.
    closed: bool,
}

impl CallState {
    /// The wakers of the readers still waiting (not those that left), to wake once the lock is
    /// let go; the list is empty after.
    fn take_waiting(&mut self) -> Vec<Waker> {
        self.waiting.drain(..).flatten().collect()
    }
}

/// What a reader should do, from [`ReadCall::poll_call`].
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Called {
    /// A call came: read the socket now, without waiting.
    Read,
    /// The room stopped calling: wait for the socket itself from now on.
    Closed,
}

/// One reader's place in the call.
#[derive(Debug, Default)]
pub(crate) struct Caller {
    /// The round this reader last read for.
    seen: u64,
    /// The round it waits after and its place in the waiting list, while it waits.
    place: Option<(u64, usize)>,
    /// It was called and has not answered yet.
    owes: bool,
}

impl ReadCall {
    /// Wakes every reader waiting for a call; returns how many there were.
    pub(crate) fn call(&self) -> usize {
        let wakers = {
            let mut state = self.state.lock();
            state.round += 1;
            let wakers = state.take_waiting();
            state.owed = wakers.len();
            wakers
        };
        let called = wakers.len();
        wakers.into_iter().for_each(Waker::wake);
        called
    }

    /// Waits until every reader called in the last round has answered, or `limit` passes (a
    /// reader busy elsewhere, such as on a full control queue, answers late and is not waited
    /// for). True when all answered.
    pub(crate) async fn all_answered(&self, limit: Duration) -> bool {
        let all = async {
            loop {
                // `notify_one` keeps its permit for a wait that starts after it, so an answer
                // between the check and the wait is not lost; a stale permit only loops once.
                if self.state.lock().owed == 0 {
                    return;
                }
                self.answered.notified().await;
            }
        };
        tokio::time::timeout(limit, all).await.is_ok()
    }

    /// The room stopped: every reader is woken and reads its socket by itself from now on.
    pub(crate) fn close(&self) {
        let wakers = {
            let mut state = self.state.lock();
            state.closed = true;
            state.take_waiting()
        };
        wakers.into_iter().for_each(Waker::wake);
    }

    /// A reader's turn: `Ready(Read)` when a call came since it last read, `Ready(Closed)` once
    /// the room stopped, otherwise it answers the call it read for (if it was called), waits for
    /// the next one with `cx`'s waker, and `Pending`.
    pub(crate) fn poll_call(&self, caller: &mut Caller, cx: &mut Context<'_>) -> Poll<Called> {
        let mut state = self.state.lock();
        if state.closed {
            return Poll::Ready(Called::Closed);
        }
        if caller.seen != state.round {
            caller.seen = state.round;
            // Called only if it was waiting when the call came (not a reader that arrived after
            // it): the call counted the waiting ones.
            caller.owes =
                matches!(caller.place.take(), Some((round, _)) if round + 1 == state.round);
            return Poll::Ready(Called::Read);
        }
        if std::mem::take(&mut caller.owes) {
            Self::answer(&mut state, &self.answered);
        }
        match caller.place {
            // Polled again while it waits: the newest waker takes its place.
            Some((round, place)) if round == state.round => {
                if let Some(slot) = state.waiting.get_mut(place) {
                    match slot {
                        Some(waker) if waker.will_wake(cx.waker()) => {}
                        _ => *slot = Some(cx.waker().clone()),
                    }
                }
            }
            _ => {
                let place = state.waiting.len();
                state.waiting.push(Some(cx.waker().clone()));
                caller.place = Some((state.round, place));
            }
        }
        Poll::Pending
    }

    /// A reader is gone: it answers a call it owes and leaves the waiting list.
    pub(crate) fn leave(&self, caller: &mut Caller) {
        let mut state = self.state.lock();
        if std::mem::take(&mut caller.owes) {
            Self::answer(&mut state, &self.answered);
        }
        match caller.place.take() {
            Some((round, place)) if round == state.round => {
                if let Some(slot) = state.waiting.get_mut(place) {
                    *slot = None;
                }
            }
            // Called while it was away: the call counted it.
            Some((round, _)) if round + 1 == state.round => {
                Self::answer(&mut state, &self.answered);
            }
            _ => {}
        }
    }

    fn answer(state: &mut CallState, answered: &Notify) {
        state.owed = state.owed.saturating_sub(1);
        if state.owed == 0 {
            answered.notify_one();
        }
    }
}

/// A future that is ready once `call` calls `caller` (or the room stopped): for tests and for
/// a reader that waits for nothing else.
#[cfg(test)]
pub(crate) fn next_call<'a>(
    call: &'a ReadCall,
    caller: &'a mut Caller,
) -> impl std::future::Future<Output = Called> + 'a {
    std::future::poll_fn(move |cx| call.poll_call(caller, cx))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn the_modes_read_back_as_spelled() {
        for mode in [InputReads::Paced, InputReads::Ready] {
            assert_eq!(mode.as_str().parse::<InputReads>(), Ok(mode));
        }
        assert!("batched".parse::<InputReads>().is_err());
    }

    #[tokio::test]
    async fn a_call_wakes_every_waiting_reader_and_the_room_waits_for_their_answers() {
        let call = Arc::new(ReadCall::default());
        let (tx, mut reads) = tokio::sync::mpsc::unbounded_channel();
        let mut tasks = Vec::new();
        for reader in 0..3 {
            let (call, tx) = (call.clone(), tx.clone());
            tasks.push(tokio::spawn(async move {
                let mut caller = Caller::default();
                // Three rounds: read when called, then come back to wait (the answer).
                for round in 1..=3 {
                    assert_eq!(next_call(&call, &mut caller).await, Called::Read);
                    let _ = tx.send((reader, round));
                }
                call.leave(&mut caller);
            }));
        }
        // Let every reader reach its wait.
        while call.state.lock().waiting.len() < 3 {
            tokio::task::yield_now().await;
        }
        for round in 1..=3 {
            assert_eq!(call.call(), 3);
            let mut seen = Vec::new();
            for _ in 0..3 {
                seen.push(reads.recv().await.expect("a read"));
            }
            seen.sort_unstable();
            assert_eq!(seen, [(0, round), (1, round), (2, round)]);
            assert!(call.all_answered(Duration::from_secs(10)).await);
        }
        for task in tasks {
            task.await.expect("reader");
        }
    }

    #[tokio::test]
    async fn a_reader_that_does_not_answer_is_waited_for_only_until_the_bound() {
        let call = ReadCall::default();
        let mut caller = Caller::default();
        let mut cx = Context::from_waker(Waker::noop());
        assert!(call.poll_call(&mut caller, &mut cx).is_pending());
        assert_eq!(call.call(), 1);
        // Called, but it does not come back: the room waits only for the bound.
        assert!(!call.all_answered(Duration::from_millis(20)).await);
        assert_eq!(
            call.poll_call(&mut caller, &mut cx),
            Poll::Ready(Called::Read)
        );
        // It comes back to wait: that is its answer.
        assert!(call.poll_call(&mut caller, &mut cx).is_pending());
        assert!(call.all_answered(Duration::from_secs(10)).await);
        // Polled again while waiting, it keeps one place.
        assert!(call.poll_call(&mut caller, &mut cx).is_pending());
        assert_eq!(call.call(), 1);
        // Dropped after the call, before it read: it answers by leaving.
        call.leave(&mut caller);
        assert!(call.all_answered(Duration::from_secs(10)).await);
        // A reader that leaves while it waits is not called. A new one reads at once.
        let mut other = Caller::default();
        assert_eq!(
            call.poll_call(&mut other, &mut cx),
            Poll::Ready(Called::Read)
        );
        assert!(call.poll_call(&mut other, &mut cx).is_pending());
        call.leave(&mut other);
        assert_eq!(call.call(), 0);
        assert!(call.all_answered(Duration::from_millis(1)).await);
        call.close();
        assert_eq!(
            call.poll_call(&mut other, &mut cx),
            Poll::Ready(Called::Closed)
        );
    }
}
