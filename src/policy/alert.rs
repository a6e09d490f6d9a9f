//! A threshold alert with a hold time, as Prometheus alerting rules have (`expr > N for: 30s`):
//! seed book 001, task 21 — a queue-depth alert fires after the expected time.
//!
//! The alert is *pending* while its condition holds and *fires* once it has held for `hold`
//! without a break; it resolves as soon as the condition stops holding. Sans-IO: the caller
//! reports each new value with [`Alert::observe`] and, when asked to, calls back at the returned
//! instant with [`Alert::on_timer`] (the engine schedules it as an event).
//!
//! ```
//! use queuelab::policy::alert::Alert;
//! use queuelab::time::{SimDuration, SimTime};
//! let at = |s| SimTime::ZERO + SimDuration::from_secs(s);
//! let mut alert = Alert::new(50.0, SimDuration::from_secs(30));
//! let timer = alert.observe(at(10), 60.0).unwrap();   // pending: check again in 30 s
//! assert_eq!(timer.at, at(40));
//! alert.on_timer(at(40), timer.token);
//! assert!(alert.is_firing());
//! alert.observe(at(45), 20.0);                          // resolved
//! assert_eq!(alert.fired(), 1);
//! assert_eq!(alert.firing_time(at(100)), SimDuration::from_secs(5));
//! ```

use crate::time::{SimDuration, SimTime};

/// When to call [`Alert::on_timer`], and the token that proves the condition has held since.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlertTimer {
    pub at: SimTime,
    pub token: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Alert {
    threshold: f64,
    hold: SimDuration,
    pending_since: Option<SimTime>,
    firing_since: Option<SimTime>,
    /// Bumped whenever the condition breaks, so a timer from an earlier spell is ignored.
    token: u32,
    fired: u64,
    first_fired: Option<SimTime>,
    firing_total: SimDuration,
}

impl Alert {
    /// Fires when the value stays above `threshold` for `hold`.
    pub fn new(threshold: f64, hold: SimDuration) -> Self {
        Alert {
            threshold,
            hold,
            pending_since: None,
            firing_since: None,
            token: 0,
            fired: 0,
            first_fired: None,
            firing_total: SimDuration::ZERO,
        }
    }

    /// The watched value is now `value`. Returns a timer to set when the alert became pending.
    pub fn observe(&mut self, now: SimTime, value: f64) -> Option<AlertTimer> {
        let holds = value > self.threshold;
        if !holds {
            if let Some(since) = self.firing_since.take() {
                self.firing_total = self.firing_total + (now - since);
            }
            if self.pending_since.take().is_some() || self.firing_since.is_some() {
                self.token = self.token.wrapping_add(1);
            }
            return None;
        }
        if self.firing_since.is_some() || self.pending_since.is_some() {
            return None;
        }
        self.token = self.token.wrapping_add(1);
        if self.hold.is_zero() {
            self.fire(now);
            return None;
        }
        self.pending_since = Some(now);
        Some(AlertTimer {
            at: now + self.hold,
            token: self.token,
        })
    }

    /// A timer set by [`Alert::observe`] ran out: fire if the condition held all along.
    pub fn on_timer(&mut self, now: SimTime, token: u32) {
        if token == self.token && self.pending_since.is_some() {
            self.pending_since = None;
            self.fire(now);
        }
    }

    fn fire(&mut self, now: SimTime) {
        self.fired += 1;
        self.first_fired.get_or_insert(now);
        self.firing_since = Some(now);
    }

    pub fn is_firing(&self) -> bool {
        self.firing_since.is_some()
    }

    /// How many times it fired.
    pub fn fired(&self) -> u64 {
        self.fired
    }

    pub fn first_fired(&self) -> Option<SimTime> {
        self.first_fired
    }

    /// Total time spent firing, up to `now`.
    pub fn firing_time(&self, now: SimTime) -> SimDuration {
        self.firing_total
            + self
                .firing_since
                .map_or(SimDuration::ZERO, |since| now - since)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(millis: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_millis(millis)
    }

    #[test]
    fn a_break_in_the_condition_restarts_the_hold() {
        let mut alert = Alert::new(10.0, SimDuration::from_millis(100));
        let first = alert.observe(at(0), 11.0).expect("pending");
        assert_eq!(
            alert.observe(at(50), 12.0),
            None,
            "still pending, no new timer"
        );
        alert.observe(at(60), 10.0); // not above: the spell breaks
        let second = alert.observe(at(70), 11.0).expect("pending again");
        alert.on_timer(at(100), first.token);
        assert!(!alert.is_firing(), "the first spell's timer is stale");
        alert.on_timer(second.at, second.token);
        assert!(alert.is_firing());
        assert_eq!(alert.first_fired(), Some(at(170)));
    }

    #[test]
    fn it_fires_again_after_resolving_and_counts_firing_time() {
        let mut alert = Alert::new(0.0, SimDuration::from_millis(10));
        let timer = alert.observe(at(0), 1.0).expect("pending");
        alert.on_timer(timer.at, timer.token);
        alert.observe(at(30), 0.0);
        let timer = alert.observe(at(40), 5.0).expect("pending");
        alert.on_timer(timer.at, timer.token);
        assert_eq!(alert.fired(), 2);
        assert_eq!(alert.first_fired(), Some(at(10)));
        assert_eq!(alert.firing_time(at(60)), SimDuration::from_millis(20 + 10));
    }

    #[test]
    fn without_a_hold_it_fires_at_once_and_equal_is_not_above() {
        let mut alert = Alert::new(5.0, SimDuration::ZERO);
        assert_eq!(alert.observe(at(1), 5.0), None);
        assert!(!alert.is_firing());
        assert_eq!(alert.observe(at(2), 6.0), None);
        assert!(alert.is_firing());
        assert_eq!(alert.fired(), 1);
    }
}
