//! The size checks that come first: how many classes, stages, alerts, segments, incidents,
//! prewarm steps and mixture components a file lists, and the names that become metric paths.
//! A list past its limit stops validation before any config proportional to it is built.

use super::Checker;
use crate::scenario::error::ErrorKind;
use crate::scenario::limits::*;
use crate::scenario::raw::{RawArrivals, RawDistribution, RawScenario};

/// Counts every list of the file against its limit; the error sits on the first entry past it.
/// True when all are within their limits.
pub(super) fn within_limits(c: &mut Checker, raw: &RawScenario) -> bool {
    let before = c.error_count();
    let list = |c: &mut Checker, path: &str, count: usize, limit: usize, what: &str| {
        if count > limit {
            c.error_of(
                ErrorKind::TooLarge,
                &format!("{path}[{limit}]"),
                too_many(count, limit, what) + "; the limits are listed in docs/reference.md",
            );
        }
    };
    list(c, "classes", raw.classes.len(), MAX_CLASSES, "classes");
    list(c, "stages", raw.stages.len(), MAX_STAGES, "stages");
    list(c, "alerts", raw.alerts.len(), MAX_ALERTS, "alerts");
    if let Some(downstream) = &raw.downstream {
        list(
            c,
            "downstream.incidents",
            downstream.incidents.len(),
            MAX_INCIDENTS,
            "incidents",
        );
    }
    if let Some(autoscaler) = &raw.autoscaler {
        list(
            c,
            "autoscaler.prewarm",
            autoscaler.prewarm.len(),
            MAX_PREWARM_STEPS,
            "prewarm steps",
        );
    }
    let segments = |c: &mut Checker, path: &str, arrivals: &Option<RawArrivals>| {
        if let Some(segments) = arrivals.as_ref().and_then(|a| a.segments.as_ref()) {
            if segments.len() > MAX_RATE_SEGMENTS {
                c.error(
                    &format!("{path}.segments[{MAX_RATE_SEGMENTS}]"),
                    too_many(segments.len(), MAX_RATE_SEGMENTS, "rate segments"),
                );
            }
        }
    };
    let components = |c: &mut Checker, path: &str, distribution: Option<&RawDistribution>| {
        let listed = distribution.and_then(|d| d.components.as_ref());
        if let Some(listed) = listed.filter(|listed| listed.len() > MAX_MIXTURE_COMPONENTS) {
            c.error(
                &format!("{path}.components[{MAX_MIXTURE_COMPONENTS}]"),
                too_many(listed.len(), MAX_MIXTURE_COMPONENTS, "mixture components"),
            );
        }
    };
    segments(c, "arrivals", &raw.arrivals);
    components(c, "service", raw.service.as_ref());
    components(
        c,
        "arrivals.think",
        raw.arrivals.as_ref().and_then(|a| a.think.as_ref()),
    );
    components(
        c,
        "downstream.latency",
        raw.downstream.as_ref().and_then(|d| d.latency.as_ref()),
    );
    for (i, class) in raw.classes.iter().enumerate().take(MAX_CLASSES) {
        segments(c, &format!("classes[{i}].arrivals"), &class.arrivals);
        components(c, &format!("classes[{i}].service"), class.service.as_ref());
    }
    for (i, stage) in raw.stages.iter().enumerate().take(MAX_STAGES) {
        components(c, &format!("stages[{i}].service"), stage.service.as_ref());
    }
    c.error_count() == before
}

/// Why a class, stage or alert name cannot be used, if it cannot: it becomes a segment of metric
/// paths (`classes.NAME.latency.p99`) and is printed to terminals.
pub(super) fn name_problem(name: &str) -> Option<String> {
    if name.trim().is_empty() {
        return Some("must not be empty: it names the metrics (classes.NAME.latency.p99)".into());
    }
    let chars = name.chars().count();
    if chars > MAX_NAME_CHARS {
        return Some(format!(
            "has {chars} characters, more than the limit of {MAX_NAME_CHARS}"
        ));
    }
    if name.contains('.') {
        return Some(format!(
            "{name:?} contains '.', which separates the parts of a metric path (classes.NAME.latency.p99): choose a name without it"
        ));
    }
    control_character(name)
}

/// Why a text that is printed to terminals cannot be, if it cannot: a control character
/// (ESC starts terminal escape sequences, BEL rings).
pub(super) fn control_character(text: &str) -> Option<String> {
    text.chars().find(|c| c.is_control()).map(|c| {
        format!(
            "contains the control character U+{:04X}, which would be written raw to terminals",
            c as u32
        )
    })
}
