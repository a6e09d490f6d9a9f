//! Validation of `[autoscaler]`: the kind, its own fields, and the prewarm floor.

use super::policies::{fraction_in, only_for};
use super::Checker;
use crate::scenario::config::{AutoscalerConfig, Prewarm, QueueConfig, ScriptAutoscalerConfig};
use crate::scenario::limits::MAX_WORKERS_PER_POOL;
use crate::scenario::raw::RawAutoscaler;
use crate::time::SimDuration;

mod kinds;

const AUTOSCALERS: [&str; 6] = [
    "queue-depth",
    "wait-time",
    "pid",
    "hpa",
    "multi-signal",
    "script",
];

pub(super) fn autoscaler(
    c: &mut Checker,
    raw: &RawAutoscaler,
    workers: Option<usize>,
    queue: Option<&QueueConfig>,
) -> Option<AutoscalerConfig> {
    let kind = c.choice(
        "autoscaler.kind",
        Some(raw.kind.as_deref().unwrap_or("queue-depth")),
        &AUTOSCALERS,
        "",
    )?;
    fields_of_other_kinds(c, raw, kind);
    let default_interval = if kind == "hpa" {
        SimDuration::from_secs(15)
    } else {
        SimDuration::from_millis(500)
    };
    let interval = kinds::duration_or(c, "interval", &raw.interval, default_interval);
    if interval.is_zero() {
        c.error("autoscaler.interval", "must be longer than zero");
    }
    let code = super::script::code(
        c,
        "autoscaler",
        super::script::ScriptHook::Autoscaler,
        kind == "script",
        raw.code.as_deref(),
        raw.code_file.as_deref(),
    );
    let (min_workers, max_workers) = bounds(c, raw, kind, workers)?;
    let smoothing = match raw.smoothing {
        Some(alpha) => Some(fraction_in(c, "autoscaler.smoothing", Some(alpha), 1.0)?),
        None => None,
    };
    let target_utilization = fraction_in(
        c,
        "autoscaler.target_utilization",
        raw.target_utilization,
        0.7,
    );
    let common = kinds::Common {
        interval,
        min_workers,
        max_workers,
        smoothing,
        target_utilization,
    };
    match kind {
        "queue-depth" => kinds::queue_depth(c, raw, common, queue),
        "wait-time" => kinds::wait_time(c, raw, common),
        "multi-signal" => kinds::multi_signal(c, raw, common),
        "script" => Some(AutoscalerConfig::Script(ScriptAutoscalerConfig {
            interval,
            min_workers,
            max_workers,
            code: code?,
        })),
        "pid" => kinds::pid(c, raw, common),
        _ => kinds::hpa(c, raw, common),
    }
}

/// `min_workers` and `max_workers` (each kind has its own defaults), and the starting size
/// within them.
fn bounds(
    c: &mut Checker,
    raw: &RawAutoscaler,
    kind: &str,
    workers: Option<usize>,
) -> Option<(usize, usize)> {
    let (default_min, default_max) = match kind {
        "hpa" => (1, 100),
        "script" => (1, 32),
        _ => (2, 32),
    };
    let min_workers = c.count(
        "autoscaler.min_workers",
        Some(raw.min_workers.unwrap_or(default_min)),
        1,
        MAX_WORKERS_PER_POOL,
    )?;
    let max_workers = c.count(
        "autoscaler.max_workers",
        Some(raw.max_workers.unwrap_or(default_max)),
        1,
        MAX_WORKERS_PER_POOL,
    )?;
    if min_workers > max_workers {
        c.error(
            "autoscaler.max_workers",
            format!("must be at least min_workers ({min_workers})"),
        );
    }
    if let Some(workers) = workers {
        if workers < min_workers || workers > max_workers {
            c.error("pool.workers", format!("the starting size must lie within the autoscaler's [{min_workers}, {max_workers}]"));
        }
    }
    Some((min_workers, max_workers))
}

/// Each kind's own fields, and the kinds they apply to (in the order errors are reported).
/// A field's name, whether a table sets it, and the kinds it belongs to.
type KindField = (
    &'static str,
    fn(&RawAutoscaler) -> bool,
    &'static [&'static str],
);

const KIND_FIELDS: &[KindField] = &[
    (
        "scale_up_queue_fill",
        |r| r.scale_up_queue_fill.is_some(),
        &["queue-depth"],
    ),
    (
        "scale_up_queue_len",
        |r| r.scale_up_queue_len.is_some(),
        &["queue-depth"],
    ),
    (
        "scale_down_utilization",
        |r| r.scale_down_utilization.is_some(),
        &["queue-depth"],
    ),
    (
        "scale_up_wait_p99",
        |r| r.scale_up_wait_p99.is_some(),
        &["wait-time"],
    ),
    (
        "scale_down_wait_mean",
        |r| r.scale_down_wait_mean.is_some(),
        &["wait-time"],
    ),
    (
        "window",
        |r| r.window.is_some(),
        &["wait-time", "multi-signal"],
    ),
    (
        "veto_error_rate",
        |r| r.veto_error_rate.is_some(),
        &["multi-signal"],
    ),
    (
        "grow_utilization",
        |r| r.grow_utilization.is_some(),
        &["multi-signal"],
    ),
    (
        "grow_wait_p99",
        |r| r.grow_wait_p99.is_some(),
        &["multi-signal"],
    ),
    (
        "shrink_utilization",
        |r| r.shrink_utilization.is_some(),
        &["multi-signal"],
    ),
    (
        "shrink_wait_p99",
        |r| r.shrink_wait_p99.is_some(),
        &["multi-signal"],
    ),
    (
        "smoothing",
        |r| r.smoothing.is_some(),
        &["queue-depth", "wait-time"],
    ),
    ("scale_up_step", |r| r.scale_up_step.is_some(), STEPPED),
    ("scale_down_step", |r| r.scale_down_step.is_some(), STEPPED),
    (
        "scale_up_cooldown",
        |r| r.scale_up_cooldown.is_some(),
        STEPPED,
    ),
    (
        "scale_down_cooldown",
        |r| r.scale_down_cooldown.is_some(),
        STEPPED,
    ),
    ("step", |r| r.step.is_some(), STEPPED),
    (
        "target_utilization",
        |r| r.target_utilization.is_some(),
        &["pid", "hpa"],
    ),
    ("kp", |r| r.kp.is_some(), &["pid"]),
    ("ki", |r| r.ki.is_some(), &["pid"]),
    ("kd", |r| r.kd.is_some(), &["pid"]),
    ("tolerance", |r| r.tolerance.is_some(), &["hpa"]),
    (
        "scale_down_stabilization",
        |r| r.scale_down_stabilization.is_some(),
        &["hpa"],
    ),
    ("scale_up_pods", |r| r.scale_up_pods.is_some(), &["hpa"]),
    (
        "scale_up_percent",
        |r| r.scale_up_percent.is_some(),
        &["hpa"],
    ),
];

/// The kinds that grow and shrink in steps with cooldowns.
const STEPPED: &[&str] = &["queue-depth", "wait-time", "multi-signal"];

/// Refuses a field set for a kind it does not apply to ("applies only to kind = …").
fn fields_of_other_kinds(c: &mut Checker, raw: &RawAutoscaler, kind: &str) {
    for (name, present, kinds) in KIND_FIELDS {
        let quoted: Vec<String> = kinds.iter().map(|kind| format!("{kind:?}")).collect();
        let listed = match quoted.as_slice() {
            [only] => only.clone(),
            [init @ .., last] => format!("{} or {last}", init.join(", ")),
            [] => String::new(),
        };
        only_for(
            c,
            "autoscaler",
            name,
            present(raw),
            kinds.contains(&kind),
            &listed,
        );
    }
}

/// Validates `autoscaler.prewarm`: steps in time order, each a floor for the pool.
pub(super) fn prewarm(c: &mut Checker, raw: &RawAutoscaler) -> Prewarm {
    let mut steps: Vec<(SimDuration, usize)> = Vec::new();
    for (i, step) in raw.prewarm.iter().enumerate() {
        let path = format!("autoscaler.prewarm[{i}]");
        let at = c.required_duration(&format!("{path}.at"), &step.at);
        let workers = c.count(
            &format!("{path}.min_workers"),
            step.min_workers.or(Some(-1)),
            1,
            MAX_WORKERS_PER_POOL,
        );
        if let (Some(at), Some(workers)) = (at, workers) {
            if steps.last().is_some_and(|&(last, _)| at <= last) {
                c.error(
                    &format!("{path}.at"),
                    "prewarm steps must be in increasing time order",
                );
            }
            steps.push((at, workers));
        }
    }
    let period = c.duration("autoscaler.prewarm_period", &raw.prewarm_period);
    if period.is_some_and(|p| p.is_zero()) {
        c.error("autoscaler.prewarm_period", "must be longer than zero");
    }
    Prewarm { steps, period }
}
