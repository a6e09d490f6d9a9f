//! An SLO-driven limit (seed book 002, task 20): steer a latency percentile over a window of
//! samples towards a target, instead of reacting to loss (AIMD) or to a change in round-trip time
//! (Vegas, Gradient2).
//!
//! Every `window` samples the limit takes one decision from the window's percentile (nearest rank):
//!
//! - at or over `target` — the SLO is missed: multiply by `backoff` and floor (so at least −1),
//!   never below `min_limit`;
//! - under `target × headroom` — comfortably met: +1, never above `max_limit`;
//! - in between — keep the limit.
//!
//! The band between `target × headroom` and `target` is a dead zone. Without it the limit would
//! grow until the percentile crossed the target, back off, and grow again: a sawtooth whose peaks
//! are all SLO misses. With it, a limit whose percentile lands in the band stays put.
//!
//! A dropped job (timed out, evicted, refused further on) is recorded as at least `target`: its
//! client did not get an answer in time, whatever its round trip was. Deciding once per window
//! rather than per sample is what lets a p99 mean something — one slow job in a hundred is the
//! budget, not an alarm.
//!
//! ```
//! use queuelab::policy::limiter::{LatencySlo, Limit, SloLimit};
//! use queuelab::time::{SimDuration, SimTime};
//! let slo = LatencySlo { target: SimDuration::from_millis(200), percentile: 0.99, window: 100 };
//! let mut limit = SloLimit::with_defaults(slo);         // initial 20, backoff 0.9, headroom 0.8
//! for _ in 0..100 {
//!     limit.on_sample(SimTime::ZERO, SimDuration::from_millis(50), 20, false);
//! }
//! assert_eq!(limit.limit(), 21);                        // p99 50 ms < 160 ms: +1
//! for _ in 0..98 {
//!     limit.on_sample(SimTime::ZERO, SimDuration::from_millis(50), 21, false);
//! }
//! limit.on_sample(SimTime::ZERO, SimDuration::from_millis(10), 21, true);
//! limit.on_sample(SimTime::ZERO, SimDuration::from_millis(10), 21, true);
//! assert_eq!(limit.limit(), 18);                        // two drops: p99 = 200 ms, a miss: ⌊21·0.9⌋
//! ```

use super::Limit;
use crate::time::{SimDuration, SimTime};

/// What the limit steers: the `percentile` of round trips over `window` samples, against `target`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatencySlo {
    pub target: SimDuration,
    /// In (0, 1): 0.99 for a p99.
    pub percentile: f64,
    /// Samples per decision.
    pub window: usize,
}

impl LatencySlo {
    /// A p99 over windows of 100 samples.
    pub fn p99(target: SimDuration) -> Self {
        LatencySlo {
            target,
            percentile: 0.99,
            window: 100,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct SloLimit {
    pub slo: LatencySlo,
    pub min_limit: usize,
    pub max_limit: usize,
    pub backoff: f64,
    pub headroom: f64,
    limit: usize,
    /// Round trips of the current window in nanoseconds (drops raised to the target).
    window: Vec<u64>,
}

impl SloLimit {
    pub fn new(
        initial: usize,
        min_limit: usize,
        max_limit: usize,
        slo: LatencySlo,
        backoff: f64,
        headroom: f64,
    ) -> Self {
        SloLimit {
            slo,
            min_limit,
            max_limit,
            backoff,
            headroom,
            limit: initial,
            window: Vec::with_capacity(slo.window),
        }
    }

    /// Initial 20, min 1, max 200, backoff 0.9, headroom 0.8.
    pub fn with_defaults(slo: LatencySlo) -> Self {
        SloLimit::new(20, 1, 200, slo, 0.9, 0.8)
    }

    /// The window's percentile by nearest rank: the ⌈p·n⌉-th smallest sample.
    fn window_percentile(&mut self) -> u64 {
        let n = self.window.len();
        // The epsilon keeps 0.07 × 100 = 7.000000000000001 at rank 7.
        let rank = ((self.slo.percentile * n as f64 - 1e-9).ceil() as usize).clamp(1, n);
        *self.window.select_nth_unstable(rank - 1).1
    }

    fn decide(&mut self) {
        let observed = self.window_percentile() as f64;
        let target = self.slo.target.as_nanos() as f64;
        if observed >= target {
            // Flooring with a backoff under 1 always takes at least one off.
            self.limit = ((self.limit as f64 * self.backoff) as usize).max(self.min_limit);
        } else if observed < target * self.headroom {
            self.limit = (self.limit + 1).min(self.max_limit);
        }
        self.window.clear();
    }
}

impl Limit for SloLimit {
    fn limit(&self) -> usize {
        self.limit
    }

    fn on_sample(&mut self, _now: SimTime, rtt: SimDuration, _inflight: usize, did_drop: bool) {
        let rtt = if did_drop {
            rtt.max(self.slo.target)
        } else {
            rtt
        };
        self.window.push(rtt.as_nanos());
        if self.window.len() >= self.slo.window {
            self.decide();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> SimDuration {
        SimDuration::from_millis(n)
    }

    /// A 100 ms p90 over windows of 10, limits in [3, 12], backoff 0.5: a grow below 80 ms.
    fn small() -> SloLimit {
        let slo = LatencySlo {
            target: ms(100),
            percentile: 0.9,
            window: 10,
        };
        SloLimit::new(10, 3, 12, slo, 0.5, 0.8)
    }

    /// Feeds one window of ten round trips (in ms): `slow` of them at `slow_ms`, the rest at 10 ms,
    /// slow ones last so that any ordering bug in the percentile shows.
    fn window(limit: &mut SloLimit, slow: usize, slow_ms: u64) -> usize {
        for i in 0..10 {
            let rtt = if i >= 10 - slow { ms(slow_ms) } else { ms(10) };
            limit.on_sample(SimTime::ZERO, rtt, 5, false);
        }
        limit.limit()
    }

    #[test]
    fn golden_trace() {
        let mut limit = small();
        let trace: Vec<usize> = [
            (0, 0),   // p90 10 ms < 80 ms → 11
            (1, 500), // one slow in ten is the p90's budget: p90 10 ms → 12
            (0, 0),   // max 12
            (2, 100), // p90 = 100 ms: at the target is a miss → ⌊12·0.5⌋ = 6
            (2, 90),  // p90 90 ms: in the dead zone [80, 100) → keep 6
            (2, 80),  // 80 ms is not under 80 ms: keep 6
            (2, 79),  // → 7
            (3, 150), // → ⌊3.5⌋ = 3
            (9, 900), // min 3
            (0, 0),   // → 4
        ]
        .into_iter()
        .map(|(slow, slow_ms)| window(&mut limit, slow, slow_ms))
        .collect();
        assert_eq!(trace, [11, 12, 12, 6, 6, 6, 7, 3, 3, 4]);
    }

    #[test]
    fn the_limit_changes_only_when_a_window_completes() {
        let mut limit = small();
        for _ in 0..9 {
            limit.on_sample(SimTime::ZERO, ms(10_000), 5, false);
            assert_eq!(limit.limit(), 10);
        }
        limit.on_sample(SimTime::ZERO, ms(10_000), 5, false);
        assert_eq!(limit.limit(), 5);
        assert!(limit.window.is_empty());
    }

    #[test]
    fn flooring_takes_at_least_one_off_even_with_a_gentle_backoff() {
        let slo = LatencySlo::p99(ms(100));
        let mut limit = SloLimit::new(5, 1, 200, slo, 0.9, 0.8);
        let mut trace = Vec::new();
        for _ in 0..6 {
            for _ in 0..100 {
                limit.on_sample(SimTime::ZERO, ms(100), 5, false);
            }
            trace.push(limit.limit());
        }
        // ⌊5·0.9⌋ = 4, ⌊4·0.9⌋ = 3, ⌊3·0.9⌋ = 2, ⌊2·0.9⌋ = 1, then the min of 1.
        assert_eq!(trace, [4, 3, 2, 1, 1, 1]);
        let mut big = SloLimit::new(30, 1, 200, slo, 0.99, 0.8);
        for _ in 0..100 {
            big.on_sample(SimTime::ZERO, ms(100), 30, false);
        }
        assert_eq!(big.limit(), 29, "⌊30·0.99⌋ = 29");
    }

    #[test]
    fn drops_count_as_misses_whatever_their_round_trip() {
        let mut limit = small();
        for i in 0..10 {
            // Two fast failures in ten put the p90 on a dropped sample.
            limit.on_sample(SimTime::ZERO, ms(1), 5, i < 2);
        }
        assert_eq!(limit.limit(), 5);
        // A drop slower than the target keeps its own round trip: still a miss.
        let mut slow_drops = small();
        for _ in 0..10 {
            slow_drops.on_sample(SimTime::ZERO, ms(300), 5, true);
        }
        assert_eq!(slow_drops.limit(), 5);
        // One drop in ten is within a p90's budget.
        let mut one = small();
        for i in 0..10 {
            one.on_sample(SimTime::ZERO, ms(1), 5, i == 0);
        }
        assert_eq!(one.limit(), 11);
    }

    #[test]
    fn nearest_rank_percentile() {
        let mut limit = SloLimit::with_defaults(LatencySlo {
            target: ms(1),
            percentile: 0.07,
            window: 100,
        });
        limit.window = (1..=100).rev().collect();
        assert_eq!(limit.window_percentile(), 7);
        limit.window = vec![40, 10, 30, 20];
        limit.slo.percentile = 0.5;
        assert_eq!(limit.window_percentile(), 20);
        limit.slo.percentile = 0.51;
        assert_eq!(limit.window_percentile(), 30);
        limit.slo.percentile = 0.999;
        assert_eq!(limit.window_percentile(), 40);
    }

    #[test]
    fn a_headroom_of_one_leaves_no_dead_zone() {
        let slo = LatencySlo {
            target: ms(100),
            percentile: 0.5,
            window: 1,
        };
        let mut limit = SloLimit::new(10, 1, 200, slo, 0.5, 1.0);
        limit.on_sample(SimTime::ZERO, ms(99), 10, false);
        assert_eq!(limit.limit(), 11);
        limit.on_sample(SimTime::ZERO, ms(100), 10, false);
        assert_eq!(limit.limit(), 5);
    }
}
