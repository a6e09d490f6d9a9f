//! Validation of `[autoscaler]`: the kind, its own fields, and the prewarm floor.

use super::policies::{fraction_in, only_for};
use super::Checker;
use crate::policy::autoscale::{
    HpaConfig, PidConfig, QueueDepthConfig, StepPolicy, WaitTimeConfig,
};
use crate::scenario::config::{AutoscalerConfig, Prewarm, QueueConfig, ScriptAutoscalerConfig};
use crate::scenario::limits::MAX_WORKERS_PER_POOL;
use crate::scenario::raw::{RawAutoscaler, RawDuration};
use crate::time::SimDuration;

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
    let steps = matches!(kind, "queue-depth" | "wait-time" | "multi-signal");
    let target = matches!(kind, "pid" | "hpa");
    let field = |c: &mut Checker, name: &str, present: bool, applies: bool, kinds: &str| {
        only_for(c, "autoscaler", name, present, applies, kinds)
    };
    field(
        c,
        "scale_up_queue_fill",
        raw.scale_up_queue_fill.is_some(),
        kind == "queue-depth",
        "\"queue-depth\"",
    );
    field(
        c,
        "scale_up_queue_len",
        raw.scale_up_queue_len.is_some(),
        kind == "queue-depth",
        "\"queue-depth\"",
    );
    field(
        c,
        "scale_down_utilization",
        raw.scale_down_utilization.is_some(),
        kind == "queue-depth",
        "\"queue-depth\"",
    );
    field(
        c,
        "scale_up_wait_p99",
        raw.scale_up_wait_p99.is_some(),
        kind == "wait-time",
        "\"wait-time\"",
    );
    field(
        c,
        "scale_down_wait_mean",
        raw.scale_down_wait_mean.is_some(),
        kind == "wait-time",
        "\"wait-time\"",
    );
    field(
        c,
        "window",
        raw.window.is_some(),
        matches!(kind, "wait-time" | "multi-signal"),
        "\"wait-time\" or \"multi-signal\"",
    );
    for (name, present) in [
        ("veto_error_rate", raw.veto_error_rate.is_some()),
        ("grow_utilization", raw.grow_utilization.is_some()),
        ("grow_wait_p99", raw.grow_wait_p99.is_some()),
        ("shrink_utilization", raw.shrink_utilization.is_some()),
        ("shrink_wait_p99", raw.shrink_wait_p99.is_some()),
    ] {
        field(c, name, present, kind == "multi-signal", "\"multi-signal\"");
    }
    field(
        c,
        "smoothing",
        raw.smoothing.is_some(),
        matches!(kind, "queue-depth" | "wait-time"),
        "\"queue-depth\" or \"wait-time\"",
    );
    for (name, present) in [
        ("scale_up_step", raw.scale_up_step.is_some()),
        ("scale_down_step", raw.scale_down_step.is_some()),
        ("scale_up_cooldown", raw.scale_up_cooldown.is_some()),
        ("scale_down_cooldown", raw.scale_down_cooldown.is_some()),
        ("step", raw.step.is_some()),
    ] {
        field(
            c,
            name,
            present,
            steps,
            "\"queue-depth\", \"wait-time\" or \"multi-signal\"",
        );
    }
    field(
        c,
        "target_utilization",
        raw.target_utilization.is_some(),
        target,
        "\"pid\" or \"hpa\"",
    );
    for (name, present) in [
        ("kp", raw.kp.is_some()),
        ("ki", raw.ki.is_some()),
        ("kd", raw.kd.is_some()),
    ] {
        field(c, name, present, kind == "pid", "\"pid\"");
    }
    for (name, present) in [
        ("tolerance", raw.tolerance.is_some()),
        (
            "scale_down_stabilization",
            raw.scale_down_stabilization.is_some(),
        ),
        ("scale_up_pods", raw.scale_up_pods.is_some()),
        ("scale_up_percent", raw.scale_up_percent.is_some()),
    ] {
        field(c, name, present, kind == "hpa", "\"hpa\"");
    }

    let duration_or =
        |c: &mut Checker, name: &str, value: &Option<RawDuration>, default: SimDuration| {
            c.duration(&format!("autoscaler.{name}"), value)
                .unwrap_or(default)
        };
    let default_interval = if kind == "hpa" {
        SimDuration::from_secs(15)
    } else {
        SimDuration::from_millis(500)
    };
    let interval = duration_or(c, "interval", &raw.interval, default_interval);
    if interval.is_zero() {
        c.error("autoscaler.interval", "must be longer than zero");
    }
    let (default_min, default_max) = match kind {
        "hpa" => (1, 100),
        "script" => (1, 32),
        _ => (2, 32),
    };
    let code = super::script::code(
        c,
        "autoscaler",
        super::script::ScriptHook::Autoscaler,
        kind == "script",
        raw.code.as_deref(),
    );
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
    let step_policy = |c: &mut Checker, up_default: i64, down_default: i64| -> Option<StepPolicy> {
        match c.choice(
            "autoscaler.step",
            raw.step.as_deref(),
            &["fixed", "aimd"],
            "fixed",
        )? {
            "aimd" => Some(StepPolicy::Aimd),
            _ => Some(StepPolicy::Fixed {
                up: c.count(
                    "autoscaler.scale_up_step",
                    Some(raw.scale_up_step.unwrap_or(up_default)),
                    1,
                    MAX_WORKERS_PER_POOL,
                )?,
                down: c.count(
                    "autoscaler.scale_down_step",
                    Some(raw.scale_down_step.unwrap_or(down_default)),
                    1,
                    MAX_WORKERS_PER_POOL,
                )?,
            }),
        }
    };
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
    Some(match kind {
        "queue-depth" => {
            let defaults = QueueDepthConfig::default();
            let scale_up_queue_len = raw
                .scale_up_queue_len
                .and_then(|len| c.count("autoscaler.scale_up_queue_len", Some(len), 0, i64::MAX));
            if queue.is_some_and(|q| q.capacity.is_none()) && scale_up_queue_len.is_none() {
                c.error("autoscaler.scale_up_queue_len", "an unbounded queue has no fill fraction: set scale_up_queue_len (grow when more jobs than this wait)");
            }
            AutoscalerConfig::QueueDepth(QueueDepthConfig {
                interval,
                min_workers,
                max_workers,
                scale_up_queue_fill: c.fraction(
                    "autoscaler.scale_up_queue_fill",
                    raw.scale_up_queue_fill,
                    defaults.scale_up_queue_fill,
                ),
                scale_up_queue_len,
                steps: step_policy(c, 2, 1)?,
                scale_up_cooldown: duration_or(
                    c,
                    "scale_up_cooldown",
                    &raw.scale_up_cooldown,
                    defaults.scale_up_cooldown,
                ),
                scale_down_utilization: c.fraction(
                    "autoscaler.scale_down_utilization",
                    raw.scale_down_utilization,
                    defaults.scale_down_utilization,
                ),
                scale_down_cooldown: duration_or(
                    c,
                    "scale_down_cooldown",
                    &raw.scale_down_cooldown,
                    defaults.scale_down_cooldown,
                ),
                smoothing,
            })
        }
        "wait-time" => {
            let defaults = WaitTimeConfig::default();
            AutoscalerConfig::WaitTime(WaitTimeConfig {
                interval,
                min_workers,
                max_workers,
                scale_up_wait_p99: duration_or(
                    c,
                    "scale_up_wait_p99",
                    &raw.scale_up_wait_p99,
                    defaults.scale_up_wait_p99,
                ),
                scale_down_wait_mean: duration_or(
                    c,
                    "scale_down_wait_mean",
                    &raw.scale_down_wait_mean,
                    defaults.scale_down_wait_mean,
                ),
                window: c.count(
                    "autoscaler.window",
                    Some(raw.window.unwrap_or(1000)),
                    1,
                    1_000_000,
                )?,
                steps: step_policy(c, 2, 1)?,
                scale_up_cooldown: duration_or(
                    c,
                    "scale_up_cooldown",
                    &raw.scale_up_cooldown,
                    defaults.scale_up_cooldown,
                ),
                scale_down_cooldown: duration_or(
                    c,
                    "scale_down_cooldown",
                    &raw.scale_down_cooldown,
                    defaults.scale_down_cooldown,
                ),
                smoothing,
            })
        }
        "multi-signal" => {
            let defaults = crate::policy::autoscale::MultiSignalConfig::default();
            let fraction = |c: &mut Checker, name: &str, value: Option<f64>, default: f64| {
                fraction_in(c, &format!("autoscaler.{name}"), value, default)
            };
            AutoscalerConfig::MultiSignal(crate::policy::autoscale::MultiSignalConfig {
                interval,
                min_workers,
                max_workers,
                veto_error_rate: fraction(
                    c,
                    "veto_error_rate",
                    raw.veto_error_rate,
                    defaults.veto_error_rate,
                )?,
                grow_utilization: fraction(
                    c,
                    "grow_utilization",
                    raw.grow_utilization,
                    defaults.grow_utilization,
                )?,
                grow_wait_p99: duration_or(
                    c,
                    "grow_wait_p99",
                    &raw.grow_wait_p99,
                    defaults.grow_wait_p99,
                ),
                shrink_utilization: fraction(
                    c,
                    "shrink_utilization",
                    raw.shrink_utilization,
                    defaults.shrink_utilization,
                )?,
                shrink_wait_p99: duration_or(
                    c,
                    "shrink_wait_p99",
                    &raw.shrink_wait_p99,
                    defaults.shrink_wait_p99,
                ),
                window: c.count(
                    "autoscaler.window",
                    Some(raw.window.unwrap_or(1000)),
                    1,
                    1_000_000,
                )?,
                steps: step_policy(c, 2, 1)?,
                scale_up_cooldown: duration_or(
                    c,
                    "scale_up_cooldown",
                    &raw.scale_up_cooldown,
                    defaults.scale_up_cooldown,
                ),
                scale_down_cooldown: duration_or(
                    c,
                    "scale_down_cooldown",
                    &raw.scale_down_cooldown,
                    defaults.scale_down_cooldown,
                ),
            })
        }
        "script" => AutoscalerConfig::Script(ScriptAutoscalerConfig {
            interval,
            min_workers,
            max_workers,
            code: code?,
        }),
        "pid" => {
            let defaults = PidConfig::default();
            let gain = |c: &mut Checker, name: &str, value: Option<f64>, default: f64| {
                let value = value.unwrap_or(default);
                if !(value.is_finite() && value >= 0.0) {
                    c.error(
                        &format!("autoscaler.{name}"),
                        format!("must be a finite number ≥ 0, got {value}"),
                    );
                }
                value
            };
            AutoscalerConfig::Pid(PidConfig {
                interval,
                min_workers,
                max_workers,
                target_utilization: target_utilization?,
                kp: gain(c, "kp", raw.kp, defaults.kp),
                ki: gain(c, "ki", raw.ki, defaults.ki),
                kd: gain(c, "kd", raw.kd, defaults.kd),
            })
        }
        _ => {
            let defaults = HpaConfig::default();
            let tolerance = raw.tolerance.unwrap_or(defaults.tolerance);
            if !(0.0..1.0).contains(&tolerance) {
                c.error(
                    "autoscaler.tolerance",
                    format!("must be in [0, 1), got {tolerance}"),
                );
            }
            let percent = raw.scale_up_percent.unwrap_or(defaults.scale_up_percent);
            if !(percent.is_finite() && percent >= 0.0) {
                c.error(
                    "autoscaler.scale_up_percent",
                    format!("must be ≥ 0, got {percent}"),
                );
            }
            AutoscalerConfig::Hpa(HpaConfig {
                interval,
                min_workers,
                max_workers,
                target_utilization: target_utilization?,
                tolerance,
                scale_down_stabilization: duration_or(
                    c,
                    "scale_down_stabilization",
                    &raw.scale_down_stabilization,
                    defaults.scale_down_stabilization,
                ),
                scale_up_pods: c.count(
                    "autoscaler.scale_up_pods",
                    Some(raw.scale_up_pods.unwrap_or(4)),
                    0,
                    MAX_WORKERS_PER_POOL,
                )?,
                scale_up_percent: percent,
            })
        }
    })
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
