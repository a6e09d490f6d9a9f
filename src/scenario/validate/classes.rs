//! Validation of `[[classes]]`: names, weights, priorities, and each class's own service,
//! deadline, arrivals and bulkhead.

use super::arrivals::open_process;
use super::distribution::distribution;
use super::sizes::name_problem;
use super::Checker;
use crate::dist::Distribution;
use crate::scenario::config::ClassConfig;
use crate::scenario::limits::MAX_WORKERS_PER_POOL;
use crate::scenario::raw::RawScenario;
use std::borrow::Cow;
use std::collections::HashSet;

pub(super) fn classes(
    c: &mut Checker,
    raw: &RawScenario,
    default_service: Option<&Distribution>,
) -> Option<Vec<ClassConfig>> {
    let default_deadline = raw
        .deadline
        .as_ref()
        .and_then(|d| c.positive_duration("deadline.timeout", &d.timeout));
    if raw.classes.is_empty() {
        return Some(vec![ClassConfig {
            name: "default".into(),
            weight: 1.0,
            priority: 0,
            service: default_service?.clone(),
            deadline: default_deadline,
            arrivals: None,
            max_in_flight: None,
            workers: None,
        }]);
    }
    let closed = matches!(
        raw.arrivals.as_ref().and_then(|a| a.process.as_deref()),
        Some("closed")
    );
    let mut classes = Vec::with_capacity(raw.classes.len());
    let mut shared_weight = 0.0;
    // Names seen so far: one look-up per class, borrowed unless the name is a default.
    let mut seen: HashSet<Cow<'_, str>> = HashSet::with_capacity(raw.classes.len());
    for (i, class) in raw.classes.iter().enumerate() {
        let path = format!("classes[{i}]");
        let name: Cow<'_, str> = match &class.name {
            Some(name) => Cow::Borrowed(name),
            None => Cow::Owned(format!("class{i}")),
        };
        if let Some(problem) = class.name.as_deref().and_then(name_problem) {
            c.error(&format!("{path}.name"), problem);
        } else if !seen.insert(name.clone()) {
            c.error(
                &format!("{path}.name"),
                format!("duplicate class name {name:?}"),
            );
        }
        let name = name.into_owned();
        let weight = class.weight.unwrap_or(1.0);
        if !(weight.is_finite() && weight >= 0.0) {
            c.error(
                &format!("{path}.weight"),
                format!("must be ≥ 0, got {weight}"),
            );
        }
        let priority = c.count(
            &format!("{path}.priority"),
            Some(class.priority.unwrap_or(0)),
            0,
            255,
        );
        let service = match &class.service {
            Some(service) => distribution(c, &format!("{path}.service"), service),
            None => default_service.cloned(),
        };
        let deadline = match &class.deadline {
            Some(_) => c.positive_duration(&format!("{path}.deadline"), &class.deadline),
            None => default_deadline,
        };
        let arrivals = match &class.arrivals {
            Some(arrivals) if closed => {
                let _ = arrivals;
                c.error(
                    &format!("{path}.arrivals"),
                    "classes cannot bring their own arrivals in a closed-loop scenario",
                );
                None
            }
            Some(arrivals) => open_process(c, &format!("{path}.arrivals"), arrivals).map(Some),
            None => {
                shared_weight += weight;
                Some(None)
            }
        };
        let max_in_flight = match class.max_in_flight {
            Some(_) => c
                .count(
                    &format!("{path}.max_in_flight"),
                    class.max_in_flight,
                    1,
                    1_000_000,
                )
                .map(Some),
            None => Some(None),
        };
        let workers = match class.workers {
            Some(_) => c
                .count(
                    &format!("{path}.workers"),
                    class.workers,
                    1,
                    MAX_WORKERS_PER_POOL,
                )
                .map(Some),
            None => Some(None),
        };
        if let (Some(priority), Some(service), Some(arrivals), Some(max_in_flight), Some(workers)) =
            (priority, service, arrivals, max_in_flight, workers)
        {
            classes.push(ClassConfig {
                name,
                weight,
                priority: priority as u8,
                service,
                deadline,
                arrivals,
                max_in_flight,
                workers,
            });
        }
    }
    let shares_arrivals = raw.classes.iter().any(|class| class.arrivals.is_none());
    if shares_arrivals && shared_weight <= 0.0 {
        c.error("classes", "the weights of classes sharing [arrivals] add up to zero; give at least one a positive weight");
    }
    (classes.len() == raw.classes.len()).then_some(classes)
}
