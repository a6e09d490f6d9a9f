//! Reading a trace row by row: a CSV file through the csv crate, one record reused for every
//! row, or a JSON-lines file one line at a time; each row's fields are read by `row.rs`.

use super::row::{json_row, row};
use super::{TraceFormat, TraceRow, TraceSpec};
use crate::data::samples::csv_error;
use std::io::{BufRead, BufReader, Read};

/// The rows of a trace, one at a time.
pub struct TraceReader<'a> {
    origin: String,
    spec: TraceSpec,
    source: Source<'a>,
}

enum Source<'a> {
    Csv {
        csv: Box<csv::Reader<Box<dyn Read + Send + 'a>>>,
        record: csv::ByteRecord,
        /// Column indexes of time, service, class, key.
        columns: [Option<usize>; 4],
    },
    JsonLines {
        lines: BufReader<Box<dyn Read + Send + 'a>>,
        text: String,
        line: u64,
    },
}

impl<'a> TraceReader<'a> {
    /// Starts reading (a CSV file's header is read here and its columns looked up).
    pub fn new(
        reader: Box<dyn Read + Send + 'a>,
        origin: &str,
        spec: &TraceSpec,
    ) -> Result<Self, String> {
        let source = match spec.format {
            TraceFormat::JsonLines => Source::JsonLines {
                lines: BufReader::new(reader),
                text: String::new(),
                line: 0,
            },
            TraceFormat::Csv => {
                // Fields are trimmed where they are read: the csv crate's own trimming
                // allocates a new record per row (a third of the time of a replay).
                let mut csv = csv::ReaderBuilder::new()
                    .has_headers(true)
                    .comment(Some(b'#'))
                    .from_reader(reader);
                let mut headers = csv.headers().map_err(|e| csv_error(origin, &e))?.clone();
                headers.trim();
                let find = |name: &Option<String>| -> Result<Option<usize>, String> {
                    let Some(name) = name else { return Ok(None) };
                    headers
                        .iter()
                        .position(|h| h == name)
                        .map(Some)
                        .ok_or_else(|| {
                            let names: Vec<String> =
                                headers.iter().map(|h| format!("{h:?}")).collect();
                            format!(
                                "{origin}:1: no column {name:?} in the header; the columns are {}",
                                names.join(", ")
                            )
                        })
                };
                let columns = [
                    find(&Some(spec.time_column.clone()))?,
                    find(&spec.service_column)?,
                    find(&spec.class_column)?,
                    find(&spec.key_column)?,
                ];
                Source::Csv {
                    csv: Box::new(csv),
                    record: csv::ByteRecord::new(),
                    columns,
                }
            }
        };
        Ok(TraceReader {
            origin: origin.to_string(),
            spec: spec.clone(),
            source,
        })
    }

    /// The next row; an error is `(message, fatal)`: a fatal one (the file cannot be read on)
    /// ends the trace, another only spoils its row.
    pub fn next_row(&mut self) -> Option<Result<TraceRow, (String, bool)>> {
        match &mut self.source {
            Source::Csv {
                csv,
                record,
                columns,
            } => {
                match csv.read_byte_record(record) {
                    Ok(false) => return None,
                    Ok(true) => {}
                    Err(e) => {
                        let fatal = !matches!(e.kind(), csv::ErrorKind::UnequalLengths { .. });
                        return Some(Err((csv_error(&self.origin, &e), fatal)));
                    }
                }
                let line = record.position().map_or(0, |p| p.line());
                // Only the fields a row uses are checked for UTF-8 (a CSV row read as a
                // StringRecord is checked whole), and trimmed of ASCII whitespace on bytes: a
                // time with other whitespace around it takes `time_value`'s slow path, which
                // trims it; a class or key is trimmed of any whitespace here, as ever.
                let mut values = [None; 4];
                for (k, (value, index)) in values.iter_mut().zip(columns.iter()).enumerate() {
                    let Some(bytes) = index.and_then(|i| record.get(i)) else {
                        continue;
                    };
                    match std::str::from_utf8(bytes.trim_ascii()) {
                        Ok(text) => *value = Some(if k < 2 { text } else { text.trim() }),
                        Err(_) => {
                            return Some(Err((
                                format!("{}:{line}: not UTF-8 text", self.origin),
                                true,
                            )))
                        }
                    }
                }
                Some(row(&self.origin, &self.spec, line, values).map_err(|e| (e, false)))
            }
            Source::JsonLines { lines, text, line } => loop {
                text.clear();
                *line += 1;
                match lines.read_line(text) {
                    Ok(0) => return None,
                    Ok(_) => {}
                    Err(e) => return Some(Err((format!("{}:{line}: {e}", self.origin), true))),
                }
                if text.trim().is_empty() {
                    continue;
                }
                return Some(
                    json_row(&self.origin, &self.spec, *line, text).map_err(|e| (e, false)),
                );
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::spec;
    use super::*;

    fn rows(text: &'static str, spec: &TraceSpec) -> Vec<Result<TraceRow, (String, bool)>> {
        let mut reader = TraceReader::new(Box::new(text.as_bytes()), "t", spec).unwrap();
        std::iter::from_fn(|| reader.next_row()).collect()
    }

    #[test]
    fn csv_and_json_lines_give_the_same_rows() {
        let csv = rows(
            "time,svc,class,user\n10,5,slow,ann\n20,7,fast,bob\n",
            &spec(),
        );
        let json_spec = TraceSpec {
            format: TraceFormat::JsonLines,
            ..spec()
        };
        let json = rows(
            "{\"time\": 10, \"svc\": 5, \"class\": \"slow\", \"user\": \"ann\"}\n\n{\"time\": 20, \"svc\": \"7ms\", \"class\": \"fast\", \"user\": \"bob\"}\n",
            &json_spec,
        );
        // The same rows, on different lines.
        let strip = |rows: Vec<Result<TraceRow, (String, bool)>>| -> Vec<TraceRow> {
            rows.into_iter()
                .map(|r| TraceRow {
                    line: 0,
                    ..r.unwrap()
                })
                .collect()
        };
        let csv = strip(csv);
        assert_eq!(csv, strip(json));
        assert_eq!(csv[0].class, Some(1));
        assert_ne!(csv[0].key, csv[1].key);
        assert!((csv[1].time - 0.020).abs() < 1e-15);
    }

    #[test]
    fn only_the_fields_a_row_uses_must_be_utf8() {
        let spec = TraceSpec::default();
        let mut unused = b"time,note\n1,caf".to_vec();
        unused.extend([0xe9, b'\n']);
        unused.extend(b"2,ok\n");
        let mut reader =
            TraceReader::new(Box::new(std::io::Cursor::new(unused)), "t", &spec).unwrap();
        let times: Vec<f64> = std::iter::from_fn(|| reader.next_row())
            .map(|row| row.unwrap().time)
            .collect();
        assert_eq!(times, [1.0, 2.0]);
        let mut used = b"time\n1".to_vec();
        used.extend([0xff, b'\n']);
        let mut reader =
            TraceReader::new(Box::new(std::io::Cursor::new(used)), "t", &spec).unwrap();
        assert_eq!(
            reader.next_row().unwrap().unwrap_err(),
            ("t:2: not UTF-8 text".to_string(), true)
        );
    }
}
