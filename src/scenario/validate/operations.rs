//! Validation of how the service is operated: `[shutdown]` and `[[alerts]]`.

use super::Checker;
use crate::scenario::config::{AlertConfig, AlertSignal, ShutdownConfig};
use crate::scenario::raw::{RawAlert, RawShutdown};
use crate::time::SimDuration;

pub(super) fn alerts(c: &mut Checker, raw: &[RawAlert]) -> Vec<AlertConfig> {
    let mut alerts: Vec<AlertConfig> = Vec::new();
    for (i, alert) in raw.iter().enumerate() {
        let here = |field: &str| format!("alerts[{i}].{field}");
        let name = alert.name.clone().unwrap_or_default();
        if name.trim().is_empty() {
            c.error(
                &here("name"),
                "is required: the alert's name, used in the summary (alerts.NAME.fired)",
            );
            continue;
        }
        if let Some(problem) = super::sizes::name_problem(&name) {
            c.error(&here("name"), problem);
            continue;
        }
        if alerts.iter().any(|other| other.name == name) {
            c.error(
                &here("name"),
                format!("\"{name}\" is used by an earlier alert"),
            );
            continue;
        }
        let signal = match c.choice(
            &here("signal"),
            alert.signal.as_deref(),
            &AlertSignal::NAMES,
            "queue_len",
        ) {
            Some("in_system") => AlertSignal::InSystem,
            Some("utilization") => AlertSignal::Utilization,
            Some(_) => AlertSignal::QueueLen,
            None => continue,
        };
        let Some(above) = alert.above else {
            c.error(
                &here("above"),
                "is required: the alert fires while the signal is above this",
            );
            continue;
        };
        if !above.is_finite() {
            c.error(
                &here("above"),
                format!("must be a finite number, got {above}"),
            );
            continue;
        }
        let hold = match &alert.hold {
            Some(_) => match c.duration(&here("for"), &alert.hold) {
                Some(hold) => hold,
                None => continue,
            },
            None => SimDuration::ZERO,
        };
        alerts.push(AlertConfig {
            name,
            signal,
            above,
            hold,
        });
    }
    alerts
}

pub(super) fn shutdown(
    c: &mut Checker,
    raw: &RawShutdown,
    duration: Option<SimDuration>,
    warmup: SimDuration,
) -> Option<ShutdownConfig> {
    if raw.at.is_none() {
        c.error(
            "shutdown.at",
            "is required: when the service stops taking requests (e.g. \"60s\")",
        );
        return None;
    }
    let at = c.duration("shutdown.at", &raw.at)?;
    let drain_timeout = match &raw.drain_timeout {
        Some(_) => c.duration("shutdown.drain_timeout", &raw.drain_timeout)?,
        None => SimDuration::from_secs(30),
    };
    if at <= warmup {
        c.error(
            "shutdown.at",
            format!("must come after the warm-up ({warmup}), got {at}"),
        );
        return None;
    }
    if let Some(duration) = duration.filter(|&duration| at >= duration) {
        c.error(
            "shutdown.at",
            format!("must come before run.duration ({duration}), got {at}"),
        );
        return None;
    }
    Some(ShutdownConfig { at, drain_timeout })
}
