//! Validation of `[limiter]`: the kind, the fields each kind takes, their bounds.

use super::policies::{fraction_in, only_for};
use super::Checker;
use crate::scenario::config::LimiterConfig;
use crate::scenario::raw::RawLimiter;
use crate::time::SimDuration;

const LIMITERS: [&str; 6] = ["fixed", "aimd", "vegas", "gradient2", "slo", "script"];

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
        raw.code_file.as_deref(),
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
