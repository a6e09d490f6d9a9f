//! Validation of the policy tables: `[rate_limit]`, `[limiter]` and `[autoscaler]`.

use super::Checker;
use crate::policy::autoscale::{
    HpaConfig, PidConfig, QueueDepthConfig, StepPolicy, WaitTimeConfig,
};
use crate::policy::breaker::BreakerConfig;
use crate::scenario::config::{
    AutoscalerConfig, Jitter, LimiterConfig, QueueConfig, RateLimitConfig, RetryConfig,
};
use crate::scenario::raw::{
    RawAutoscaler, RawBreaker, RawDuration, RawLimiter, RawRateLimit, RawRetry,
};
use crate::time::SimDuration;

pub(super) fn rate_limit(c: &mut Checker, raw: &RawRateLimit) -> Option<RateLimitConfig> {
    if raw.rate.is_none() {
        c.error("rate_limit.rate", "is required: tokens per second");
    }
    let rate = c.rate("rate_limit.rate", raw.rate)?;
    if rate <= 0.0 {
        c.error(
            "rate_limit.rate",
            "must be above 0 (remove [rate_limit] for no limit)",
        );
        return None;
    }
    let burst = c.count(
        "rate_limit.burst",
        Some(raw.burst.unwrap_or(1)),
        1,
        1_000_000,
    )?;
    let mode = c.choice(
        "rate_limit.on_limit",
        raw.on_limit.as_deref(),
        &["reject", "delay"],
        "reject",
    )?;
    Some(RateLimitConfig {
        rate,
        burst: burst as u32,
        delay: mode == "delay",
        per_class: raw.per_class.unwrap_or(false),
    })
}

const LIMITERS: [&str; 4] = ["fixed", "aimd", "vegas", "gradient2"];

/// Reports fields given for a kind they do not apply to.
fn only_for(c: &mut Checker, table: &str, field: &str, present: bool, applies: bool, kinds: &str) {
    if present && !applies {
        c.error(
            &format!("{table}.{field}"),
            format!("applies only to kind = {kinds}"),
        );
    }
}

fn fraction_in(c: &mut Checker, path: &str, value: Option<f64>, default: f64) -> Option<f64> {
    let value = value.unwrap_or(default);
    if value > 0.0 && value <= 1.0 {
        Some(value)
    } else {
        c.error(path, format!("must be in (0, 1], got {value}"));
        None
    }
}

pub(super) fn limiter(c: &mut Checker, raw: &RawLimiter) -> Option<LimiterConfig> {
    let kind = match raw.kind.as_deref() {
        Some(kind) => c.choice("limiter.kind", Some(kind), &LIMITERS, "")?,
        None => {
            c.error(
                "limiter.kind",
                format!("is required; expected one of: {}", LIMITERS.join(", ")),
            );
            return None;
        }
    };
    only_for(
        c,
        "limiter",
        "backoff",
        raw.backoff.is_some(),
        kind == "aimd",
        "\"aimd\"",
    );
    only_for(
        c,
        "limiter",
        "timeout",
        raw.timeout.is_some(),
        kind == "aimd",
        "\"aimd\"",
    );
    only_for(
        c,
        "limiter",
        "long_window",
        raw.long_window.is_some(),
        kind == "gradient2",
        "\"gradient2\"",
    );
    only_for(
        c,
        "limiter",
        "smoothing",
        raw.smoothing.is_some(),
        matches!(kind, "vegas" | "gradient2"),
        "\"vegas\" or \"gradient2\"",
    );
    only_for(
        c,
        "limiter",
        "min_limit",
        raw.min_limit.is_some(),
        matches!(kind, "aimd" | "gradient2"),
        "\"aimd\" or \"gradient2\"",
    );
    only_for(
        c,
        "limiter",
        "max_limit",
        raw.max_limit.is_some(),
        kind != "fixed",
        "an adaptive kind",
    );
    let count = |c: &mut Checker, field: &str, value: Option<i64>, default: i64| {
        c.count(
            &format!("limiter.{field}"),
            Some(value.unwrap_or(default)),
            1,
            1_000_000,
        )
    };
    let config = match kind {
        "fixed" => {
            if raw.limit.is_none() {
                c.error(
                    "limiter.limit",
                    "is required for kind = \"fixed\": the most jobs in flight",
                );
            }
            LimiterConfig::Fixed(c.count("limiter.limit", raw.limit, 1, 1_000_000)?)
        }
        "aimd" => {
            let backoff = raw.backoff.unwrap_or(0.9);
            if !(0.5..1.0).contains(&backoff) {
                c.error(
                    "limiter.backoff",
                    format!("must be in [0.5, 1), got {backoff}"),
                );
            }
            LimiterConfig::Aimd {
                initial: count(c, "limit", raw.limit, 20)?,
                min: count(c, "min_limit", raw.min_limit, 20)?,
                max: count(c, "max_limit", raw.max_limit, 200)?,
                backoff,
                timeout: c
                    .duration("limiter.timeout", &raw.timeout)
                    .unwrap_or(SimDuration::from_secs(5)),
            }
        }
        "vegas" => LimiterConfig::Vegas {
            initial: count(c, "limit", raw.limit, 20)?,
            max: count(c, "max_limit", raw.max_limit, 1000)?,
            smoothing: fraction_in(c, "limiter.smoothing", raw.smoothing, 1.0)?,
        },
        _ => LimiterConfig::Gradient2 {
            initial: count(c, "limit", raw.limit, 20)?,
            min: count(c, "min_limit", raw.min_limit, 20)?,
            max: count(c, "max_limit", raw.max_limit, 200)?,
            smoothing: fraction_in(c, "limiter.smoothing", raw.smoothing, 0.2)?,
            long_window: count(c, "long_window", raw.long_window, 600)?,
        },
    };
    let (min, max) = match &config {
        LimiterConfig::Aimd { min, max, .. } | LimiterConfig::Gradient2 { min, max, .. } => {
            (*min, *max)
        }
        _ => (1, usize::MAX),
    };
    if min > max {
        c.error(
            "limiter.max_limit",
            format!("must be at least min_limit ({min})"),
        );
        return None;
    }
    Some(config)
}

const AUTOSCALERS: [&str; 5] = ["queue-depth", "wait-time", "pid", "hpa", "multi-signal"];

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
    let (default_min, default_max) = if kind == "hpa" { (1, 100) } else { (2, 32) };
    let min_workers = c.count(
        "autoscaler.min_workers",
        Some(raw.min_workers.unwrap_or(default_min)),
        1,
        100_000,
    )?;
    let max_workers = c.count(
        "autoscaler.max_workers",
        Some(raw.max_workers.unwrap_or(default_max)),
        1,
        100_000,
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
                    100_000,
                )?,
                down: c.count(
                    "autoscaler.scale_down_step",
                    Some(raw.scale_down_step.unwrap_or(down_default)),
                    1,
                    100_000,
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
                    100_000,
                )?,
                scale_up_percent: percent,
            })
        }
    })
}

pub(super) fn breaker(c: &mut Checker, raw: &RawBreaker) -> Option<BreakerConfig> {
    let defaults = BreakerConfig::default();
    let percent = |c: &mut Checker, name: &str, value: Option<f64>, default: f64| {
        let value = value.unwrap_or(default);
        if !(value > 0.0 && value <= 100.0) {
            c.error(
                &format!("breaker.{name}"),
                format!("must be a percentage in (0, 100], got {value}"),
            );
        }
        value
    };
    let count = |c: &mut Checker, name: &str, value: Option<i64>, default: usize| {
        c.count(
            &format!("breaker.{name}"),
            Some(value.unwrap_or(default as i64)),
            1,
            1_000_000,
        )
    };
    let window = c.choice(
        "breaker.window",
        raw.window.as_deref(),
        &["count", "time"],
        "count",
    )?;
    Some(BreakerConfig {
        failure_rate_threshold: percent(
            c,
            "failure_rate_threshold",
            raw.failure_rate_threshold,
            defaults.failure_rate_threshold,
        ),
        slow_call_rate_threshold: percent(
            c,
            "slow_call_rate_threshold",
            raw.slow_call_rate_threshold,
            defaults.slow_call_rate_threshold,
        ),
        slow_call_duration: c
            .duration("breaker.slow_call_duration", &raw.slow_call_duration)
            .unwrap_or(defaults.slow_call_duration),
        time_based: window == "time",
        window_size: count(c, "window_size", raw.window_size, defaults.window_size)?,
        minimum_calls: count(
            c,
            "minimum_calls",
            raw.minimum_calls,
            defaults.minimum_calls,
        )?,
        wait_in_open: c
            .duration("breaker.wait_in_open", &raw.wait_in_open)
            .unwrap_or(defaults.wait_in_open),
        permitted_in_half_open: count(
            c,
            "permitted_in_half_open",
            raw.permitted_in_half_open,
            defaults.permitted_in_half_open,
        )?,
    })
}

pub(super) fn retry(c: &mut Checker, raw: &RawRetry) -> Option<RetryConfig> {
    let max_attempts = c.count(
        "retry.max_attempts",
        Some(raw.max_attempts.unwrap_or(3)),
        1,
        100,
    )?;
    let backoff = c
        .duration("retry.backoff", &raw.backoff)
        .unwrap_or(SimDuration::from_millis(100));
    let multiplier = raw.multiplier.unwrap_or(2.0);
    if !(multiplier.is_finite() && multiplier >= 1.0) {
        c.error("retry.multiplier", format!("must be ≥ 1, got {multiplier}"));
        return None;
    }
    let max_backoff = c
        .duration("retry.max_backoff", &raw.max_backoff)
        .unwrap_or(SimDuration::from_secs(10));
    let jitter = match c.choice(
        "retry.jitter",
        raw.jitter.as_deref(),
        &["full", "equal", "none"],
        "full",
    )? {
        "none" => Jitter::None,
        "equal" => Jitter::Equal,
        _ => Jitter::Full,
    };
    let budget = match raw.budget {
        Some(budget) if !(budget.is_finite() && budget > 0.0) => {
            c.error(
                "retry.budget",
                format!("must be > 0 (retry tokens earned per request), got {budget}"),
            );
            return None;
        }
        other => other,
    };
    Some(RetryConfig {
        max_attempts: max_attempts as u32,
        backoff,
        multiplier,
        max_backoff,
        jitter,
        budget,
    })
}
