//! Validation of injected trouble: the downstream dependency with its incidents, and chaos.

use super::distribution::distribution;
use super::Checker;
use crate::dist::Distribution;
use crate::scenario::config::*;
use crate::scenario::limits::{readable, MAX_SLOWDOWN};
use crate::scenario::raw::{RawChaos, RawDownstream};

fn too_slow(factor: f64) -> String {
    format!("must be at most {MAX_SLOWDOWN:.0e} (a job that much slower is already a hang; past it the simulated clock would overflow and latencies read 0), got {}", readable(factor))
}

/// Validates `[chaos]`: panics, slow tasks and a slow leak.
pub(super) fn chaos(c: &mut Checker, raw: &RawChaos) -> Option<ChaosConfig> {
    let probability = |c: &mut Checker, path: &str, value: Option<f64>| {
        let value = value.unwrap_or(0.0);
        if (0.0..=1.0).contains(&value) {
            Some(value)
        } else {
            c.error(
                path,
                format!("must be a probability between 0 and 1, got {value}"),
            );
            None
        }
    };
    let panic_rate = probability(c, "chaos.panic_rate", raw.panic_rate);
    let slow_rate = probability(c, "chaos.slow_rate", raw.slow_rate);
    let slow_factor = raw.slow_factor.unwrap_or(5.0);
    if !(slow_factor.is_finite() && slow_factor >= 1.0) {
        c.error(
            "chaos.slow_factor",
            format!("must be ≥ 1, got {slow_factor}"),
        );
    } else if slow_factor > MAX_SLOWDOWN {
        c.error("chaos.slow_factor", too_slow(slow_factor));
    }
    let drift_per_hour = raw.drift_per_hour.unwrap_or(0.0);
    if !(drift_per_hour.is_finite() && drift_per_hour >= 0.0) {
        c.error(
            "chaos.drift_per_hour",
            format!("must be ≥ 0, got {drift_per_hour}"),
        );
    }
    Some(ChaosConfig {
        panic_rate: panic_rate?,
        restart: c
            .duration("chaos.restart", &raw.restart)
            .unwrap_or_default(),
        slow_rate: slow_rate?,
        slow_factor,
        drift_per_hour,
    })
}

/// Validates `[downstream]`: the dependency's latency, error rate, incidents and concurrency
/// limit.
pub(super) fn downstream(c: &mut Checker, raw: &RawDownstream) -> Option<DownstreamConfig> {
    let latency = match &raw.latency {
        Some(latency) => distribution(c, "downstream.latency", latency),
        None => Some(Distribution::constant(0.0)),
    };
    let probability = |c: &mut Checker, path: &str, value: Option<f64>| match value {
        Some(p) if (0.0..=1.0).contains(&p) => Some(p),
        Some(p) => {
            c.error(
                path,
                format!("must be a probability between 0 and 1, got {p}"),
            );
            None
        }
        None => Some(0.0),
    };
    let error_rate = probability(c, "downstream.error_rate", raw.error_rate);
    let mut incidents = Vec::new();
    for (i, incident) in raw.incidents.iter().enumerate() {
        let path = format!("downstream.incidents[{i}]");
        let from = c.required_duration(&format!("{path}.from"), &incident.from);
        let to = c.required_duration(&format!("{path}.to"), &incident.to);
        let slowdown = incident.slowdown.unwrap_or(1.0);
        if !(slowdown.is_finite() && slowdown > 0.0) {
            c.error(
                &format!("{path}.slowdown"),
                format!("must be a factor > 0, got {slowdown}"),
            );
        } else if slowdown > MAX_SLOWDOWN {
            c.error(&format!("{path}.slowdown"), too_slow(slowdown));
        }
        let error_rate = match incident.error_rate {
            Some(_) => probability(c, &format!("{path}.error_rate"), incident.error_rate),
            None => None,
        };
        if let (Some(from), Some(to)) = (from, to) {
            if from >= to {
                c.error(
                    &format!("{path}.to"),
                    format!("must be after from ({from})"),
                );
            }
            incidents.push(Incident {
                from,
                to,
                slowdown,
                error_rate,
            });
        }
    }
    let max_in_flight = match raw.max_in_flight {
        Some(_) => c
            .count("downstream.max_in_flight", raw.max_in_flight, 1, 1_000_000)
            .map(Some),
        None => Some(None),
    };
    Some(DownstreamConfig {
        latency: latency?,
        error_rate: error_rate?,
        incidents,
        max_in_flight: max_in_flight?,
    })
}
