//! Validation of the admission and client policy tables: `[rate_limit]`, `[breaker]`, `[retry]`
//! and `[hedge]` (`[limiter]` is in [`super::limiter`]).

use super::Checker;
use crate::policy::breaker::BreakerConfig;
use crate::scenario::config::{HedgeConfig, Jitter, RateLimitConfig, RetryConfig};
use crate::scenario::raw::{RawBreaker, RawHedge, RawRateLimit, RawRetry};
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

/// What `[breaker]` holds: the built-in breaker's settings, or a script's code.
pub(super) enum BreakerChoice {
    BuiltIn(BreakerConfig),
    Script(String),
}

/// Validates `[breaker]`: resilience4j's settings, or (`kind = "script"`) the learner's
/// `fn allow(request)` and `fn record(result)`, which replace them.
pub(super) fn breaker(c: &mut Checker, raw: &RawBreaker) -> Option<BreakerChoice> {
    let kind = c.choice(
        "breaker.kind",
        raw.kind.as_deref(),
        &["resilience4j", "script"],
        "resilience4j",
    )?;
    let script = kind == "script";
    let code = super::script::code(
        c,
        "breaker",
        super::script::ScriptHook::Breaker,
        script,
        raw.code.as_deref(),
        raw.code_file.as_deref(),
    );
    if !script {
        return built_in_breaker(c, raw).map(BreakerChoice::BuiltIn);
    }
    for (field, given) in [
        (
            "failure_rate_threshold",
            raw.failure_rate_threshold.is_some(),
        ),
        (
            "slow_call_rate_threshold",
            raw.slow_call_rate_threshold.is_some(),
        ),
        ("slow_call_duration", raw.slow_call_duration.is_some()),
        ("window", raw.window.is_some()),
        ("window_size", raw.window_size.is_some()),
        ("minimum_calls", raw.minimum_calls.is_some()),
        ("wait_in_open", raw.wait_in_open.is_some()),
        (
            "permitted_in_half_open",
            raw.permitted_in_half_open.is_some(),
        ),
    ] {
        if given {
            c.error(
                &format!("breaker.{field}"),
                "applies only to kind = \"resilience4j\": with kind = \"script\", your allow and record decide",
            );
        }
    }
    code.map(BreakerChoice::Script)
}

fn built_in_breaker(c: &mut Checker, raw: &RawBreaker) -> Option<BreakerConfig> {
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

/// Validates `[retry]`: the built-in backoff's fields, or (`kind = "script"`) the learner's
/// `fn retry(failure)`, which replaces them; the attempt cap and the budget apply to both.
pub(super) fn retry(c: &mut Checker, raw: &RawRetry) -> Option<(RetryConfig, Option<String>)> {
    let kind = c.choice(
        "retry.kind",
        raw.kind.as_deref(),
        &["backoff", "script"],
        "backoff",
    )?;
    let script = kind == "script";
    if script {
        for (field, given) in [
            ("backoff", raw.backoff.is_some()),
            ("multiplier", raw.multiplier.is_some()),
            ("max_backoff", raw.max_backoff.is_some()),
            ("jitter", raw.jitter.is_some()),
        ] {
            if given {
                c.error(
                    &format!("retry.{field}"),
                    "applies only to kind = \"backoff\": with kind = \"script\", fn retry(failure) returns the backoff",
                );
            }
        }
    }
    let code = super::script::code(
        c,
        "retry",
        super::script::ScriptHook::Retry,
        script,
        raw.code.as_deref(),
        raw.code_file.as_deref(),
    );
    if script && code.is_none() {
        return None;
    }
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
    let config = RetryConfig {
        max_attempts: max_attempts as u32,
        backoff,
        multiplier,
        max_backoff,
        jitter,
        budget,
    };
    Some((config, code))
}

/// Validates `[admission]`: `kind = "script"` with its `code`.
pub(super) fn admission(
    c: &mut Checker,
    raw: &crate::scenario::raw::RawAdmission,
) -> Option<crate::scenario::config::AdmissionConfig> {
    if raw.kind.is_none() {
        c.error(
            "admission.kind",
            "is required: \"script\" (with code = \"\"\"fn admit(request) { ... }\"\"\")",
        );
    }
    let kind = c.choice("admission.kind", raw.kind.as_deref(), &["script"], "script")?;
    let code = super::script::code(
        c,
        "admission",
        super::script::ScriptHook::Admission,
        kind == "script" && raw.kind.is_some(),
        raw.code.as_deref(),
        raw.code_file.as_deref(),
    )?;
    Some(crate::scenario::config::AdmissionConfig { code })
}
