//! How many requests are in flight at once, adapted to ARM's throttling.
//!
//! Additive increase, multiplicative decrease: every success lets the limit
//! grow by about one request per round, every 429 halves it and pauses all
//! new requests until the Retry-After ARM asked for has passed. So a run
//! that is throttled slows down as a whole instead of each request hammering
//! ARM on its own schedule.

use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::Notify;

pub struct Limiter {
    state: Mutex<State>,
    changed: Notify,
    max: f64,
}

struct State {
    limit: f64,
    in_flight: usize,
    paused_until: Option<Instant>,
}

/// A request's place in flight; released when dropped.
pub struct Permit<'a>(&'a Limiter);

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.0.lock().in_flight -= 1;
        self.0.changed.notify_waiters();
    }
}

impl Limiter {
    pub fn new(max: usize) -> Limiter {
        let max = max.max(1) as f64;
        Limiter {
            state: Mutex::new(State {
                limit: max,
                in_flight: 0,
                paused_until: None,
            }),
            changed: Notify::new(),
            max,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Waits for a place under the limit and outside any pause.
    pub async fn acquire(&self) -> Permit<'_> {
        loop {
            let notified = self.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let pause = {
                let mut s = self.lock();
                let now = Instant::now();
                match s.paused_until {
                    Some(t) if t > now => Some(t),
                    _ if (s.in_flight as f64) < s.limit.floor() => {
                        s.in_flight += 1;
                        return Permit(self);
                    }
                    _ => None,
                }
            };
            match pause {
                Some(t) => tokio::time::sleep_until(t.into()).await,
                None => notified.await,
            }
        }
    }

    /// ARM answered: the limit grows by one over a round of requests.
    pub fn succeeded(&self) {
        let mut s = self.lock();
        s.limit = (s.limit + 1.0 / s.limit).min(self.max);
    }

    /// ARM throttled: halve the limit and let nothing start for `wait`.
    pub fn throttled(&self, wait: Duration) {
        let mut s = self.lock();
        s.limit = (s.limit / 2.0).max(1.0);
        let until = Instant::now() + wait;
        s.paused_until = Some(s.paused_until.map_or(until, |t| t.max(until)));
    }

    /// The current limit.
    #[cfg(test)]
    pub fn limit(&self) -> usize {
        self.lock().limit.floor() as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn throttling_halves_the_limit_and_success_grows_it_back() {
        let l = Limiter::new(8);
        l.throttled(Duration::ZERO);
        assert_eq!(l.limit(), 4);
        l.throttled(Duration::ZERO);
        l.throttled(Duration::ZERO);
        l.throttled(Duration::ZERO);
        assert_eq!(l.limit(), 1);
        for _ in 0..3 {
            l.succeeded();
        }
        assert_eq!(l.limit(), 2);
        for _ in 0..100 {
            l.succeeded();
        }
        assert_eq!(l.limit(), 8);
    }

    #[tokio::test]
    async fn no_more_than_the_limit_are_in_flight() {
        let l = std::sync::Arc::new(Limiter::new(2));
        let a = l.acquire().await;
        let _b = l.acquire().await;
        let l2 = l.clone();
        let third = tokio::spawn(async move {
            let _c = l2.acquire().await;
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!third.is_finished());
        drop(a);
        tokio::time::timeout(Duration::from_secs(1), third)
            .await
            .unwrap()
            .unwrap();
    }

    #[tokio::test]
    async fn a_pause_holds_new_requests_back() {
        let l = Limiter::new(4);
        l.throttled(Duration::from_millis(60));
        let start = Instant::now();
        let _p = l.acquire().await;
        assert!(start.elapsed() >= Duration::from_millis(50));
    }
}
