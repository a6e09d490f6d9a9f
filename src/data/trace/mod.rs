//! Arrival traces: one request per row of a CSV file (with a header row) or of a JSON-lines file
//! (one object per line), read one row at a time so memory stays flat however long the trace.
//!
//! A row has the request's arrival instant (`time_column`) and, if the scenario names their
//! columns, its service time, class and key. [`check`] reads a whole trace once, before a run,
//! and names the line of every bad row (unparsable, negative, out of order, a wrong number of
//! columns, an unknown class); a run then reads it again with [`TraceReader`].
//!
//! This file holds the types and the check; `reader.rs` reads the rows (CSV or JSON lines) and
//! `row.rs` turns a row's fields into a [`TraceRow`], so that each can change on its own.
//!
//! ```
//! use queuelab::data::trace::{check, TraceFormat, TraceSpec};
//! let spec = TraceSpec { time_column: "t".into(), ..TraceSpec::default() };
//! let facts = check("t\n0.5\n1.5\n".as_bytes(), "a.csv", &spec, 0.0).unwrap();
//! assert_eq!((facts.rows, facts.replayed, facts.first, facts.last), (2, 2, 0.5, 1.5));
//! let errors = check("t\n2\n1\nx\n".as_bytes(), "a.csv", &spec, 0.0).unwrap_err();
//! assert_eq!(errors[0], "a.csv:3: time 1 s comes before the row above (2 s, line 2); a trace must be sorted by time");
//! assert_eq!(errors[1], "a.csv:4: column \"t\": \"x\" is not a number");
//! ```

mod reader;
mod row;

pub use reader::TraceReader;

use std::io::Read;

/// How a trace file is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TraceFormat {
    /// Comma-separated, a header row naming the columns.
    #[default]
    Csv,
    /// One JSON object per line (`{"time": 0.25, "class": "slow"}`).
    JsonLines,
}

/// Which columns (or JSON fields) hold what, and in which unit.
#[derive(Debug, Clone, PartialEq)]
pub struct TraceSpec {
    pub format: TraceFormat,
    pub time_column: String,
    pub service_column: Option<String>,
    pub class_column: Option<String>,
    pub key_column: Option<String>,
    /// Seconds per bare number of `time` and `service`.
    pub unit_secs: f64,
    /// The scenario's classes, by name, for `class_column`.
    pub class_names: Vec<String>,
}

impl Default for TraceSpec {
    fn default() -> Self {
        TraceSpec {
            format: TraceFormat::Csv,
            time_column: "time".into(),
            service_column: None,
            class_column: None,
            key_column: None,
            unit_secs: 1.0,
            class_names: vec!["default".into()],
        }
    }
}

/// One request of a trace.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TraceRow {
    /// The file's line, for messages.
    pub line: u64,
    /// Its instant as written, in seconds.
    pub time: f64,
    pub service: Option<f64>,
    pub class: Option<u16>,
    /// The key's text, hashed (FNV-1a): the same text always routes to the same shard.
    pub key: Option<u64>,
}

/// What [`check`] learnt of a valid trace.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TraceFacts {
    pub rows: u64,
    /// Rows at or after the start instant: those a run replays.
    pub replayed: u64,
    /// Instants of the first and last replayed rows, as written (seconds).
    pub first: f64,
    pub last: f64,
}

/// Bad rows one check lists before it only counts them.
const LISTED_BAD_ROWS: usize = 20;

/// Reads a whole trace, checking every row; rows before `start` (seconds, as written) are
/// checked but not replayed. Each error names `origin:line`.
pub fn check<'a>(
    reader: impl Read + Send + 'a,
    origin: &str,
    spec: &TraceSpec,
    start: f64,
) -> Result<TraceFacts, Vec<String>> {
    let rows = TraceReader::new(Box::new(reader), origin, spec).map_err(|e| vec![e])?;
    check_rows(rows, origin, start, None)
}

/// [`check`] on a reader already started; `first` is a row it already gave.
pub fn check_rows(
    mut rows: TraceReader<'_>,
    origin: &str,
    start: f64,
    first: Option<TraceRow>,
) -> Result<TraceFacts, Vec<String>> {
    let mut errors = Vec::new();
    let mut bad = 0usize;
    let mut facts = TraceFacts {
        rows: 0,
        replayed: 0,
        first: 0.0,
        last: 0.0,
    };
    let mut previous: Option<(f64, u64)> = None;
    let mut first = first.map(Ok);
    while let Some(row) = first.take().or_else(|| rows.next_row()) {
        let problem = match row {
            Ok(row) => match previous {
                Some((time, line)) if row.time < time => Some(format!(
                    "{origin}:{}: time {} s comes before the row above ({time} s, line {line}); a trace must be sorted by time",
                    row.line, row.time
                )),
                _ => {
                    previous = Some((row.time, row.line));
                    facts.rows += 1;
                    if row.time >= start {
                        if facts.replayed == 0 {
                            facts.first = row.time;
                        }
                        facts.replayed += 1;
                        facts.last = row.time;
                    }
                    None
                }
            },
            // A failed read (too long a line, bad UTF-8, a file that grew) ends the file.
            Err((message, fatal)) => {
                if fatal {
                    errors.push(message);
                    break;
                }
                Some(message)
            }
        };
        if let Some(problem) = problem {
            bad += 1;
            if errors.len() < LISTED_BAD_ROWS {
                errors.push(problem);
            }
        }
    }
    if bad > errors.len() {
        errors.push(format!(
            "{origin}: and {} more bad rows (only the first {LISTED_BAD_ROWS} are listed)",
            bad - errors.len()
        ));
    }
    if errors.is_empty() {
        Ok(facts)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub(crate) fn spec() -> TraceSpec {
        TraceSpec {
            service_column: Some("svc".into()),
            class_column: Some("class".into()),
            key_column: Some("user".into()),
            unit_secs: 1e-3,
            class_names: vec!["fast".into(), "slow".into()],
            ..TraceSpec::default()
        }
    }

    #[test]
    fn every_bad_row_names_its_line() {
        let text = "time,svc,class,user\n1,1,fast,a\n2,1\n3,x,fast,a\n4,1,medium,a\n-5,1,fast,a\n0.5,1,fast,a\n6,1,slow,b\n";
        let errors = check(text.as_bytes(), "t.csv", &spec(), 0.0).unwrap_err();
        let expected = [
            "t.csv:3: 2 columns, but the header has 4",
            "t.csv:4: column \"svc\": \"x\" is not a number",
            "t.csv:5: column \"class\": no class \"medium\" in the scenario; its classes are fast, slow",
            "t.csv:6: column \"time\": \"-5\" is negative; times are ≥ 0",
            "t.csv:7: time 0.0005 s comes before the row above (0.001 s, line 2); a trace must be sorted by time",
        ];
        assert_eq!(errors, expected);
        let errors = check(
            "{\"time\": 1}\n[2]\n".as_bytes(),
            "t.jsonl",
            &TraceSpec {
                format: TraceFormat::JsonLines,
                ..TraceSpec::default()
            },
            0.0,
        )
        .unwrap_err();
        assert!(
            errors[0].starts_with("t.jsonl:2: not a JSON object"),
            "{errors:?}"
        );
        let errors = check(
            "{\"at\": 1}\n".as_bytes(),
            "t.jsonl",
            &TraceSpec {
                format: TraceFormat::JsonLines,
                ..TraceSpec::default()
            },
            0.0,
        )
        .unwrap_err();
        assert_eq!(errors, ["t.jsonl:1: no \"time\" value"]);
        let errors =
            check("when\n1\n".as_bytes(), "t.csv", &TraceSpec::default(), 0.0).unwrap_err();
        assert_eq!(
            errors,
            ["t.csv:1: no column \"time\" in the header; the columns are \"when\""]
        );
    }

    #[test]
    fn many_bad_rows_are_listed_then_counted() {
        let text: String = std::iter::once("time\n".to_string())
            .chain((0..50).map(|_| "x\n".to_string()))
            .collect();
        let errors = check(
            std::io::Cursor::new(text),
            "t.csv",
            &TraceSpec::default(),
            0.0,
        )
        .unwrap_err();
        assert_eq!(errors.len(), LISTED_BAD_ROWS + 1);
        assert_eq!(
            errors[LISTED_BAD_ROWS],
            "t.csv: and 30 more bad rows (only the first 20 are listed)"
        );
    }

    #[test]
    fn rows_before_the_start_are_checked_not_replayed() {
        let facts = check(
            "time\n1\n2\n3\n".as_bytes(),
            "t.csv",
            &TraceSpec::default(),
            1.5,
        )
        .unwrap();
        assert_eq!(
            (facts.rows, facts.replayed, facts.first, facts.last),
            (3, 2, 2.0, 3.0)
        );
    }
}
