//! A circuit breaker with resilience4j semantics (see docs/policy-reference-notes.md).
//!
//! CLOSED: calls pass and their outcomes fill a sliding window (the last N calls, or the last N
//! seconds). Once at least `minimum_calls` are recorded, a failure rate (or slow-call rate) at or
//! above its threshold opens the breaker. OPEN: calls fail fast; the first call strictly after
//! `wait_in_open` moves it to HALF_OPEN, where `permitted_in_half_open` trial calls pass (more are
//! refused) and their outcomes decide: over a threshold → OPEN again, otherwise CLOSED.
//!
//! ```
//! use queuelab::policy::breaker::{BreakerConfig, BreakerState, CircuitBreaker};
//! use queuelab::time::{SimDuration, SimTime};
//! let config = BreakerConfig { window_size: 4, minimum_calls: 4, ..BreakerConfig::default() };
//! let mut breaker = CircuitBreaker::new(config);
//! let now = SimTime::ZERO;
//! for failed in [false, true, false, true] {
//!     assert!(breaker.try_acquire(now));
//!     breaker.on_result(now, SimDuration::from_millis(5), failed);
//! }
//! assert_eq!(breaker.state(), BreakerState::Open); // 50 % ≥ 50 %
//! assert!(!breaker.try_acquire(now));
//! ```

use crate::time::{SimDuration, SimTime};
use std::collections::VecDeque;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BreakerState {
    Closed,
    Open,
    HalfOpen,
}

impl BreakerState {
    /// 0 closed, 1 half-open, 2 open: for charts.
    pub fn level(self) -> f64 {
        match self {
            BreakerState::Closed => 0.0,
            BreakerState::HalfOpen => 1.0,
            BreakerState::Open => 2.0,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BreakerConfig {
    /// Percent, in (0, 100].
    pub failure_rate_threshold: f64,
    pub slow_call_rate_threshold: f64,
    pub slow_call_duration: SimDuration,
    /// Count-based (last N calls) or time-based (last N seconds).
    pub time_based: bool,
    pub window_size: usize,
    pub minimum_calls: usize,
    pub wait_in_open: SimDuration,
    pub permitted_in_half_open: usize,
}

impl Default for BreakerConfig {
    /// resilience4j's defaults.
    fn default() -> Self {
        BreakerConfig {
            failure_rate_threshold: 50.0,
            slow_call_rate_threshold: 100.0,
            slow_call_duration: SimDuration::from_secs(60),
            time_based: false,
            window_size: 100,
            minimum_calls: 100,
            wait_in_open: SimDuration::from_secs(60),
            permitted_in_half_open: 10,
        }
    }
}

/// Outcome counts of a sliding window.
#[derive(Debug, Clone, Default)]
struct Window {
    /// Count-based: one entry per call (failed, slow). Time-based: one per second with counts.
    entries: VecDeque<(u64, u32, u32, u32)>,
    size: usize,
    time_based: bool,
    total: u32,
    failed: u32,
    slow: u32,
}

impl Window {
    fn new(size: usize, time_based: bool) -> Self {
        Window {
            size,
            time_based,
            ..Window::default()
        }
    }

    fn record(&mut self, now: SimTime, failed: bool, slow: bool) {
        let (f, s) = (u32::from(failed), u32::from(slow));
        if self.time_based {
            let second = now.as_nanos() / 1_000_000_000;
            while self
                .entries
                .front()
                .is_some_and(|&(at, ..)| at + self.size as u64 <= second)
            {
                self.evict_front();
            }
            match self.entries.back_mut() {
                Some(entry) if entry.0 == second => {
                    entry.1 += 1;
                    entry.2 += f;
                    entry.3 += s;
                }
                _ => self.entries.push_back((second, 1, f, s)),
            }
        } else {
            if self.entries.len() == self.size {
                self.evict_front();
            }
            self.entries.push_back((0, 1, f, s));
        }
        self.total += 1;
        self.failed += f;
        self.slow += s;
    }

    fn evict_front(&mut self) {
        if let Some((_, total, failed, slow)) = self.entries.pop_front() {
            self.total -= total;
            self.failed -= failed;
            self.slow -= slow;
        }
    }

    /// (failure %, slow %) once at least `minimum` calls are recorded.
    fn rates(&self, minimum: usize) -> Option<(f64, f64)> {
        if self.total == 0 || (self.total as usize) < minimum {
            return None;
        }
        let total = self.total as f64;
        Some((
            self.failed as f64 * 100.0 / total,
            self.slow as f64 * 100.0 / total,
        ))
    }
}

#[derive(Debug, Clone)]
pub struct CircuitBreaker {
    config: BreakerConfig,
    state: BreakerState,
    window: Window,
    opened_at: SimTime,
    half_open_permits: usize,
    transitions: u64,
}

/// What the dependency asks of a circuit breaker: the built-in [`CircuitBreaker`] or a learner's
/// `[breaker] kind = "script"`.
pub trait Breaker: std::fmt::Debug + Send {
    /// May a call go ahead now? (Refused calls fail fast.)
    fn try_acquire(&mut self, now: SimTime) -> bool;

    /// A call that went ahead was cancelled before its result came.
    fn release(&mut self);

    /// Records the outcome of a call that went ahead.
    fn on_result(&mut self, now: SimTime, duration: SimDuration, failed: bool);

    fn state(&self) -> BreakerState;

    /// How many times the state changed.
    fn transitions(&self) -> u64;

    /// A script breaker's failure, once: the run stops there.
    fn take_fault(&mut self) -> Option<crate::policy::PolicyFault> {
        None
    }

    /// What a script breaker printed: (simulated seconds, line).
    fn printed(&self) -> Vec<(f64, String)> {
        Vec::new()
    }
}

impl Breaker for CircuitBreaker {
    fn try_acquire(&mut self, now: SimTime) -> bool {
        CircuitBreaker::try_acquire(self, now)
    }

    fn release(&mut self) {
        CircuitBreaker::release(self)
    }

    fn on_result(&mut self, now: SimTime, duration: SimDuration, failed: bool) {
        CircuitBreaker::on_result(self, now, duration, failed)
    }

    fn state(&self) -> BreakerState {
        self.state
    }

    fn transitions(&self) -> u64 {
        self.transitions
    }
}

impl CircuitBreaker {
    pub fn new(config: BreakerConfig) -> Self {
        CircuitBreaker {
            window: Window::new(config.window_size, config.time_based),
            config,
            state: BreakerState::Closed,
            opened_at: SimTime::ZERO,
            half_open_permits: 0,
            transitions: 0,
        }
    }

    pub fn state(&self) -> BreakerState {
        self.state
    }

    /// How many times the state changed.
    pub fn transitions(&self) -> u64 {
        self.transitions
    }

    fn minimum_calls(&self) -> usize {
        match (self.state, self.config.time_based) {
            (BreakerState::HalfOpen, _) => self
                .config
                .minimum_calls
                .min(self.config.permitted_in_half_open),
            (_, false) => self.config.minimum_calls.min(self.config.window_size),
            (_, true) => self.config.minimum_calls,
        }
    }

    fn transition(&mut self, now: SimTime, state: BreakerState) {
        self.state = state;
        self.transitions += 1;
        match state {
            BreakerState::Open => self.opened_at = now,
            BreakerState::HalfOpen => {
                self.half_open_permits = self.config.permitted_in_half_open;
                self.window = Window::new(self.config.permitted_in_half_open, false);
            }
            BreakerState::Closed => {
                self.window = Window::new(self.config.window_size, self.config.time_based)
            }
        }
    }

    /// May a call go ahead now? (Refused calls fail fast.)
    pub fn try_acquire(&mut self, now: SimTime) -> bool {
        if self.state == BreakerState::Open && now > self.opened_at + self.config.wait_in_open {
            self.transition(now, BreakerState::HalfOpen);
        }
        match self.state {
            BreakerState::Closed => true,
            BreakerState::Open => false,
            BreakerState::HalfOpen if self.half_open_permits > 0 => {
                self.half_open_permits -= 1;
                true
            }
            BreakerState::HalfOpen => false,
        }
    }

    /// A call that went ahead was cancelled before its result came (a hedge's loser, a
    /// preempted job): it gives its half-open permit back without counting, as resilience4j's
    /// `releasePermission`.
    pub fn release(&mut self) {
        if self.state == BreakerState::HalfOpen {
            self.half_open_permits =
                (self.half_open_permits + 1).min(self.config.permitted_in_half_open);
        }
    }

    /// Records the outcome of a call that went ahead.
    pub fn on_result(&mut self, now: SimTime, duration: SimDuration, failed: bool) {
        if self.state == BreakerState::Open {
            return; // a late result of a call made before the breaker opened
        }
        let slow = duration > self.config.slow_call_duration;
        self.window.record(now, failed, slow);
        let Some((failure_rate, slow_rate)) = self.window.rates(self.minimum_calls()) else {
            return;
        };
        let over = failure_rate >= self.config.failure_rate_threshold
            || slow_rate >= self.config.slow_call_rate_threshold;
        match (self.state, over) {
            (_, true) => self.transition(now, BreakerState::Open),
            (BreakerState::HalfOpen, false) => self.transition(now, BreakerState::Closed),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(ms: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_millis(ms)
    }

    fn config() -> BreakerConfig {
        BreakerConfig {
            window_size: 10,
            minimum_calls: 5,
            wait_in_open: SimDuration::from_secs(10),
            permitted_in_half_open: 3,
            ..BreakerConfig::default()
        }
    }

    #[test]
    fn stays_closed_below_minimum_calls_even_if_all_fail() {
        let mut breaker = CircuitBreaker::new(config());
        for _ in 0..4 {
            breaker.on_result(at(0), SimDuration::ZERO, true);
        }
        assert_eq!(breaker.state(), BreakerState::Closed);
        breaker.on_result(at(0), SimDuration::ZERO, true);
        assert_eq!(breaker.state(), BreakerState::Open);
    }

    #[test]
    fn golden_trace_through_half_open() {
        let mut breaker = CircuitBreaker::new(config());
        for failed in [true, false, true, false, true] {
            breaker.on_result(at(0), SimDuration::ZERO, failed); // 3 of 5 = 60 % ≥ 50 %
        }
        assert_eq!(breaker.state(), BreakerState::Open);
        assert!(
            !breaker.try_acquire(at(10_000)),
            "not strictly after the wait yet"
        );
        assert!(breaker.try_acquire(at(10_001)));
        assert_eq!(breaker.state(), BreakerState::HalfOpen);
        assert!(breaker.try_acquire(at(10_001)) && breaker.try_acquire(at(10_001)));
        assert!(
            !breaker.try_acquire(at(10_001)),
            "only 3 permitted calls in half-open"
        );
        breaker.on_result(at(10_002), SimDuration::ZERO, false);
        breaker.on_result(at(10_002), SimDuration::ZERO, true);
        assert_eq!(
            breaker.state(),
            BreakerState::HalfOpen,
            "decides after 3 outcomes"
        );
        breaker.on_result(at(10_002), SimDuration::ZERO, false); // 1 of 3 = 33 % < 50 %
        assert_eq!(breaker.state(), BreakerState::Closed);
        assert_eq!(breaker.transitions(), 3);
    }

    #[test]
    fn half_open_failures_reopen() {
        let mut breaker = CircuitBreaker::new(config());
        for _ in 0..5 {
            breaker.on_result(at(0), SimDuration::ZERO, true);
        }
        assert!(breaker.try_acquire(at(10_001)));
        for _ in 0..3 {
            breaker.on_result(at(10_001), SimDuration::ZERO, true);
        }
        assert_eq!(breaker.state(), BreakerState::Open);
        assert!(!breaker.try_acquire(at(15_000)));
    }

    #[test]
    fn slow_calls_trip_the_breaker_too() {
        let config = BreakerConfig {
            slow_call_rate_threshold: 50.0,
            slow_call_duration: SimDuration::from_millis(100),
            ..config()
        };
        let mut breaker = CircuitBreaker::new(config);
        for ms in [50, 150, 50, 150, 150] {
            breaker.on_result(at(0), SimDuration::from_millis(ms), false);
        }
        assert_eq!(breaker.state(), BreakerState::Open);
    }

    #[test]
    fn time_based_window_forgets_old_seconds() {
        let config = BreakerConfig {
            time_based: true,
            window_size: 2,
            minimum_calls: 3,
            ..config()
        };
        let mut breaker = CircuitBreaker::new(config);
        breaker.on_result(at(0), SimDuration::ZERO, true);
        breaker.on_result(at(100), SimDuration::ZERO, true);
        // Two seconds later both failures have left the window: 1 success of 1 call.
        breaker.on_result(at(2_500), SimDuration::ZERO, false);
        breaker.on_result(at(2_600), SimDuration::ZERO, false);
        breaker.on_result(at(2_700), SimDuration::ZERO, true);
        assert_eq!(breaker.state(), BreakerState::Closed, "1 of 3 failed");
    }
}
