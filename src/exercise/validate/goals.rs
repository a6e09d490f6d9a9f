//! Goal validation: a metric that exists in the run summary and exactly one comparison.

use super::Problems;
use crate::exercise::raw::RawGoal;
use crate::exercise::{Comparator, Goal};
use crate::report::metric::Metric;
use crate::time::SimDuration;

/// `scenario`: the exercise's scenario, if it is valid, to check that the classes, alerts and
/// stages a goal's metric names exist.
/// `at`: the goal's own path in the file (`goals[2]`, `questions[0].proof[1].goals[0]`).
pub(super) fn goal(
    p: &mut Problems,
    at: &str,
    raw: &RawGoal,
    scenario: Option<&crate::scenario::Config>,
) -> Option<Goal> {
    let here = |field: &str| format!("{at}.{field}");
    let written = p.required(&here("metric"), &raw.metric).to_string();
    let metric = match Metric::parse(&written) {
        Ok(metric) => match scenario.map(|scenario| metric.check(scenario)) {
            Some(Err(missing)) => {
                p.add(here("metric"), missing.to_string());
                None
            }
            _ => Some(metric),
        },
        // A missing metric is reported as such already.
        Err(_) if written.is_empty() => None,
        Err(unknown) => {
            p.add(here("metric"), unknown.to_string());
            None
        }
    };
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
        metric: metric?,
        comparator: *comparator,
        target,
        is_duration,
        label: raw.label.clone(),
    })
}
