//! Validation of the admission and client policy tables: `[rate_limit]`, `[limiter]`,
//! `[breaker]`, `[retry]` and `[hedge]`.

use super::Checker;
use crate::policy::breaker::BreakerConfig;
use crate::scenario::config::{HedgeConfig, Jitter, LimiterConfig, RateLimitConfig, RetryConfig};
use crate::scenario::raw::{RawBreaker, RawHedge, RawLimiter, RawRateLimit, RawRetry};
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

const LIMITERS: [&str; 6] = ["fixed", "aimd", "vegas", "gradient2", "slo", "script"];

/// Reports fields given for a kind they do not apply to.
pub(super) fn only_for(
    c: &mut Checker,
    table: &str,
    field: &str,
    present: bool,
    applies: bool,
    kinds: &str,
) {
    if present && !applies {
        c.error(
            &format!("{table}.{field}"),
            format!("applies only to kind = {kinds}"),
        );
    }
}

pub(super) fn fraction_in(
    c: &mut Checker,
    path: &str,
    value: Option<f64>,
    default: f64,
) -> Option<f64> {
    let value = value.unwrap_or(default);
    if value > 0.0 && value <= 1.0 {
        Some(value)
    } else {
        c.error(path, format!("must be in (0, 1], got {value}"));
        None
    }
}

/// A `[limiter]` count field, or its default: from 1 to a million.
fn limiter_count(c: &mut Checker, field: &str, value: Option<i64>, default: i64) -> Option<usize> {
    c.count(
        &format!("limiter.{field}"),
        Some(value.unwrap_or(default)),
        1,
        1_000_000,
    )
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
        matches!(kind, "aimd" | "slo"),
        "\"aimd\" or \"slo\"",
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
        matches!(kind, "aimd" | "gradient2" | "slo" | "script"),
        "\"aimd\", \"gradient2\", \"slo\" or \"script\"",
    );
    for (field, present) in [
        ("target", raw.target.is_some()),
        ("percentile", raw.percentile.is_some()),
        ("window", raw.window.is_some()),
        ("headroom", raw.headroom.is_some()),
    ] {
        only_for(c, "limiter", field, present, kind == "slo", "\"slo\"");
    }
    only_for(
        c,
        "limiter",
        "max_limit",
        raw.max_limit.is_some(),
        kind != "fixed",
        "an adaptive kind",
    );
    let script_code = super::script::code(
        c,
        "limiter",
        super::script::ScriptHook::Limiter,
        kind == "script",
        raw.code.as_deref(),
    );
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
                initial: limiter_count(c, "limit", raw.limit, 20)?,
                min: limiter_count(c, "min_limit", raw.min_limit, 20)?,
                max: limiter_count(c, "max_limit", raw.max_limit, 200)?,
                backoff,
                timeout: c
                    .duration("limiter.timeout", &raw.timeout)
                    .unwrap_or(SimDuration::from_secs(5)),
            }
        }
        "vegas" => LimiterConfig::Vegas {
            initial: limiter_count(c, "limit", raw.limit, 20)?,
            max: limiter_count(c, "max_limit", raw.max_limit, 1000)?,
            smoothing: fraction_in(c, "limiter.smoothing", raw.smoothing, 1.0)?,
        },
        "slo" => slo_limiter(c, raw)?,
        "script" => LimiterConfig::Script {
            initial: limiter_count(c, "limit", raw.limit, 20)?,
            min: limiter_count(c, "min_limit", raw.min_limit, 1)?,
            max: limiter_count(c, "max_limit", raw.max_limit, 1000)?,
            code: script_code?,
        },
        _ => LimiterConfig::Gradient2 {
            initial: limiter_count(c, "limit", raw.limit, 20)?,
            min: limiter_count(c, "min_limit", raw.min_limit, 20)?,
            max: limiter_count(c, "max_limit", raw.max_limit, 200)?,
            smoothing: fraction_in(c, "limiter.smoothing", raw.smoothing, 0.2)?,
            long_window: limiter_count(c, "long_window", raw.long_window, 600)?,
        },
    };
    let (min, max) = match &config {
        LimiterConfig::Aimd { min, max, .. }
        | LimiterConfig::Gradient2 { min, max, .. }
        | LimiterConfig::Slo { min, max, .. }
        | LimiterConfig::Script { min, max, .. } => (*min, *max),
        _ => (1, usize::MAX),
    };
    if min > max {
        c.error(
            "limiter.max_limit",
            format!("must be at least min_limit ({min})"),
        );
        return None;
    }
    if let LimiterConfig::Script { initial, .. } = config {
        if !(min..=max).contains(&initial) {
            c.error(
                "limiter.limit",
                format!("must be between min_limit ({min}) and max_limit ({max}), got {initial}"),
            );
        }
    }
    Some(config)
}

/// `kind = "slo"`. Unlike the ports, its initial limit must lie within [min_limit, max_limit]:
/// it moves one step per window and would take long to come back into range.
fn slo_limiter(c: &mut Checker, raw: &RawLimiter) -> Option<LimiterConfig> {
    if raw.target.is_none() {
        c.error(
            "limiter.target",
            "is required for kind = \"slo\": the latency the percentile must stay under, e.g. \"200ms\"",
        );
    }
    let mut target = c.duration("limiter.target", &raw.target);
    if target.is_some_and(SimDuration::is_zero) {
        c.error("limiter.target", "must be longer than zero");
        target = None;
    }
    let percentile = open_fraction(c, "limiter.percentile", raw.percentile, 0.99);
    let backoff = open_fraction(c, "limiter.backoff", raw.backoff, 0.9);
    let headroom = fraction_in(c, "limiter.headroom", raw.headroom, 0.8);
    let window = limiter_count(c, "window", raw.window, 100);
    let initial = limiter_count(c, "limit", raw.limit, 20);
    let min = limiter_count(c, "min_limit", raw.min_limit, 1);
    let max = limiter_count(c, "max_limit", raw.max_limit, 200);
    let (initial, min, max) = (initial?, min?, max?);
    if min <= max && !(min..=max).contains(&initial) {
        if raw.limit.is_some() {
            c.error(
                "limiter.limit",
                format!("must be between min_limit ({min}) and max_limit ({max}), got {initial}"),
            );
        } else if initial < min {
            c.error(
                "limiter.min_limit",
                format!("must not exceed the initial limit ({initial} by default): set limiter.limit too"),
            );
        } else {
            c.error(
                "limiter.max_limit",
                format!("must be at least the initial limit ({initial} by default): set limiter.limit too"),
            );
        }
        return None;
    }
    Some(LimiterConfig::Slo {
        initial,
        min,
        max,
        target: target?,
        percentile: percentile?,
        window: window?,
        backoff: backoff?,
        headroom: headroom?,
    })
}

/// A value strictly between 0 and 1, or its default.
fn open_fraction(c: &mut Checker, path: &str, value: Option<f64>, default: f64) -> Option<f64> {
    let value = value.unwrap_or(default);
    if value > 0.0 && value < 1.0 {
        Some(value)
    } else {
        c.error(path, format!("must be in (0, 1), got {value}"));
        None
    }
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

pub(super) fn hedge(c: &mut Checker, raw: &RawHedge) -> Option<HedgeConfig> {
    if raw.delay.is_none() {
        c.error(
            "hedge.delay",
            "is required: how long a request waits for its answer before a second copy is sent (e.g. \"50ms\")",
        );
        return None;
    }
    let delay = c.duration("hedge.delay", &raw.delay)?;
    if delay.is_zero() {
        c.error(
            "hedge.delay",
            "must be longer than zero (a zero delay sends every request twice: that is duplication, not hedging)",
        );
        return None;
    }
    Some(HedgeConfig { delay })
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
