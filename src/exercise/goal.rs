//! Goals: a summary metric compared with a target — checked on every run, live and at the end.

use crate::report::metric::Metric;
use crate::report::Summary;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparator {
    Below,
    Above,
    AtMost,
    AtLeast,
}

impl Comparator {
    pub fn symbol(self) -> &'static str {
        match self {
            Comparator::Below => "<",
            Comparator::Above => ">",
            Comparator::AtMost => "≤",
            Comparator::AtLeast => "≥",
        }
    }

    pub fn holds(self, actual: f64, target: f64) -> bool {
        match self {
            Comparator::Below => actual < target,
            Comparator::Above => actual > target,
            Comparator::AtMost => actual <= target,
            Comparator::AtLeast => actual >= target,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Goal {
    /// A field of the run summary, e.g. `latency.p99` or `classes.quiet.latency.p99`.
    pub metric: Metric,
    pub comparator: Comparator,
    /// In the metric's unit (seconds for times).
    pub target: f64,
    /// The target was written as a duration: show it as one.
    pub is_duration: bool,
    pub label: Option<String>,
}

/// How a goal fared on one summary.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GoalResult {
    pub passed: bool,
    /// NaN when the metric is missing (never happens for validated goals).
    pub actual: f64,
}

impl Goal {
    pub fn evaluate(&self, summary: &Summary) -> GoalResult {
        let actual = self.metric.read(summary).unwrap_or(f64::NAN);
        GoalResult {
            passed: self.comparator.holds(actual, self.target),
            actual,
        }
    }

    /// A measured value of the goal's metric, rounded as the page shows it (`0.43 s`, `401.6`).
    pub fn format_measured(&self, value: f64) -> String {
        if self.is_duration {
            crate::report::format::seconds(value)
        } else {
            crate::report::format::number(value)
        }
    }

    /// The target formatted like the goal was written: `200ms`, `0.01`.
    pub fn format_value(&self, value: f64) -> String {
        if self.is_duration {
            crate::time::SimDuration::from_secs_f64(value).to_string()
        } else if value.fract() == 0.0 && value.abs() < 1e12 {
            format!("{value:.0}")
        } else {
            format!("{value}")
        }
    }
}

impl fmt::Display for Goal {
    /// `p99 latency < 200ms`, or the goal's own label.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(label) = &self.label {
            return f.write_str(label);
        }
        write!(
            f,
            "{} {} {}",
            self.metric,
            self.comparator.symbol(),
            self.format_value(self.target)
        )
    }
}
