//! Each autoscaler kind's own fields, read once the shared ones (interval, bounds, smoothing,
//! target) are known.

use super::super::policies::fraction_in;
use super::super::Checker;
use crate::policy::autoscale::{
    HpaConfig, MultiSignalConfig, PidConfig, QueueDepthConfig, StepPolicy, WaitTimeConfig,
};
use crate::scenario::config::{AutoscalerConfig, QueueConfig};
use crate::scenario::limits::MAX_WORKERS_PER_POOL;
use crate::scenario::raw::{RawAutoscaler, RawDuration};
use crate::time::SimDuration;

/// What every kind shares, already checked. `smoothing` and `target_utilization` are read for
/// every kind (a bad value is reported even where the field does not apply).
#[derive(Clone, Copy)]
pub(super) struct Common {
    pub interval: SimDuration,
    pub min_workers: usize,
    pub max_workers: usize,
    pub smoothing: Option<f64>,
    pub target_utilization: Option<f64>,
}

pub(super) fn duration_or(
    c: &mut Checker,
    name: &str,
    value: &Option<RawDuration>,
    default: SimDuration,
) -> SimDuration {
    c.duration(&format!("autoscaler.{name}"), value)
        .unwrap_or(default)
}

fn step_policy(
    c: &mut Checker,
    raw: &RawAutoscaler,
    up_default: i64,
    down_default: i64,
) -> Option<StepPolicy> {
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
}

pub(super) fn queue_depth(
    c: &mut Checker,
    raw: &RawAutoscaler,
    common: Common,
    queue: Option<&QueueConfig>,
) -> Option<AutoscalerConfig> {
    let defaults = QueueDepthConfig::default();
    let scale_up_queue_len = raw
        .scale_up_queue_len
        .and_then(|len| c.count("autoscaler.scale_up_queue_len", Some(len), 0, i64::MAX));
    if queue.is_some_and(|q| q.capacity.is_none()) && scale_up_queue_len.is_none() {
        c.error("autoscaler.scale_up_queue_len", "an unbounded queue has no fill fraction: set scale_up_queue_len (grow when more jobs than this wait)");
    }
    Some(AutoscalerConfig::QueueDepth(QueueDepthConfig {
        interval: common.interval,
        min_workers: common.min_workers,
        max_workers: common.max_workers,
        scale_up_queue_fill: c.fraction(
            "autoscaler.scale_up_queue_fill",
            raw.scale_up_queue_fill,
            defaults.scale_up_queue_fill,
        ),
        scale_up_queue_len,
        steps: step_policy(c, raw, 2, 1)?,
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
        smoothing: common.smoothing,
    }))
}

pub(super) fn wait_time(
    c: &mut Checker,
    raw: &RawAutoscaler,
    common: Common,
) -> Option<AutoscalerConfig> {
    let defaults = WaitTimeConfig::default();
    Some(AutoscalerConfig::WaitTime(WaitTimeConfig {
        interval: common.interval,
        min_workers: common.min_workers,
        max_workers: common.max_workers,
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
        steps: step_policy(c, raw, 2, 1)?,
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
        smoothing: common.smoothing,
    }))
}

pub(super) fn multi_signal(
    c: &mut Checker,
    raw: &RawAutoscaler,
    common: Common,
) -> Option<AutoscalerConfig> {
    let defaults = MultiSignalConfig::default();
    let fraction = |c: &mut Checker, name: &str, value: Option<f64>, default: f64| {
        fraction_in(c, &format!("autoscaler.{name}"), value, default)
    };
    Some(AutoscalerConfig::MultiSignal(MultiSignalConfig {
        interval: common.interval,
        min_workers: common.min_workers,
        max_workers: common.max_workers,
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
        steps: step_policy(c, raw, 2, 1)?,
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
    }))
}

pub(super) fn pid(
    c: &mut Checker,
    raw: &RawAutoscaler,
    common: Common,
) -> Option<AutoscalerConfig> {
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
    Some(AutoscalerConfig::Pid(PidConfig {
        interval: common.interval,
        min_workers: common.min_workers,
        max_workers: common.max_workers,
        target_utilization: common.target_utilization?,
        kp: gain(c, "kp", raw.kp, defaults.kp),
        ki: gain(c, "ki", raw.ki, defaults.ki),
        kd: gain(c, "kd", raw.kd, defaults.kd),
    }))
}

pub(super) fn hpa(
    c: &mut Checker,
    raw: &RawAutoscaler,
    common: Common,
) -> Option<AutoscalerConfig> {
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
    Some(AutoscalerConfig::Hpa(HpaConfig {
        interval: common.interval,
        min_workers: common.min_workers,
        max_workers: common.max_workers,
        target_utilization: common.target_utilization?,
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
    }))
}
