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
}

impl LimiterConfig {
    /// A fresh concurrency limiter; Vegas draws its probe jitter from the scenario's seed.
    pub fn build(&self, seed: u64) -> Box<dyn Limit> {
        match *self {
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
