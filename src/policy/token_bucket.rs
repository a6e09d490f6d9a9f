//! A token bucket with `golang.org/x/time/rate` semantics (see docs/policy-reference-notes.md).
//!
//! The bucket starts full (`burst` tokens) and refills continuously at `rate` tokens per second,
//! never above `burst`. [`TokenBucket::allow`] takes one token or refuses (rate limiting with 429s);
//! [`TokenBucket::reserve`] always takes one, letting the balance go negative, and says how long
//! the caller must wait for it (a leaky bucket that delays instead of refusing).
//!
//! ```
//! use queuelab::policy::token_bucket::TokenBucket;
//! use queuelab::time::{SimDuration, SimTime};
//! let mut bucket = TokenBucket::new(10.0, 2);                // 10/s, burst 2
//! let t0 = SimTime::ZERO;
//! assert!(bucket.allow(t0) && bucket.allow(t0));           // the burst
//! assert!(!bucket.allow(t0));                              // empty
//! assert!(bucket.allow(t0 + SimDuration::from_millis(100))); // one token per 100 ms
//! assert_eq!(bucket.reserve(t0 + SimDuration::from_millis(100)), SimDuration::from_millis(100));
//! ```

use crate::time::{SimDuration, SimTime};

#[derive(Debug, Clone, PartialEq)]
pub struct TokenBucket {
    rate: f64,
    burst: u32,
    tokens: f64,
    last: SimTime,
}

impl TokenBucket {
    /// `rate` tokens per second (> 0), at most `burst` (≥ 1) stored.
    pub fn new(rate: f64, burst: u32) -> Self {
        TokenBucket {
            rate,
            burst,
            tokens: burst as f64,
            last: SimTime::ZERO,
        }
    }

    /// Tokens available at `now` (refilled since the last call; time never runs backwards here).
    fn advance(&self, now: SimTime) -> f64 {
        let elapsed = now.saturating_since(self.last).as_secs_f64();
        (self.tokens + elapsed * self.rate).min(self.burst as f64)
    }

    /// Takes a token if one is available (`Allow`).
    pub fn allow(&mut self, now: SimTime) -> bool {
        let tokens = self.advance(now) - 1.0;
        if tokens < 0.0 {
            return false;
        }
        self.tokens = tokens;
        self.last = self.last.max(now);
        true
    }

    /// Takes a token now or in the future (`Reserve`): returns how long to wait before acting.
    pub fn reserve(&mut self, now: SimTime) -> SimDuration {
        let tokens = self.advance(now) - 1.0;
        self.tokens = tokens;
        self.last = self.last.max(now);
        if tokens < 0.0 {
            // x/time/rate truncates toward zero when turning tokens into a duration.
            SimDuration::from_nanos((-tokens / self.rate * 1e9) as u64)
        } else {
            SimDuration::ZERO
        }
    }

    /// Like [`TokenBucket::reserve`], but only if the wait is at most `max_wait` (x/time/rate's
    /// `Wait` with a context deadline): otherwise nothing is taken and `None` is returned.
    pub fn reserve_within(&mut self, now: SimTime, max_wait: SimDuration) -> Option<SimDuration> {
        let tokens = self.advance(now) - 1.0;
        let wait = if tokens < 0.0 {
            SimDuration::from_nanos((-tokens / self.rate * 1e9) as u64)
        } else {
            SimDuration::ZERO
        };
        if wait > max_wait {
            return None;
        }
        self.tokens = tokens;
        self.last = self.last.max(now);
        Some(wait)
    }

    /// Tokens in the bucket at `now` (negative while reservations are outstanding).
    pub fn tokens_at(&self, now: SimTime) -> f64 {
        self.advance(now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_millis(ms)
    }

    #[test]
    fn golden_trace_of_allow() {
        // 4 tokens/s, burst 3: three at once, then one every 250 ms; refill caps at the burst.
        let mut bucket = TokenBucket::new(4.0, 3);
        let trace: Vec<bool> = [0, 0, 0, 0, 100, 250, 260, 500, 3_000, 3_000, 3_000, 3_000]
            .iter()
            .map(|&ms| bucket.allow(at(ms)))
            .collect();
        assert_eq!(
            trace,
            [true, true, true, false, false, true, false, true, true, true, true, false]
        );
    }

    #[test]
    fn refused_calls_do_not_consume() {
        let mut bucket = TokenBucket::new(1.0, 1);
        assert!(bucket.allow(at(0)));
        for ms in [100, 200, 300] {
            assert!(!bucket.allow(at(ms)));
        }
        assert!(bucket.allow(at(1_000)));
    }

    #[test]
    fn reservations_beyond_the_deadline_take_nothing() {
        let mut bucket = TokenBucket::new(10.0, 1);
        assert_eq!(
            bucket.reserve_within(at(0), SimDuration::from_millis(150)),
            Some(SimDuration::ZERO)
        );
        assert_eq!(
            bucket.reserve_within(at(0), SimDuration::from_millis(150)),
            Some(SimDuration::from_millis(100))
        );
        assert_eq!(
            bucket.reserve_within(at(0), SimDuration::from_millis(150)),
            None,
            "would wait 200 ms"
        );
        assert!(
            (bucket.tokens_at(at(0)) + 1.0).abs() < 1e-9,
            "the refused reservation took nothing"
        );
    }

    #[test]
    fn reservations_queue_up_at_the_rate() {
        let mut bucket = TokenBucket::new(10.0, 1);
        let waits: Vec<u64> = (0..4)
            .map(|_| bucket.reserve(at(0)).as_nanos() / 1_000_000)
            .collect();
        assert_eq!(waits, [0, 100, 200, 300]);
        assert!((bucket.tokens_at(at(0)) + 3.0).abs() < 1e-9);
    }
}
