//! The client's retry decision, once for both runtimes: the attempt cap, the stop at shutdown,
//! the budget's tokens, then the backoff — the built-in exponential one with jitter, or the
//! learner's `fn retry(failure)` — and the fresh downstream call a new attempt makes.

use super::{AdmissionCore, MAX_BANKED_RETRY_TOKENS};
use crate::policy::retry::{FailureView, RetryPolicy, RetryVerdict, Setback};
use crate::time::{SimDuration, SimTime};

/// An attempt that went wrong, as a runtime tells the core about it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsuccessful {
    pub class: usize,
    /// 0 for the first attempt.
    pub attempt: u32,
    pub setback: Setback,
}

/// Another attempt: after `delay`, with a fresh downstream call (its latency and outcome draw)
/// when the scenario has a dependency.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPlan {
    pub delay: SimDuration,
    pub call: Option<(SimDuration, f64)>,
}

impl AdmissionCore {
    /// A new request arrived: with a retry budget it earns its share of retry tokens.
    pub fn on_request(&mut self) {
        if let Some(budget) = self.retry.and_then(|retry| retry.budget) {
            self.retry_tokens = (self.retry_tokens + budget).min(MAX_BANKED_RETRY_TOKENS);
        }
    }

    /// Whether an attempt that went wrong gets another: not past `retry.max_attempts`, not
    /// while the run is `stopping`, only with a token when there is a budget, and then as the
    /// retry script (if any) says, else after the built-in backoff.
    pub fn retry(
        &mut self,
        now: SimTime,
        attempt: Unsuccessful,
        stopping: bool,
    ) -> Option<RetryPlan> {
        let retry = self.retry?;
        if attempt.attempt + 1 >= retry.max_attempts || stopping {
            return None;
        }
        if retry.budget.is_some() && self.retry_tokens < 1.0 {
            return None;
        }
        let delay = match self.retry_policy.as_mut() {
            Some(policy) => {
                let view = FailureView {
                    class: &self.class_names[attempt.class],
                    attempt: attempt.attempt,
                    setback: attempt.setback,
                    in_flight: self.in_flight,
                    random: self.retry_rng.next_f64(),
                };
                let verdict = policy.decide(now, &view);
                if let Some(fault) = policy.take_fault() {
                    self.fault.get_or_insert(fault);
                }
                match verdict {
                    RetryVerdict::After(delay) => delay,
                    RetryVerdict::GiveUp => return None,
                }
            }
            None => retry.delay(attempt.attempt + 1, &mut self.retry_rng),
        };
        if retry.budget.is_some() {
            self.retry_tokens -= 1.0;
        }
        // The same work, but a new downstream call: its latency and outcome are drawn afresh.
        let call = self.call_latency.as_ref().map(|latency| {
            let latency = latency.sample(&mut self.retry_rng);
            (latency, self.retry_rng.next_f64())
        });
        Some(RetryPlan { delay, call })
    }

    /// What the retry policy's script printed.
    pub(super) fn retry_printed(&self) -> Vec<(f64, String)> {
        self.retry_policy
            .as_ref()
            .map_or_else(Vec::new, |policy| policy.printed())
    }
}

#[cfg(feature = "script")]
pub(super) fn policy(code: &str) -> Option<Box<dyn RetryPolicy>> {
    Some(Box::new(crate::script::ScriptRetry::checked(code)))
}

/// Without the script engine validation refuses `kind = "script"`; should a config reach here
/// all the same, the built-in backoff decides.
#[cfg(not(feature = "script"))]
pub(super) fn policy(_: &str) -> Option<Box<dyn RetryPolicy>> {
    None
}
