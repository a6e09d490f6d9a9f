//! Measured latencies from a file, as an [`Empirical`] distribution: one value per line, one
//! column of a CSV file (with a header row), or a Prometheus histogram in the text exposition
//! format (`*_bucket{le="0.1"} 24054` lines; `# HELP`, `# TYPE`, `_sum` and `_count` lines are
//! skipped).
//!
//! Every refusal names the file and line (and the column for CSV): `lat.csv:17: column
//! "latency_ms": "abc" is not a number`.
//!
//! ```
//! use queuelab::data::samples::{read_samples, Column};
//! let text = "latency_ms,path\n12,/a\n30,/b\n";
//! let measured = read_samples(text.as_bytes(), "lat.csv", 1e-3, Some(&Column::Name("latency_ms".into()))).unwrap();
//! assert!((measured.mean() - 0.021).abs() < 1e-12);
//! let error = read_samples("0.1\n-2\n".as_bytes(), "lat.txt", 1.0, None).unwrap_err();
//! assert_eq!(error, "lat.txt:2: \"-2\" is negative; times are ≥ 0");
//! ```

use crate::dist::empirical::Empirical;
use crate::scenario::limits::MAX_EMPIRICAL_SAMPLES;
use std::io::{BufRead, BufReader, Read};

/// Which column of a CSV file holds the values: by header name, or by number (1 = the first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Column {
    Name(String),
    Number(usize),
}

/// Reads samples (or a Prometheus histogram) from `reader`; `origin` names it in messages and
/// bare numbers are in units of `unit_secs` seconds. A `column`, or a name ending in `.csv`,
/// reads the file as CSV.
pub fn read_samples(
    reader: impl Read,
    origin: &str,
    unit_secs: f64,
    column: Option<&Column>,
) -> Result<Empirical, String> {
    if column.is_some() || origin.to_ascii_lowercase().ends_with(".csv") {
        return read_csv_column(reader, origin, unit_secs, column);
    }
    let mut samples = Vec::new();
    let mut buckets: Vec<(f64, u64)> = Vec::new();
    let mut series: Option<String> = None;
    let mut reader = BufReader::new(reader);
    let mut line = String::new();
    let mut number = 0usize;
    loop {
        line.clear();
        let read = reader
            .read_line(&mut line)
            .map_err(|e| format!("{origin}:{}: {e}", number + 1))?;
        if read == 0 {
            break;
        }
        number += 1;
        let text = line.trim();
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let at = |message: String| format!("{origin}:{number}: {message}");
        if text.contains("_bucket{") {
            if !samples.is_empty() {
                return Err(at(
                    "a histogram bucket after plain samples: give one or the other".into(),
                ));
            }
            let (labels, le, count) = prometheus_bucket(text).map_err(at)?;
            match &series {
                Some(first) if *first != labels => return Err(at(format!("a second histogram series ({labels}); the file must hold one (the first was {first})"))),
                _ => series = Some(labels),
            }
            buckets.push((le * unit_secs, count));
            continue;
        }
        if series.is_some() {
            if text.contains("_sum") || text.contains("_count") {
                continue;
            }
            return Err(at(format!(
                "{text:?} is neither a histogram bucket nor a comment"
            )));
        }
        let value = super::time_value(text, unit_secs).map_err(|e| match samples.is_empty() {
            // A header line: say how to read the file as CSV.
            true => at(format!(
                "{e} (a header? set column = {text:?} to read the file as CSV)"
            )),
            false => at(e),
        })?;
        samples.push(value);
        if samples.len() > MAX_EMPIRICAL_SAMPLES {
            return Err(at(too_many()));
        }
    }
    if series.is_some() {
        return Empirical::from_buckets(&buckets).map_err(|e| format!("{origin}: {e}"));
    }
    Empirical::from_samples(samples).map_err(|e| format!("{origin}: {e}"))
}

fn too_many() -> String {
    format!("more than {MAX_EMPIRICAL_SAMPLES} samples, the limit; use a random subset of them (or a histogram)")
}

/// `name_bucket{a="x",le="0.5"} 24054 [timestamp]` → (the other labels, le, count).
fn prometheus_bucket(text: &str) -> Result<(String, f64, u64), String> {
    let (head, rest) = text
        .split_once('}')
        .ok_or_else(|| format!("{text:?}: a bucket's labels are not closed with '}}'"))?;
    let (name, labels) = head.split_once('{').unwrap_or((head, ""));
    let mut le = None;
    let mut others = Vec::new();
    for label in labels.split(',').filter(|l| !l.trim().is_empty()) {
        let (key, value) = label
            .split_once('=')
            .ok_or_else(|| format!("label {label:?} is not key=\"value\""))?;
        let value = value.trim().trim_matches('"');
        if key.trim() == "le" {
            le = Some(match value {
                "+Inf" | "Inf" | "inf" | "+inf" => f64::INFINITY,
                _ => value
                    .parse::<f64>()
                    .map_err(|_| format!("le=\"{value}\" is not a number"))?,
            });
        } else {
            others.push(label.trim());
        }
    }
    let le = le.ok_or_else(|| "a bucket without an le label".to_string())?;
    let count_text = rest
        .split_whitespace()
        .next()
        .ok_or_else(|| "a bucket without a count".to_string())?;
    let count = count_text
        .parse::<f64>()
        .ok()
        .filter(|c| c.is_finite() && *c >= 0.0 && c.fract() == 0.0 && *c < 2f64.powi(63))
        .ok_or_else(|| format!("count {count_text:?} is not a whole number ≥ 0"))?
        as u64;
    Ok((format!("{name}{{{}}}", others.join(",")), le, count))
}

fn read_csv_column(
    reader: impl Read,
    origin: &str,
    unit_secs: f64,
    column: Option<&Column>,
) -> Result<Empirical, String> {
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_reader(reader);
    let headers = csv.headers().map_err(|e| csv_error(origin, &e))?.clone();
    let names = || {
        headers
            .iter()
            .map(|h| format!("{h:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let index = match column {
        Some(Column::Name(name)) => headers.iter().position(|h| h == name).ok_or_else(|| {
            format!(
                "{origin}:1: no column {name:?} in the header; the columns are {}",
                names()
            )
        })?,
        Some(Column::Number(n)) if (1..=headers.len()).contains(n) => n - 1,
        Some(Column::Number(n)) => {
            return Err(format!(
                "{origin}:1: there is no column {n}: the header has {} ({})",
                headers.len(),
                names()
            ))
        }
        None if headers.len() == 1 => 0,
        None => {
            return Err(format!(
                "{origin}:1: which column holds the values? Set column to one of {}",
                names()
            ))
        }
    };
    let label = headers.get(index).unwrap_or_default().to_string();
    let mut samples = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match csv.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(csv_error(origin, &e)),
        }
        let line = record.position().map_or(0, |p| p.line());
        let value = record.get(index).unwrap_or_default();
        samples.push(
            super::time_value(value, unit_secs)
                .map_err(|e| format!("{origin}:{line}: column {label:?}: {e}"))?,
        );
        if samples.len() > MAX_EMPIRICAL_SAMPLES {
            return Err(format!("{origin}:{line}: {}", too_many()));
        }
    }
    Empirical::from_samples(samples).map_err(|e| format!("{origin}: {e}"))
}

/// A CSV reader's error with the file's line: a row of the wrong length, bad UTF-8, or an I/O
/// failure (the capped reader's refusals among them).
pub(crate) fn csv_error(origin: &str, error: &csv::Error) -> String {
    match error.kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => format!(
            "{origin}:{}: {len} columns, but the header has {expected_len}",
            pos.as_ref().map_or(0, |p| p.line())
        ),
        csv::ErrorKind::Utf8 { pos, .. } => format!(
            "{origin}:{}: not UTF-8 text",
            pos.as_ref().map_or(0, |p| p.line())
        ),
        csv::ErrorKind::Io(e) => format!("{origin}: {e}"),
        _ => format!("{origin}: {error}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, origin: &str, column: Option<Column>) -> Result<Empirical, String> {
        read_samples(text.as_bytes(), origin, 1.0, column.as_ref())
    }

    #[test]
    fn lines_with_comments_blanks_and_own_units() {
        let m = read("# measured\n0.1\n\n200ms\n", "a.txt", None).unwrap();
        assert_eq!(m.samples(), Some(&[0.1, 0.2][..]));
    }

    #[test]
    fn every_bad_value_names_its_line() {
        assert_eq!(
            read("0.1\nNaN\n", "a.txt", None).unwrap_err(),
            "a.txt:2: \"NaN\" is not a number (NaN)"
        );
        assert!(read("latency\n0.1\n", "a.txt", None)
            .unwrap_err()
            .starts_with("a.txt:1: \"latency\" is not a number"));
        assert_eq!(
            read("", "a.txt", None).unwrap_err(),
            "a.txt: there are no samples"
        );
        let error = read("a,b\n1,2\n3\n", "a.csv", Some(Column::Name("b".into()))).unwrap_err();
        assert_eq!(error, "a.csv:3: 1 columns, but the header has 2");
        let error = read("a,b\n1,x\n", "a.csv", Some(Column::Number(2))).unwrap_err();
        assert_eq!(error, "a.csv:2: column \"b\": \"x\" is not a number");
        let error = read("a,b\n1,2\n", "a.csv", None).unwrap_err();
        assert!(
            error.contains("Set column to one of \"a\", \"b\""),
            "{error}"
        );
        let error = read("a,b\n1,2\n", "a.csv", Some(Column::Name("c".into()))).unwrap_err();
        assert!(error.contains("no column \"c\""), "{error}");
    }

    #[test]
    fn a_prometheus_histogram_is_read_as_buckets() {
        let text = "# HELP d Request duration.\n# TYPE d histogram\n\
            d_bucket{path=\"/a\",le=\"0.1\"} 5\nd_bucket{path=\"/a\",le=\"0.5\"} 10 1700000000\n\
            d_bucket{path=\"/a\",le=\"+Inf\"} 10\nd_sum{path=\"/a\"} 2.1\nd_count{path=\"/a\"} 10\n";
        let m = read(text, "d.prom", None).unwrap();
        assert_eq!(m.count(), 10);
        assert!((m.mean() - (0.5 * 0.05 + 0.5 * 0.3)).abs() < 1e-12);
        let two = format!("{text}d_bucket{{path=\"/b\",le=\"0.1\"}} 1\n");
        assert!(read(&two, "d.prom", None)
            .unwrap_err()
            .starts_with("d.prom:8: a second histogram series"));
        let zero = "d_bucket{le=\"0.1\"} 0\nd_bucket{le=\"+Inf\"} 0\n";
        assert_eq!(
            read(zero, "z.prom", None).unwrap_err(),
            "z.prom: every bucket is empty: a histogram needs at least one observation"
        );
        let bad = "d_bucket{le=\"x\"} 0\n";
        assert!(read(bad, "z.prom", None)
            .unwrap_err()
            .contains("z.prom:1: le=\"x\""));
    }
}
