//! Validation of `[arrivals] process = "trace"`: the file is read once here, row by row, and
//! every bad row named by its line, so that a run never meets one; what the pass learnt (rows,
//! span, first instant) sizes the run.

use super::Checker;
use crate::data::trace::{check, TraceFormat, TraceSpec};
use crate::data::{unit_secs, UNITS};
use crate::scenario::config::{Arrivals, TraceArrivals};
use crate::scenario::limits::MAX_TRACE_BYTES;
use crate::scenario::raw::{RawArrivals, RawScenario};

/// The fields only a trace takes, for refusing them elsewhere.
pub(super) fn refuse_trace_fields(c: &mut Checker, path: &str, raw: &RawArrivals) {
    let fields = [
        ("file", raw.file.is_some()),
        ("format", raw.format.is_some()),
        ("unit", raw.unit.is_some()),
        ("timestamps", raw.timestamps.is_some()),
        ("time_column", raw.time_column.is_some()),
        ("service_column", raw.service_column.is_some()),
        ("class_column", raw.class_column.is_some()),
        ("key_column", raw.key_column.is_some()),
        ("scale", raw.scale.is_some()),
        ("loop", raw.looped.is_some()),
        ("start", raw.start.is_some()),
    ];
    for (field, present) in fields {
        if present {
            c.error(
                &format!("{path}.{field}"),
                "applies only to process = \"trace\"",
            );
        }
    }
}

/// The classes a trace's `class_column` may name, as the classes' validation names them.
fn class_names(scenario: &RawScenario) -> Vec<String> {
    if scenario.classes.is_empty() {
        return vec!["default".into()];
    }
    scenario
        .classes
        .iter()
        .enumerate()
        .map(|(i, class)| class.name.clone().unwrap_or_else(|| format!("class{i}")))
        .collect()
}

pub(super) fn trace_arrivals(
    c: &mut Checker,
    raw: &RawArrivals,
    scenario: &RawScenario,
) -> Option<Arrivals> {
    let Some(name) = raw.file.as_deref() else {
        c.error(
            "arrivals.file",
            "is required for process = \"trace\": a CSV or JSON-lines file of arrival instants",
        );
        return None;
    };
    let lower = name.to_ascii_lowercase();
    let default_format = if [".jsonl", ".ndjson", ".json"]
        .iter()
        .any(|ext| lower.ends_with(ext))
    {
        "jsonl"
    } else {
        "csv"
    };
    let format = c.choice(
        "arrivals.format",
        Some(raw.format.as_deref().unwrap_or(default_format)),
        &["csv", "jsonl"],
        default_format,
    );
    let unit = match unit_secs(raw.unit.as_deref().unwrap_or("s")) {
        Some(unit) => Some(unit),
        None => {
            c.error(
                "arrivals.unit",
                format!("unknown unit; expected one of: {UNITS}"),
            );
            None
        }
    };
    let absolute = c
        .choice(
            "arrivals.timestamps",
            raw.timestamps.as_deref(),
            &["offset", "absolute"],
            "offset",
        )
        .map(|t| t == "absolute");
    let scale = raw.scale.unwrap_or(1.0);
    if !(scale.is_finite() && (1e-6..=1e6).contains(&scale)) {
        c.error(
            "arrivals.scale",
            format!("must be between 1e-6 and 1e6 (2 replays twice as fast), got {scale}"),
        );
    }
    let start = c
        .duration("arrivals.start", &raw.start)
        .map_or(0.0, |d| d.as_secs_f64());
    let for_rate = [
        "rate", "segments", "after", "spacing", "on", "off", "off_rate",
    ];
    let given = [
        raw.rate.is_some(),
        raw.segments.is_some(),
        raw.after.is_some(),
        raw.spacing.is_some(),
        raw.on.is_some(),
        raw.off.is_some(),
        raw.off_rate.is_some(),
    ];
    for (field, given) in for_rate.iter().zip(given) {
        if given {
            c.error(
                &format!("arrivals.{field}"),
                "does not apply to a trace: its rows are the arrivals (use scale to replay faster or slower)",
            );
        }
    }
    let (Some(format), Some(unit), Some(absolute)) = (format, unit, absolute) else {
        return None;
    };
    let spec = TraceSpec {
        format: if format == "jsonl" {
            TraceFormat::JsonLines
        } else {
            TraceFormat::Csv
        },
        time_column: raw.time_column.clone().unwrap_or_else(|| "time".into()),
        service_column: raw.service_column.clone(),
        class_column: raw.class_column.clone(),
        key_column: raw.key_column.clone(),
        unit_secs: unit,
        class_names: class_names(scenario),
    };
    let Some(files) = c.files.clone() else {
        c.error("arrivals.file", format!("cannot read {name:?} here: this scenario is read without files (in the browser's sandbox); a trace replays from the command line, or in an exercise from a file that ships with Queue Lab"));
        return None;
    };
    let file = match files.open(name, MAX_TRACE_BYTES) {
        Ok(file) => file,
        Err(message) => {
            c.error("arrivals.file", message);
            return None;
        }
    };
    let origin = file.origin.clone();
    // Absolute timestamps count from the first row: `start` is after it. The first row is
    // found by the same pass (rows before `start` are found by comparing with it).
    let facts = if absolute {
        check_absolute(file.reader, &origin, &spec, start)
    } else {
        check(file.reader, &origin, &spec, start).map(|facts| (0.0, facts))
    };
    let facts = match facts {
        Ok(facts) => facts,
        Err(errors) => {
            for error in errors {
                c.error("arrivals.file", error);
            }
            return None;
        }
    };
    let first_row = facts.0;
    let facts = facts.1;
    if facts.rows < 2 {
        c.error("arrivals.file", format!("{origin}: a trace needs at least two rows, it has {}: one instant has no rate to replay", facts.rows));
        return None;
    }
    if facts.replayed == 0 {
        c.error("arrivals.start", format!("every row of {origin} comes before the start ({start} s): nothing would be replayed"));
        return None;
    }
    let span = facts.last - facts.first;
    let gap = if facts.replayed > 1 {
        span / (facts.replayed - 1) as f64
    } else {
        0.0
    };
    let looped = raw.looped.unwrap_or(false);
    if looped && span <= 0.0 {
        c.error("arrivals.loop", format!("the replayed rows of {origin} all have the same instant, so a pass takes no time and a loop would never end"));
        return None;
    }
    let base_secs = start + if absolute { first_row } else { 0.0 };
    Some(Arrivals::Trace(Box::new(TraceArrivals {
        files,
        file: name.to_string(),
        origin,
        spec,
        base_secs,
        scale,
        looped,
        rows: facts.rows,
        replayed: facts.replayed,
        period_secs: span + gap,
        first_secs: facts.first - base_secs,
    })))
}

/// [`check`] for absolute instants: `start` counts from the first row.
fn check_absolute(
    reader: Box<dyn std::io::Read + Send>,
    origin: &str,
    spec: &TraceSpec,
    start: f64,
) -> Result<(f64, crate::data::trace::TraceFacts), Vec<String>> {
    // The first row is read by a reader that then goes on: peeking it needs no second pass.
    let mut rows =
        crate::data::trace::TraceReader::new(reader, origin, spec).map_err(|e| vec![e])?;
    let first = match rows.next_row() {
        Some(Ok(row)) => row,
        Some(Err((message, _))) => return Err(vec![message]),
        None => return Err(vec![format!("{origin}: the trace has no rows")]),
    };
    let facts = crate::data::trace::check_rows(rows, origin, first.time + start, Some(first))?;
    Ok((first.time, facts))
}
