//! A trace row from its fields' texts: the time and service parsed in the trace's unit, the
//! class looked up among the scenario's, the key hashed; every error names the file's line.

use super::{TraceRow, TraceSpec};

pub(super) fn json_row(
    origin: &str,
    spec: &TraceSpec,
    line: u64,
    text: &str,
) -> Result<TraceRow, String> {
    let object: serde_json::Map<String, serde_json::Value> = serde_json::from_str(text)
        .map_err(|e| format!("{origin}:{line}: not a JSON object: {e}"))?;
    let fields = [
        Some(&spec.time_column),
        spec.service_column.as_ref(),
        spec.class_column.as_ref(),
        spec.key_column.as_ref(),
    ];
    let texts: Vec<Option<String>> = fields
        .iter()
        .map(|name| {
            let name = (*name)?;
            Some(match object.get(name)? {
                serde_json::Value::String(text) => text.clone(),
                other => other.to_string(),
            })
        })
        .collect();
    row(
        origin,
        spec,
        line,
        [0, 1, 2, 3].map(|i| texts[i].as_deref()),
    )
}

/// A row from its fields' texts: time, service, class, key (`None` where absent).
pub(super) fn row(
    origin: &str,
    spec: &TraceSpec,
    line: u64,
    [time, service, class, key]: [Option<&str>; 4],
) -> Result<TraceRow, String> {
    let at =
        |column: &str, message: String| format!("{origin}:{line}: column {column:?}: {message}");
    fn required<'v>(
        origin: &str,
        line: u64,
        column: &str,
        value: Option<&'v str>,
    ) -> Result<&'v str, String> {
        value.ok_or_else(|| format!("{origin}:{line}: no {column:?} value"))
    }
    let required = |column: &str, value| required(origin, line, column, value);
    let time = time_of(required(&spec.time_column, time)?, spec.unit_secs)
        .map_err(|e| at(&spec.time_column, e))?;
    let service = match &spec.service_column {
        Some(column) => {
            Some(time_of(required(column, service)?, spec.unit_secs).map_err(|e| at(column, e))?)
        }
        None => None,
    };
    let class = match &spec.class_column {
        Some(column) => {
            let name = required(column, class)?;
            let index = spec
                .class_names
                .iter()
                .position(|c| c == name)
                .ok_or_else(|| {
                    at(
                        column,
                        format!(
                            "no class {name:?} in the scenario; its classes are {}",
                            spec.class_names.join(", ")
                        ),
                    )
                })?;
            Some(index as u16)
        }
        None => None,
    };
    let key = match &spec.key_column {
        Some(column) => Some(fnv1a(required(column, key)?.as_bytes())),
        None => None,
    };
    Ok(TraceRow {
        line,
        time,
        service,
        class,
        key,
    })
}

/// [`crate::data::time_value`], bit for bit, with a fast path for what nearly every row holds:
/// a plain number, finite and not negative in seconds. Anything else (a unit of its own, NaN, a
/// negative number, whitespace) takes the slow path, which also words the error.
fn time_of(text: &str, unit_secs: f64) -> Result<f64, String> {
    if let Ok(number) = text.parse::<f64>() {
        let secs = number * unit_secs;
        if secs.is_finite() && secs >= 0.0 {
            return Ok(secs);
        }
    }
    crate::data::time_value(text, unit_secs)
}

/// FNV-1a, 64 bits: a fixed hash, the same on every platform and in every version.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &byte| {
        (hash ^ byte as u64).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_path_gives_time_value_bit_for_bit() {
        for text in [
            "0",
            "-0",
            "12",
            "0.000000001",
            "123.456789012",
            "1e-300",
            "1e308",
            "-1",
            "NaN",
            "inf",
            " 12",
            "12 ",
            "12ms",
            "1.5s",
            "x",
            "",
            "\u{a0}12",
        ] {
            for unit in [1.0, 1e-3, 3600.0] {
                let fast = time_of(text, unit).map(f64::to_bits);
                let slow = crate::data::time_value(text, unit).map(f64::to_bits);
                assert_eq!(fast, slow, "{text:?} in units of {unit} s");
            }
        }
    }
}
