//! Validation of distribution tables (`[service]`, `think`, `downstream.latency`, mixtures).

use super::Checker;
use crate::dist::{Distribution, MixtureComponent};
use crate::scenario::limits::{readable, MAX_SCV};
use crate::scenario::raw::{RawDistribution, RawDuration};

const DISTRIBUTIONS: [&str; 8] = [
    "exponential",
    "constant",
    "uniform",
    "lognormal",
    "erlang",
    "gamma",
    "mixture",
    "empirical",
];

pub(super) fn distribution(
    c: &mut Checker,
    path: &str,
    raw: &RawDistribution,
) -> Option<Distribution> {
    let kind = match raw.distribution.as_deref() {
        Some(kind) => c.choice(
            &format!("{path}.distribution"),
            Some(kind),
            &DISTRIBUTIONS,
            "",
        )?,
        None => {
            c.error(
                &format!("{path}.distribution"),
                format!("is required; expected one of: {}", DISTRIBUTIONS.join(", ")),
            );
            return None;
        }
    };
    let secs = |c: &mut Checker, field: &str, value: &Option<RawDuration>| {
        c.required_duration(&format!("{path}.{field}"), value)
            .map(|d| d.as_secs_f64())
    };
    let unexpected = |c: &mut Checker, field: &str, present: bool| {
        if present {
            c.error(
                &format!("{path}.{field}"),
                format!("does not apply to distribution = \"{kind}\""),
            );
        }
    };
    unexpected(
        c,
        "components",
        kind != "mixture" && raw.components.is_some(),
    );
    unexpected(c, "scv", kind != "lognormal" && raw.scv.is_some());
    unexpected(c, "k", kind != "erlang" && raw.k.is_some());
    unexpected(c, "shape", kind != "gamma" && raw.shape.is_some());
    unexpected(c, "min", kind != "uniform" && raw.min.is_some());
    unexpected(c, "max", kind != "uniform" && raw.max.is_some());
    unexpected(c, "value", kind != "constant" && raw.value.is_some());
    for (field, present) in [
        ("samples", raw.samples.is_some()),
        ("buckets", raw.buckets.is_some()),
        ("file", raw.file.is_some()),
        ("column", raw.column.is_some()),
        ("unit", raw.unit.is_some()),
    ] {
        unexpected(c, field, kind != "empirical" && present);
    }
    match kind {
        "exponential" => secs(c, "mean", &raw.mean).map(Distribution::exponential),
        "constant" => {
            let value = if raw.value.is_some() {
                &raw.value
            } else {
                &raw.mean
            };
            let field = if raw.value.is_some() { "value" } else { "mean" };
            secs(c, field, value).map(Distribution::constant)
        }
        "uniform" => {
            let (min, max) = (secs(c, "min", &raw.min)?, secs(c, "max", &raw.max)?);
            if min > max {
                c.error(&format!("{path}.max"), "must not be below min");
                return None;
            }
            Some(Distribution::Uniform { min, max })
        }
        "lognormal" => {
            let mean = secs(c, "mean", &raw.mean)?;
            let scv = raw.scv.unwrap_or(1.0);
            if !(scv.is_finite() && scv > 0.0) {
                c.error(
                    &format!("{path}.scv"),
                    format!("must be > 0 (the squared coefficient of variation), got {scv}"),
                );
                return None;
            }
            if scv > MAX_SCV {
                c.error(
                    &format!("{path}.scv"),
                    format!("must be at most {MAX_SCV:.0e}, got {}: past it almost every draw is near 0 and the mean rests on draws too rare to occur, so no run would have the mean asked for", readable(scv)),
                );
                return None;
            }
            if mean == 0.0 {
                c.error(
                    &format!("{path}.mean"),
                    "must be longer than zero for a lognormal",
                );
                return None;
            }
            Some(Distribution::lognormal_with_mean_scv(mean, scv))
        }
        "erlang" => {
            let mean = secs(c, "mean", &raw.mean)?;
            let k = c.count(&format!("{path}.k"), Some(raw.k.unwrap_or(2)), 1, 1000)?;
            Some(Distribution::erlang(mean, k as u32))
        }
        "gamma" => {
            let mean = secs(c, "mean", &raw.mean)?;
            let shape = raw.shape.unwrap_or(1.0);
            if !(shape.is_finite() && shape >= 0.01) {
                c.error(
                    &format!("{path}.shape"),
                    format!("must be at least 0.01, got {shape}"),
                );
                return None;
            }
            Some(Distribution::gamma(mean, shape))
        }
        "mixture" => mixture(c, path, raw),
        "empirical" => super::empirical::empirical(c, path, raw),
        _ => None,
    }
}

fn mixture(c: &mut Checker, path: &str, raw: &RawDistribution) -> Option<Distribution> {
    let Some(components) = raw
        .components
        .as_ref()
        .filter(|components| !components.is_empty())
    else {
        c.error(&format!("{path}.components"), "a mixture needs components, e.g. [{ weight = 0.99, distribution = \"constant\", mean = \"10ms\" }, { weight = 0.01, distribution = \"constant\", mean = \"5s\" }]");
        return None;
    };
    if raw.mean.is_some() {
        c.error(
            &format!("{path}.mean"),
            "a mixture's mean follows from its components; remove it",
        );
    }
    let mut parts = Vec::new();
    for (i, component) in components.iter().enumerate() {
        let component_path = format!("{path}.components[{i}]");
        let weight = component.weight.unwrap_or(0.0);
        if !(weight.is_finite() && weight > 0.0) {
            c.error(
                &format!("{component_path}.weight"),
                "is required and must be > 0",
            );
            continue;
        }
        if component.distribution.as_deref() == Some("mixture") {
            c.error(
                &format!("{component_path}.distribution"),
                "mixtures cannot nest",
            );
            continue;
        }
        if component.distribution.as_deref() == Some("empirical") {
            c.error(
                &format!("{component_path}.distribution"),
                "an empirical distribution cannot be a mixture's component; measured values already have their own shape: use it on its own",
            );
            continue;
        }
        let as_distribution = RawDistribution {
            distribution: component.distribution.clone(),
            mean: component.mean.clone(),
            value: component.value.clone(),
            min: component.min.clone(),
            max: component.max.clone(),
            scv: component.scv,
            k: component.k,
            shape: component.shape,
            ..RawDistribution::default()
        };
        if let Some(distribution) = distribution(c, &component_path, &as_distribution) {
            parts.push(MixtureComponent {
                weight,
                distribution,
            });
        }
    }
    (parts.len() == components.len()).then(|| Distribution::mixture(parts))
}
