//! The checked `[limiter]` table and how it becomes a [`Limit`]; part of [`super::config`], kept
//! apart because each limiter kind brings its own parameters.

use crate::policy::limiter::{
    AimdLimit, FixedLimit, Gradient2Limit, LatencySlo, Limit, SloLimit, VegasLimit,
};
use crate::time::SimDuration;

#[derive(Debug, Clone, PartialEq)]
pub enum LimiterConfig {
    Fixed(usize),
    Aimd {
        initial: usize,
        min: usize,
        max: usize,
        backoff: f64,
        timeout: SimDuration,
    },
    Vegas {
        initial: usize,
        max: usize,
        smoothing: f64,
    },
    Gradient2 {
        initial: usize,
        min: usize,
        max: usize,
        smoothing: f64,
        long_window: usize,
    },
    /// Steers the `percentile` of round trips over `window` samples to stay under `target`.
    Slo {
        initial: usize,
        min: usize,
        max: usize,
        target: SimDuration,
        percentile: f64,
        window: usize,
        backoff: f64,
        headroom: f64,
    },
    /// `kind = "script"`: the learner's `fn new_limit(sample)`, its answers kept in [min, max].
    Script {
        initial: usize,
        min: usize,
        max: usize,
        code: String,
    },
}

impl LimiterConfig {
    /// A fresh concurrency limiter; Vegas draws its probe jitter from the scenario's seed.
    pub fn build(&self, seed: u64) -> Box<dyn Limit> {
        match *self {
            LimiterConfig::Script {
                initial,
                min,
                max,
                ref code,
            } => script_limit(code, initial, min, max),
            LimiterConfig::Fixed(limit) => Box::new(FixedLimit(limit)),
            LimiterConfig::Aimd {
                initial,
                min,
                max,
                backoff,
                timeout,
            } => Box::new(AimdLimit::new(initial, min, max, backoff, timeout)),
            LimiterConfig::Vegas {
                initial,
                max,
                smoothing,
            } => Box::new(VegasLimit::new(
                initial,
                max,
                smoothing,
                crate::rng::Rng::stream(seed, crate::rng::streams::LIMITER_STREAM),
            )),
            LimiterConfig::Gradient2 {
                initial,
                min,
                max,
                smoothing,
                long_window,
            } => Box::new(Gradient2Limit::new(
                initial,
                min,
                max,
                smoothing,
                long_window,
            )),
            LimiterConfig::Slo {
                initial,
                min,
                max,
                target,
                percentile,
                window,
                backoff,
                headroom,
            } => Box::new(SloLimit::new(
                initial,
                min,
                max,
                LatencySlo {
                    target,
                    percentile,
                    window,
                },
                backoff,
                headroom,
            )),
        }
    }
}

/// The script limit of a validated config (validation compiled its code already; should it fail
/// here all the same, the limit reports that as a fault at its first sample).
#[cfg(feature = "script")]
fn script_limit(code: &str, initial: usize, min: usize, max: usize) -> Box<dyn Limit> {
    Box::new(crate::script::ScriptLimit::checked(code, initial, min, max))
}

/// Without the script engine validation refuses `kind = "script"`; should a config reach here
/// all the same, the limit stays where it starts.
#[cfg(not(feature = "script"))]
fn script_limit(_: &str, initial: usize, _: usize, _: usize) -> Box<dyn Limit> {
    Box::new(FixedLimit(initial))
}
