//! Validation of `distribution = "empirical"`: measured values inline (`samples`), as histogram
//! buckets (`buckets`), or from a file (`file`, read through the checker's [`DataFiles`]).
//!
//! [`DataFiles`]: crate::data::DataFiles

use super::Checker;
use crate::data::samples::{read_samples, Column};
use crate::data::{unit_secs, UNITS};
use crate::dist::empirical::Empirical;
use crate::dist::Distribution;
use crate::scenario::limits::{MAX_EMPIRICAL_SAMPLES, MAX_SAMPLES_FILE_BYTES};
use crate::scenario::raw::{RawColumn, RawDistribution};
use std::sync::Arc;

pub(super) fn empirical(
    c: &mut Checker,
    path: &str,
    raw: &RawDistribution,
) -> Option<Distribution> {
    let given = [
        raw.samples.is_some(),
        raw.buckets.is_some(),
        raw.file.is_some(),
    ];
    if given.iter().filter(|&&g| g).count() != 1 {
        c.error(
            path,
            "an empirical distribution takes exactly one of samples = [...] (values inline), buckets = [{ le = ..., count = ... }, ...] (a histogram) or file = \"...\" (a file of either)",
        );
        return None;
    }
    if raw.mean.is_some() {
        c.error(
            &format!("{path}.mean"),
            "an empirical distribution's mean follows from its values; remove it",
        );
    }
    let unit = match raw.unit.as_deref() {
        None => 1.0,
        Some(unit) => match unit_secs(unit) {
            Some(secs) => secs,
            None => {
                c.error(
                    &format!("{path}.unit"),
                    format!("unknown unit {unit:?}; expected one of: {UNITS}"),
                );
                return None;
            }
        },
    };
    if raw.column.is_some() && raw.file.is_none() {
        c.error(
            &format!("{path}.column"),
            "applies only to a CSV file (file = \"...\")",
        );
    }
    let measured = if let Some(samples) = &raw.samples {
        inline_samples(c, path, samples, (unit, raw.unit.as_deref().unwrap_or("s")))
    } else if let Some(buckets) = &raw.buckets {
        inline_buckets(c, path, buckets, unit)
    } else {
        from_file(c, path, raw, unit)
    }?;
    Some(Distribution::Empirical(Arc::new(measured)))
}

fn inline_samples(
    c: &mut Checker,
    path: &str,
    samples: &[f64],
    (unit, unit_name): (f64, &str),
) -> Option<Empirical> {
    if samples.len() > MAX_EMPIRICAL_SAMPLES {
        c.error(
            &format!("{path}.samples"),
            format!(
                "{} samples, more than the limit of {MAX_EMPIRICAL_SAMPLES}",
                samples.len()
            ),
        );
        return None;
    }
    let mut clean = true;
    for (i, &x) in samples.iter().enumerate() {
        if !(x.is_finite() && x >= 0.0) {
            c.error(
                &format!("{path}.samples[{i}]"),
                format!("must be a finite time ≥ 0 (in {unit_name}), got {x}"),
            );
            clean = false;
        }
    }
    if samples.is_empty() {
        c.error(
            &format!("{path}.samples"),
            "is empty: give at least one value",
        );
        return None;
    }
    clean.then(|| Empirical::from_samples(samples.iter().map(|x| x * unit).collect()).ok())?
}

fn inline_buckets(
    c: &mut Checker,
    path: &str,
    raw: &[crate::scenario::raw::RawBucket],
    unit: f64,
) -> Option<Empirical> {
    let mut buckets = Vec::new();
    for (i, bucket) in raw.iter().enumerate() {
        let at = format!("{path}.buckets[{i}]");
        let le = bucket.le.filter(|le| !le.is_nan() && *le >= 0.0);
        let count = bucket.count.filter(|count| *count >= 0);
        if le.is_none() {
            c.error(
                &format!("{at}.le"),
                "is required: the bucket's upper bound ≥ 0 (inf for +Inf)",
            );
        }
        if count.is_none() {
            c.error(
                &format!("{at}.count"),
                "is required: the observations ≤ le (cumulative, as Prometheus counts), ≥ 0",
            );
        }
        if let (Some(le), Some(count)) = (le, count) {
            buckets.push((le * unit, count as u64));
        }
    }
    if buckets.len() != raw.len() {
        return None;
    }
    match Empirical::from_buckets(&buckets) {
        Ok(measured) => Some(measured),
        Err(message) => {
            c.error(&format!("{path}.buckets"), message);
            None
        }
    }
}

fn from_file(c: &mut Checker, path: &str, raw: &RawDistribution, unit: f64) -> Option<Empirical> {
    let name = raw.file.as_deref().unwrap_or_default();
    let field = format!("{path}.file");
    let column = match &raw.column {
        None => None,
        Some(RawColumn::Name(name)) => Some(Column::Name(name.clone())),
        Some(RawColumn::Number(n)) if *n >= 1 => Some(Column::Number(*n as usize)),
        Some(RawColumn::Number(n)) => {
            c.error(
                &format!("{path}.column"),
                format!("column numbers start at 1, got {n}"),
            );
            return None;
        }
    };
    let Some(files) = c.files.clone() else {
        c.error(&field, format!("cannot read {name:?} here: this scenario is read without files (in the browser's sandbox); write the values inline with samples = [...] or buckets = [...]"));
        return None;
    };
    let result = files
        .open(name, MAX_SAMPLES_FILE_BYTES)
        .and_then(|file| read_samples(file.reader, &file.origin, unit, column.as_ref()));
    match result {
        Ok(measured) => Some(measured),
        Err(message) => {
            c.error(&field, message);
            None
        }
    }
}
