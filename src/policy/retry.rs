//! A retry policy: asked after every attempt that did not succeed, it says how long the client
//! backs off before the next attempt, or that it gives up — what a learner writes as
//! `fn retry(failure)` (`[retry] kind = "script"`, seed book 004 T12). The built-in exponential
//! backoff with jitter stays in [`crate::admission`]; both sit behind the same attempt cap, the
//! same stop at shutdown and the same retry budget.

use crate::policy::{FailReason, PolicyFault, RejectReason};
use crate::time::{SimDuration, SimTime};

/// How an attempt went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setback {
    /// Refused on the way in (a full queue, the rate limit, the limiter, ...).
    Rejected(RejectReason),
    /// Evicted from the queue by a newer job (`drop_oldest`).
    Dropped,
    /// The client's deadline passed before the answer.
    TimedOut,
    /// Served, but it failed (the downstream call's error, an open breaker, a panic, ...).
    Failed(FailReason),
}

impl Setback {
    /// The word a script sees as `failure.error`.
    pub fn kind(self) -> &'static str {
        match self {
            Setback::Rejected(_) => "rejected",
            Setback::Dropped => "dropped",
            Setback::TimedOut => "timeout",
            Setback::Failed(_) => "failed",
        }
    }

    /// The word a script sees as `failure.reason`: the summary's name of the reason
    /// (`queue_full`, `downstream_error`, `breaker_open`, ...), or the kind itself.
    pub fn reason(self) -> &'static str {
        match self {
            Setback::Rejected(reason) => reason.name(),
            Setback::Failed(reason) => reason.name(),
            Setback::Dropped => "dropped",
            Setback::TimedOut => "timeout",
        }
    }
}

/// What a retry policy sees of the attempt that went wrong.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FailureView<'a> {
    pub class: &'a str,
    /// The attempt that went wrong: 0 for the first, 1 for the first retry, … (as
    /// `request.attempt` in an admission policy).
    pub attempt: u32,
    pub setback: Setback,
    /// Admitted requests not finished yet.
    pub in_flight: usize,
    /// A uniform draw in [0, 1) from the run's retry stream, for jitter: the same on every
    /// platform and in both runtimes.
    pub random: f64,
}

/// A retry policy's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryVerdict {
    /// Try again after this long.
    After(SimDuration),
    /// The request fails with this attempt's outcome.
    GiveUp,
}

pub trait RetryPolicy: std::fmt::Debug + Send {
    fn decide(&mut self, now: SimTime, failure: &FailureView<'_>) -> RetryVerdict;

    /// A script policy's failure, once: the run stops there.
    fn take_fault(&mut self) -> Option<PolicyFault> {
        None
    }

    /// What a script policy printed: (simulated seconds, line).
    fn printed(&self) -> Vec<(f64, String)> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_words_a_script_sees_are_the_summarys() {
        let cases = [
            (
                Setback::Rejected(RejectReason::QueueFull),
                "rejected",
                "queue_full",
            ),
            (Setback::Dropped, "dropped", "dropped"),
            (Setback::TimedOut, "timeout", "timeout"),
            (
                Setback::Failed(FailReason::BreakerOpen),
                "failed",
                "breaker_open",
            ),
        ];
        for (setback, kind, reason) in cases {
            assert_eq!((setback.kind(), setback.reason()), (kind, reason));
        }
    }
}
