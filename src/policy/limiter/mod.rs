//! Concurrency limits: how many admitted jobs may be in flight (queued or in service) at once.
//!
//! A limiter admits a job while fewer than `limit()` are in flight and refuses it otherwise (an
//! HTTP 503). Adaptive limits learn the limit from each finished job's round-trip time and whether
//! it was dropped — ports of Netflix concurrency-limits (`AIMDLimit`, `VegasLimit`,
//! `Gradient2Limit`) with their defaults; see `docs/policy-reference-notes.md` for the reference
//! code each follows — and [`SloLimit`], which steers a latency percentile towards an SLO and has
//! no reference implementation. Every limit is sans-IO: samples arrive as arguments.
//!
//! ```
//! use queuelab::policy::limiter::{AimdLimit, Limit};
//! use queuelab::time::{SimDuration, SimTime};
//! let mut aimd = AimdLimit::default();                         // initial 20, min 20, max 200
//! aimd.on_sample(SimTime::ZERO, SimDuration::from_millis(10), 15, false);
//! assert_eq!(aimd.limit(), 21);                                // inflight·2 ≥ limit: +1
//! aimd.on_sample(SimTime::ZERO, SimDuration::from_millis(10), 15, true);
//! assert_eq!(aimd.limit(), 20);                                // drop: ×0.9, floored at min 20
//! ```

mod aimd;
mod gradient2;
mod slo;
mod vegas;

pub use aimd::AimdLimit;
pub use gradient2::Gradient2Limit;
pub use slo::{LatencySlo, SloLimit};
pub use vegas::VegasLimit;

use crate::time::{SimDuration, SimTime};

/// A concurrency limit, fixed or adaptive.
pub trait Limit: std::fmt::Debug + Send {
    /// Jobs that may be in flight at once.
    fn limit(&self) -> usize;

    /// A job admitted when `inflight` jobs (itself included) were in flight finished after `rtt`;
    /// `did_drop` when it failed or was given up on.
    fn on_sample(&mut self, now: SimTime, rtt: SimDuration, inflight: usize, did_drop: bool);

    /// Why the last sample's decision failed, if it did (only learner-written limits fail).
    fn take_fault(&mut self) -> Option<super::PolicyFault> {
        None
    }

    /// What a learner's script printed: (simulated seconds, text), its first lines only.
    fn printed(&self) -> Vec<(f64, String)> {
        Vec::new()
    }
}

/// A semaphore: a limit that never changes (a bulkhead).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedLimit(pub usize);

impl Limit for FixedLimit {
    fn limit(&self) -> usize {
        self.0
    }

    fn on_sample(&mut self, _: SimTime, _: SimDuration, _: usize, _: bool) {}
}

/// `LOG10` of Netflix's `Log10RootIntFunction`: 1 for 0..99, 2 for 100..999, ⌊log10 n⌋ beyond.
pub(crate) fn log10_root(n: i64) -> f64 {
    if n < 1000 {
        (libm::log10(n.max(1) as f64) as i64).max(1) as f64
    } else {
        (libm::log10(n as f64) as i64) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log10_root_matches_the_reference_table() {
        let cases = [
            (0, 1.0),
            (1, 1.0),
            (99, 1.0),
            (100, 2.0),
            (999, 2.0),
            (1000, 3.0),
            (9999, 3.0),
            (10_000, 4.0),
        ];
        for (n, expected) in cases {
            assert_eq!(log10_root(n), expected, "{n}");
        }
    }
}
