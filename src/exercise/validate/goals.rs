//! Goal validation: a metric that exists in the run summary and exactly one comparison.

use super::Problems;
use crate::exercise::raw::RawGoal;
use crate::exercise::{Comparator, Goal};
use crate::time::SimDuration;

/// `probe`: a summary of this exercise's scenario shape (its classes and alerts), to check that
/// a goal's metric exists.
/// `at`: the goal's own path in the file (`goals[2]`, `questions[0].proof[1].goals[0]`).
pub(super) fn goal(
    p: &mut Problems,
    at: &str,
    raw: &RawGoal,
    probe: &serde_json::Value,
) -> Option<Goal> {
    let here = |field: &str| format!("{at}.{field}");
    let metric = p.required(&here("metric"), &raw.metric).to_string();
    if !metric.is_empty() && crate::report::summary::lookup_number(probe, &metric).is_none() {
        p.add(here("metric"), format!("{metric:?} is not a field of the run summary (e.g. latency.p99, wait.mean, rejected_ratio, throughput, utilization, classes.<name>.latency.p99; see docs/reference.md)"));
    }
    let comparisons = [
        (Comparator::Below, "below", &raw.below),
        (Comparator::Above, "above", &raw.above),
        (Comparator::AtMost, "at_most", &raw.at_most),
        (Comparator::AtLeast, "at_least", &raw.at_least),
    ];
    let given: Vec<_> = comparisons
        .iter()
        .filter(|(_, _, value)| value.is_some())
        .collect();
    let [(comparator, field, Some(value))] = given.as_slice() else {
        p.add(
            here("metric"),
            "give exactly one of below, above, at_most, at_least",
        );
        return None;
    };
    let (target, is_duration) = match value {
        toml::Value::Integer(n) => (*n as f64, false),
        toml::Value::Float(x) if x.is_finite() => (*x, false),
        toml::Value::String(s) => match s.parse::<SimDuration>() {
            Ok(d) => (d.as_secs_f64(), true),
            Err(e) => {
                p.add(here(field), e.to_string());
                return None;
            }
        },
        _ => {
            p.add(here(field), "must be a number or a duration like \"200ms\"");
            return None;
        }
    };
    Some(Goal {
        metric,
        comparator: *comparator,
        target,
        is_duration,
        label: raw.label.clone(),
    })
}
