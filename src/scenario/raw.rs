//! Stage one of parsing: the scenario file exactly as written, with serde.
//!
//! Every table denies unknown fields so a typo (`worker = 4`) is an error pointing at the typo, not
//! a silently ignored setting. Values are kept loose here (durations as text, counts as signed
//! integers) so that stage two, [`super::validate`], can say *what* is wrong in domain terms
//! ("pool.workers must be at least 1") rather than in serde's ("invalid value: integer `-1`").
//! Every field is documented in `docs/reference.md`.

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::fmt;

mod policies;
pub use policies::*;

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub format_version: Option<i64>,
    pub name: Option<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub run: RawRun,
    pub arrivals: Option<RawArrivals>,
    pub service: Option<RawDistribution>,
    pub pool: Option<RawPool>,
    #[serde(default)]
    pub queue: RawQueue,
    pub deadline: Option<RawDeadline>,
    #[serde(default)]
    pub classes: Vec<RawClass>,
    pub autoscaler: Option<RawAutoscaler>,
    pub rate_limit: Option<RawRateLimit>,
    pub limiter: Option<RawLimiter>,
    pub downstream: Option<RawDownstream>,
    pub breaker: Option<RawBreaker>,
    pub fanout: Option<RawFanOut>,
    pub admission: Option<RawAdmission>,
    pub retry: Option<RawRetry>,
    pub hedge: Option<RawHedge>,
    pub shutdown: Option<RawShutdown>,
    pub chaos: Option<RawChaos>,
    #[serde(default)]
    pub alerts: Vec<RawAlert>,
    #[serde(default)]
    pub stages: Vec<RawStage>,
    pub keys: Option<RawKeys>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawKeys {
    pub count: Option<i64>,
    pub hot_share: Option<f64>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawStage {
    pub name: Option<String>,
    pub workers: Option<i64>,
    pub buffer: Option<i64>,
    pub service: Option<RawDistribution>,
    pub routes: Option<Vec<RawRoute>>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawRoute {
    pub to: Option<String>,
    pub share: Option<f64>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawAlert {
    pub name: Option<String>,
    pub signal: Option<String>,
    pub above: Option<f64>,
    #[serde(rename = "for")]
    pub hold: Option<RawDuration>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawShutdown {
    pub at: Option<RawDuration>,
    pub drain_timeout: Option<RawDuration>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawHedge {
    pub delay: Option<RawDuration>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawChaos {
    pub panic_rate: Option<f64>,
    pub restart: Option<RawDuration>,
    pub slow_rate: Option<f64>,
    pub slow_factor: Option<f64>,
    pub drift_per_hour: Option<f64>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawRun {
    pub seed: Option<u64>,
    pub customers: Option<i64>,
    pub duration: Option<RawDuration>,
    pub warmup: Option<RawDuration>,
    pub sample_interval: Option<RawDuration>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawArrivals {
    pub process: Option<String>,
    pub rate: Option<f64>,
    /// `schedule`: the piecewise rate.
    pub segments: Option<Vec<RawSegment>>,
    /// `schedule`: what follows the last segment: `hold` (its final rate forever) or `repeat`.
    pub after: Option<String>,
    /// `schedule` and `bursts`: `poisson` (default) or `even` spacing of arrivals.
    pub spacing: Option<String>,
    /// `bursts`: length of the on and off phases, and the rate while off.
    pub on: Option<RawDuration>,
    pub off: Option<RawDuration>,
    pub off_rate: Option<f64>,
    /// `closed`: the number of clients and their think time between a response and the next request.
    pub clients: Option<i64>,
    pub think: Option<RawDistribution>,
    /// `trace`: the file of arrival instants (relative to the scenario file), its format
    /// (`csv` or `jsonl`), the unit of its numbers and whether instants are `offset`s from the
    /// start or `absolute` (the first row is time 0).
    pub file: Option<String>,
    pub format: Option<String>,
    pub unit: Option<String>,
    pub timestamps: Option<String>,
    /// `trace`: the columns (JSON fields) of the instant and, optionally, each request's
    /// service time, class and key.
    pub time_column: Option<String>,
    pub service_column: Option<String>,
    pub class_column: Option<String>,
    pub key_column: Option<String>,
    /// `trace`: replay speed, repeat after the last row, and where in the trace to begin.
    pub scale: Option<f64>,
    #[serde(rename = "loop")]
    pub looped: Option<bool>,
    pub start: Option<RawDuration>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawSegment {
    pub duration: Option<RawDuration>,
    /// A constant rate for the segment...
    pub rate: Option<f64>,
    /// ...or a linear ramp.
    pub from: Option<f64>,
    pub to: Option<f64>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawDistribution {
    pub distribution: Option<String>,
    pub mean: Option<RawDuration>,
    pub value: Option<RawDuration>,
    pub min: Option<RawDuration>,
    pub max: Option<RawDuration>,
    pub scv: Option<f64>,
    pub k: Option<i64>,
    pub shape: Option<f64>,
    pub components: Option<Vec<RawComponent>>,
    /// `empirical`: measured values inline (numbers in `unit`)...
    pub samples: Option<Vec<f64>>,
    /// ...or a histogram's buckets (`le` upper bounds, cumulative counts)...
    pub buckets: Option<Vec<RawBucket>>,
    /// ...or a file of either, relative to the scenario file.
    pub file: Option<String>,
    /// `empirical` from a CSV file: the column holding the values (header name or number from 1).
    pub column: Option<RawColumn>,
    /// `empirical`: the unit of bare numbers (default `s`).
    pub unit: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawBucket {
    pub le: Option<f64>,
    pub count: Option<i64>,
}

/// A CSV column by its header's name or its number (1 = the first).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum RawColumn {
    Name(String),
    Number(i64),
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawComponent {
    pub weight: Option<f64>,
    pub distribution: Option<String>,
    pub mean: Option<RawDuration>,
    pub value: Option<RawDuration>,
    pub min: Option<RawDuration>,
    pub max: Option<RawDuration>,
    pub scv: Option<f64>,
    pub k: Option<i64>,
    pub shape: Option<f64>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawPool {
    pub workers: Option<i64>,
    pub scale_down: Option<String>,
    pub start_up: Option<RawDuration>,
    pub idle_timeout: Option<RawDuration>,
    pub min_workers: Option<i64>,
    pub work: Option<String>,
    pub shards: Option<i64>,
    pub routes: Option<Vec<RawRoute>>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawQueue {
    pub capacity: Option<i64>,
    pub on_full: Option<String>,
    /// `on_full = "script"`: the policy's Rhai code, `fn on_full(offer)`.
    pub code: Option<String>,
    /// ...or read from this file, relative to the scenario file (`code_file = "policy.rhai"`).
    pub code_file: Option<String>,
    pub timeout: Option<RawDuration>,
    pub shed_at: Option<i64>,
    pub resume_below: Option<i64>,
    pub discipline: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawDeadline {
    pub timeout: Option<RawDuration>,
    pub started_work: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawClass {
    pub name: Option<String>,
    pub weight: Option<f64>,
    pub priority: Option<i64>,
    pub service: Option<RawDistribution>,
    pub deadline: Option<RawDuration>,
    pub arrivals: Option<RawArrivals>,
    pub max_in_flight: Option<i64>,
    pub workers: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawAutoscaler {
    pub kind: Option<String>,
    pub interval: Option<RawDuration>,
    pub min_workers: Option<i64>,
    pub max_workers: Option<i64>,
    pub scale_up_queue_fill: Option<f64>,
    pub scale_up_queue_len: Option<i64>,
    pub scale_up_step: Option<i64>,
    pub scale_up_cooldown: Option<RawDuration>,
    pub scale_down_utilization: Option<f64>,
    pub scale_down_step: Option<i64>,
    pub scale_down_cooldown: Option<RawDuration>,
    pub step: Option<String>,
    pub smoothing: Option<f64>,
    pub scale_up_wait_p99: Option<RawDuration>,
    pub scale_down_wait_mean: Option<RawDuration>,
    pub window: Option<i64>,
    pub target_utilization: Option<f64>,
    pub kp: Option<f64>,
    pub ki: Option<f64>,
    pub kd: Option<f64>,
    pub tolerance: Option<f64>,
    pub scale_down_stabilization: Option<RawDuration>,
    pub scale_up_pods: Option<i64>,
    pub scale_up_percent: Option<f64>,
    pub veto_error_rate: Option<f64>,
    pub grow_utilization: Option<f64>,
    pub grow_wait_p99: Option<RawDuration>,
    pub shrink_utilization: Option<f64>,
    pub shrink_wait_p99: Option<RawDuration>,
    #[serde(default)]
    pub prewarm: Vec<RawPrewarm>,
    pub prewarm_period: Option<RawDuration>,
    pub budget: Option<i64>,
    pub reclaim: Option<bool>,
    /// `kind = "script"`: the policy's Rhai code.
    pub code: Option<String>,
    /// ...or read from this file, relative to the scenario file (`code_file = "policy.rhai"`).
    pub code_file: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RawPrewarm {
    pub at: Option<RawDuration>,
    pub min_workers: Option<i64>,
}

/// A duration as written ("250ms"). A bare number is refused here, with a hint, because its unit
/// would be a guess.
#[derive(Debug, Clone, PartialEq)]
pub struct RawDuration(pub String);

impl<'de> Deserialize<'de> for RawDuration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DurationVisitor;
        impl Visitor<'_> for DurationVisitor {
            type Value = RawDuration;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a duration string such as \"250ms\" or \"5s\"")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawDuration, E> {
                Ok(RawDuration(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawDuration, E> {
                if v == 0 {
                    return Ok(RawDuration("0".into()));
                }
                Err(E::custom(format!(
                    "a duration needs a unit: write \"{v}s\" or \"{v}ms\", not {v}"
                )))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawDuration, E> {
                self.visit_i64(v.min(i64::MAX as u64) as i64)
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawDuration, E> {
                Err(E::custom(format!(
                    "a duration needs a unit: write \"{v}s\" or \"{v}ms\", not {v}"
                )))
            }
        }
        deserializer.deserialize_any(DurationVisitor)
    }
}
