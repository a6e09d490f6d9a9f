//! The tables of the policies around the pool, as written: client retries, the downstream
//! dependency and its circuit breaker, admission, fan-out, the rate limit and the concurrency
//! limiter (stage one of parsing, like the rest of [`super`]).

use super::{RawDistribution, RawDuration};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawRetry {
    /// `"backoff"` (the default) or `"script"`.
    pub kind: Option<String>,
    /// `kind = "script"`: the policy's Rhai code, `fn retry(failure)`.
    pub code: Option<String>,
    /// ...or read from this file, relative to the scenario file (`code_file = "policy.rhai"`).
    pub code_file: Option<String>,
    pub max_attempts: Option<i64>,
    pub backoff: Option<RawDuration>,
    pub multiplier: Option<f64>,
    pub max_backoff: Option<RawDuration>,
    pub jitter: Option<String>,
    pub budget: Option<f64>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawDownstream {
    pub latency: Option<RawDistribution>,
    pub error_rate: Option<f64>,
    pub max_in_flight: Option<i64>,
    #[serde(default)]
    pub incidents: Vec<RawIncident>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawAdmission {
    pub kind: Option<String>,
    /// `kind = "script"`: the policy's Rhai code, `fn admit(request)`.
    pub code: Option<String>,
    /// ...or read from this file, relative to the scenario file (`code_file = "policy.rhai"`).
    pub code_file: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawFanOut {
    pub calls: Option<i64>,
    pub wait_for: Option<i64>,
    pub latency: Option<RawDistribution>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawIncident {
    pub from: Option<RawDuration>,
    pub to: Option<RawDuration>,
    pub slowdown: Option<f64>,
    pub error_rate: Option<f64>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawBreaker {
    /// `"resilience4j"` (the default) or `"script"`.
    pub kind: Option<String>,
    /// `kind = "script"`: the breaker's Rhai code, `fn allow(request)` and `fn record(result)`.
    pub code: Option<String>,
    /// ...or read from this file, relative to the scenario file (`code_file = "policy.rhai"`).
    pub code_file: Option<String>,
    pub failure_rate_threshold: Option<f64>,
    pub slow_call_rate_threshold: Option<f64>,
    pub slow_call_duration: Option<RawDuration>,
    pub window: Option<String>,
    pub window_size: Option<i64>,
    pub minimum_calls: Option<i64>,
    pub wait_in_open: Option<RawDuration>,
    pub permitted_in_half_open: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawRateLimit {
    pub rate: Option<f64>,
    pub burst: Option<i64>,
    pub on_limit: Option<String>,
    pub per_class: Option<bool>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawLimiter {
    pub kind: Option<String>,
    pub limit: Option<i64>,
    pub min_limit: Option<i64>,
    pub max_limit: Option<i64>,
    pub backoff: Option<f64>,
    pub timeout: Option<RawDuration>,
    pub smoothing: Option<f64>,
    pub long_window: Option<i64>,
    pub target: Option<RawDuration>,
    pub percentile: Option<f64>,
    pub window: Option<i64>,
    pub headroom: Option<f64>,
    /// `kind = "script"`: the policy's Rhai code.
    pub code: Option<String>,
    /// ...or read from this file, relative to the scenario file (`code_file = "policy.rhai"`).
    pub code_file: Option<String>,
}
