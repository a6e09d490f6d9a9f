//! The admission core both runtimes share: the token bucket, the classes' bulkheads, the
//! concurrency limiter with the permits it hands out, and the client's retry decision with its
//! budget. It is sans-IO like every policy: the simulator calls it with virtual time, the real
//! threads with their clock's scenario time (behind one mutex), so each rule exists once.
//!
//! A request passes [`AdmissionCore::through_rate_limit`], then [`AdmissionCore::admit`], which
//! returns a [`Permit`]; the runtime gives it back with [`AdmissionCore::release`] (the limiter
//! learns how the request went) or [`AdmissionCore::ignore`] (a cancelled hedge loser says
//! nothing about the system's health). An unsuccessful attempt asks [`AdmissionCore::retry`].
//!
//! ```
//! use queuelab::admission::{AdmissionCore, Arrival, RateDecision};
//! use queuelab::time::{SimDuration, SimTime};
//! let config = queuelab::scenario::parse(
//!     "[run]\ncustomers = 10\n[arrivals]\nprocess = \"poisson\"\nrate = 1\n\
//!      [service]\ndistribution = \"exponential\"\nmean = \"1s\"\n[pool]\nworkers = 1\n\
//!      [rate_limit]\nrate = 1\nburst = 1\n",
//!     "doc",
//! )
//! .unwrap();
//! let mut core = AdmissionCore::new(&config);
//! let now = SimTime::ZERO;
//! let arrival = Arrival { class: 0, attempt: 0, queued: 0 };
//! assert_eq!(core.through_rate_limit(now, arrival, SimDuration::MAX), RateDecision::Pass);
//! assert_eq!(core.through_rate_limit(now, arrival, SimDuration::MAX), RateDecision::Refuse);
//! let permit = core.admit(now, 0).unwrap();
//! assert_eq!(core.in_flight(), 1);
//! core.release(now, 0, permit, false);
//! assert_eq!(core.in_flight(), 0);
//! ```

use crate::dist::Distribution;
use crate::policy::admit::{AdmissionPolicy, RequestView, Verdict};
use crate::policy::limiter::Limit;
use crate::policy::retry::RetryPolicy;
use crate::policy::token_bucket::TokenBucket;
use crate::policy::PolicyFault;
use crate::policy::RejectReason;
use crate::report::LimitSummary;
use crate::rng::streams::RETRY_STREAM;
use crate::rng::Rng;
use crate::scenario::{Config, RateLimitConfig, RetryConfig};

mod retry;
use crate::time::{SimDuration, SimTime};
pub use retry::{RetryPlan, Unsuccessful};

/// Retry tokens a client may bank: with `retry.budget`, each request earns `budget` tokens up to
/// this many, and each retry spends one, so retries stay a bounded fraction of the traffic.
pub const MAX_BANKED_RETRY_TOKENS: f64 = 10.0;

/// What the admission policy and the token bucket say to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateDecision {
    /// Let in (and a token was there): on to the bulkheads and the limiter.
    Pass,
    /// The admission policy (`[admission]`) turned it away (`rejected_by_reason.admission`).
    Denied,
    /// `rate_limit.delay`: the token is reserved; come back after this long.
    Wait(SimDuration),
    /// No token (or none before the client's deadline): refused, nothing taken.
    Refuse,
}

/// What a runtime knows of an arriving request for the admission policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arrival {
    pub class: usize,
    /// 0 for the first attempt.
    pub attempt: u32,
    /// Jobs waiting in the queue(s) now.
    pub queued: usize,
}

/// What an admitted request holds until it leaves: when it was admitted and how many requests
/// were in flight with it (the limiter's samples need both).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Permit {
    pub admitted: SimTime,
    pub in_flight: usize,
}

#[derive(Debug)]
pub struct AdmissionCore {
    rate: Option<RateLimitConfig>,
    /// One token bucket, or one per class; empty without `[rate_limit]`.
    buckets: Vec<TokenBucket>,
    limiter: Option<Box<dyn Limit>>,
    limit_seen: LimitSummary,
    in_flight: usize,
    class_in_flight: Vec<usize>,
    class_caps: Vec<Option<usize>>,
    retry: Option<RetryConfig>,
    retry_rng: Rng,
    retry_tokens: f64,
    /// `[retry] kind = "script"`: decides each backoff in place of the built-in one.
    retry_policy: Option<Box<dyn RetryPolicy>>,
    call_latency: Option<Distribution>,
    /// The limiter's script failed (see [`AdmissionCore::take_fault`]).
    fault: Option<PolicyFault>,
    /// `[admission]`: asked first, for every attempt.
    policy: Option<Box<dyn AdmissionPolicy>>,
    class_names: Vec<String>,
}

impl AdmissionCore {
    pub fn new(config: &Config) -> Self {
        let buckets = match config.rate_limit {
            Some(rate) => {
                let count = if rate.per_class {
                    config.classes.len()
                } else {
                    1
                };
                vec![TokenBucket::new(rate.rate, rate.burst); count]
            }
            None => Vec::new(),
        };
        let limiter = config
            .limiter
            .as_ref()
            .map(|limiter| limiter.build(config.seed));
        let limit = limiter.as_ref().map_or(0, |l| l.limit()) as u64;
        AdmissionCore {
            rate: config.rate_limit,
            buckets,
            limiter,
            limit_seen: LimitSummary {
                min: limit,
                max: limit,
                last: limit,
            },
            in_flight: 0,
            class_in_flight: vec![0; config.classes.len()],
            class_caps: config.classes.iter().map(|c| c.max_in_flight).collect(),
            retry: config.retry,
            retry_rng: Rng::stream(config.seed, RETRY_STREAM),
            retry_tokens: 0.0,
            retry_policy: config.retry_script.as_deref().and_then(retry::policy),
            call_latency: config.downstream.as_ref().map(|d| d.latency.clone()),
            fault: None,
            policy: config.admission.as_ref().map(|a| a.build()),
            class_names: config.classes.iter().map(|c| c.name.clone()).collect(),
        }
    }

    /// Whether anything is asked before the bulkheads (a runtime may skip
    /// [`Self::through_rate_limit`] when nothing is).
    pub fn gates(&self) -> bool {
        self.rate.is_some() || self.policy.is_some()
    }

    /// Admission, step one: the admission policy, then the token bucket (`patience`: how long
    /// the client would wait before its deadline; a delayed request never waits past it, as
    /// x/time/rate's `Wait` with a context deadline).
    pub fn through_rate_limit(
        &mut self,
        now: SimTime,
        arrival: Arrival,
        patience: SimDuration,
    ) -> RateDecision {
        let class = arrival.class;
        // Validation keeps `[admission]` and `[rate_limit]` apart: a request the policy holds
        // back comes back past both.
        if let Some(policy) = self.policy.as_mut() {
            let view = RequestView {
                class: &self.class_names[class],
                attempt: arrival.attempt,
                queued: arrival.queued,
                in_flight: self.in_flight,
                deadline_in: (patience != SimDuration::MAX).then_some(patience),
            };
            let verdict = policy.decide(now, &view);
            if let Some(fault) = policy.take_fault() {
                self.fault.get_or_insert(fault);
            }
            match verdict {
                Verdict::Accept => {}
                Verdict::Reject => return RateDecision::Denied,
                Verdict::Delay(wait) if wait >= patience => return RateDecision::Denied,
                Verdict::Delay(wait) => return RateDecision::Wait(wait),
            }
        }
        let Some(rate) = self.rate else {
            return RateDecision::Pass;
        };
        let bucket = &mut self.buckets[if rate.per_class { class } else { 0 }];
        if rate.delay {
            match bucket.reserve_within(now, patience) {
                None => RateDecision::Refuse,
                Some(wait) if wait.is_zero() => RateDecision::Pass,
                Some(wait) => RateDecision::Wait(wait),
            }
        } else if bucket.allow(now) {
            RateDecision::Pass
        } else {
            RateDecision::Refuse
        }
    }

    /// Whether a request of `class` meets a bulkhead or a limiter (a runtime may skip
    /// [`Self::admit`] and its permit when neither is there).
    pub fn limits(&self, class: usize) -> bool {
        self.class_caps[class].is_some() || self.limiter.is_some()
    }

    /// Admission, step two: the class's bulkhead, then the concurrency limiter. A request that
    /// passes holds the returned permit until it leaves the system.
    pub fn admit(&mut self, now: SimTime, class: usize) -> Result<Permit, RejectReason> {
        if self.class_caps[class].is_some_and(|cap| self.class_in_flight[class] >= cap) {
            return Err(RejectReason::Bulkhead);
        }
        if self.limit().is_some_and(|limit| self.in_flight >= limit) {
            return Err(RejectReason::Limit);
        }
        self.in_flight += 1;
        self.class_in_flight[class] += 1;
        Ok(Permit {
            admitted: now,
            in_flight: self.in_flight,
        })
    }

    /// Gives a permit back and tells the limiter how the request went: its round trip since
    /// admission, and whether it was `dropped` (refused, dropped, timed out or failed after
    /// admission).
    pub fn release(&mut self, now: SimTime, class: usize, permit: Permit, dropped: bool) {
        self.ignore(class);
        if let Some(limiter) = self.limiter.as_mut() {
            let round_trip = now.saturating_since(permit.admitted);
            limiter.on_sample(now, round_trip, permit.in_flight, dropped);
            if let Some(fault) = limiter.take_fault() {
                self.fault.get_or_insert(fault);
            }
            let limit = limiter.limit() as u64;
            let seen = &mut self.limit_seen;
            (seen.min, seen.max, seen.last) = (seen.min.min(limit), seen.max.max(limit), limit);
        }
    }

    /// Gives a permit back without a sample for the limiter (Netflix's limiters call this
    /// `onIgnore`).
    pub fn ignore(&mut self, class: usize) {
        self.in_flight -= 1;
        self.class_in_flight[class] -= 1;
    }

    /// What each of the core's policy scripts printed (limiter, admission, retry), by hook, for
    /// the script console both runtimes assemble.
    pub fn printed_by_hook(&self) -> [(&'static str, Vec<(f64, String)>); 3] {
        let limiter = self.limiter.as_ref().map(|limiter| limiter.printed());
        let admission = self.policy.as_ref().map(|policy| policy.printed());
        [
            ("limiter", limiter.unwrap_or_default()),
            ("admission", admission.unwrap_or_default()),
            ("retry", self.retry_printed()),
        ]
    }

    /// A policy script of the core's failed: the runtime stops the run and reports it.
    pub fn take_fault(&mut self) -> Option<PolicyFault> {
        self.fault.take()
    }

    /// The concurrency limit now, with a limiter.
    pub fn limit(&self) -> Option<usize> {
        self.limiter.as_ref().map(|limiter| limiter.limit())
    }

    /// The lowest, highest and latest limit so far.
    pub fn limit_seen(&self) -> LimitSummary {
        self.limit_seen
    }

    /// Admitted requests holding a permit.
    pub fn in_flight(&self) -> usize {
        self.in_flight
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::retry::Setback;

    fn failed(attempt: u32) -> Unsuccessful {
        Unsuccessful {
            class: 0,
            attempt,
            setback: Setback::TimedOut,
        }
    }

    fn core(extra: &str) -> AdmissionCore {
        let text = format!(
            "[run]\ncustomers = 10\n[arrivals]\nprocess = \"poisson\"\nrate = 1\n\
             [service]\ndistribution = \"exponential\"\nmean = \"1s\"\n[pool]\nworkers = 1\n{extra}"
        );
        AdmissionCore::new(&crate::scenario::parse(&text, "test").unwrap())
    }

    #[test]
    fn without_policies_everything_passes_and_nothing_retries() {
        let mut core = core("");
        assert!(!core.limits(0));
        let now = SimTime::ZERO;
        assert_eq!(
            core.through_rate_limit(
                now,
                Arrival {
                    class: 0,
                    attempt: 0,
                    queued: 0
                },
                SimDuration::ZERO
            ),
            RateDecision::Pass
        );
        assert!(core.admit(now, 0).is_ok());
        assert_eq!(core.retry(SimTime::ZERO, failed(0), false), None);
    }

    #[test]
    fn a_delaying_bucket_waits_within_patience_and_refuses_beyond_it() {
        let mut core = core("[rate_limit]\nrate = 10\nburst = 1\non_limit = \"delay\"\n");
        let now = SimTime::ZERO;
        assert_eq!(
            core.through_rate_limit(
                now,
                Arrival {
                    class: 0,
                    attempt: 0,
                    queued: 0
                },
                SimDuration::ZERO
            ),
            RateDecision::Pass
        );
        assert_eq!(
            core.through_rate_limit(
                now,
                Arrival {
                    class: 0,
                    attempt: 0,
                    queued: 0
                },
                SimDuration::from_millis(50)
            ),
            RateDecision::Refuse
        );
        assert_eq!(
            core.through_rate_limit(
                now,
                Arrival {
                    class: 0,
                    attempt: 0,
                    queued: 0
                },
                SimDuration::from_secs(1)
            ),
            RateDecision::Wait(SimDuration::from_millis(100))
        );
    }

    #[test]
    fn the_bulkhead_refuses_at_its_cap_and_a_release_frees_a_place() {
        let mut core = core("[[classes]]\nname = \"a\"\nmax_in_flight = 1\n");
        let now = SimTime::ZERO;
        let permit = core.admit(now, 0).unwrap();
        assert_eq!(permit.in_flight, 1);
        assert_eq!(core.admit(now, 0), Err(RejectReason::Bulkhead));
        core.release(now, 0, permit, false);
        assert!(core.admit(now, 0).is_ok());
    }

    #[test]
    fn the_limiter_refuses_at_its_limit_and_learns_from_samples() {
        let mut core =
            core("[limiter]\nkind = \"aimd\"\nlimit = 2\nmin_limit = 1\nmax_limit = 10\n");
        let now = SimTime::ZERO;
        let a = core.admit(now, 0).unwrap();
        let _b = core.admit(now, 0).unwrap();
        assert_eq!(core.admit(now, 0), Err(RejectReason::Limit));
        core.release(now + SimDuration::from_millis(1), 0, a, true);
        let seen = core.limit_seen();
        assert_eq!((seen.max, seen.last < 2), (2, true), "{seen:?}");
    }

    #[test]
    fn a_budget_allows_retries_only_with_banked_tokens() {
        let mut core = core("[retry]\nmax_attempts = 5\nbudget = 0.5\n");
        assert_eq!(
            core.retry(SimTime::ZERO, failed(0), false),
            None,
            "nothing banked yet"
        );
        for _ in 0..100 {
            core.on_request();
        }
        let granted = (0..20)
            .filter(|_| core.retry(SimTime::ZERO, failed(0), false).is_some())
            .count();
        assert_eq!(granted, MAX_BANKED_RETRY_TOKENS as usize);
        assert_eq!(
            core.retry(SimTime::ZERO, failed(4), false),
            None,
            "the last attempt"
        );
    }

    #[test]
    fn no_retry_while_stopping_and_a_fresh_call_with_a_dependency() {
        let mut core = core(
            "[retry]\nmax_attempts = 3\n[downstream]\nlatency = { distribution = \"constant\", mean = \"20ms\" }\n",
        );
        assert_eq!(core.retry(SimTime::ZERO, failed(0), true), None);
        let plan = core.retry(SimTime::ZERO, failed(0), false).unwrap();
        assert_eq!(plan.call.map(|c| c.0), Some(SimDuration::from_millis(20)));
    }
}
