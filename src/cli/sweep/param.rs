//! `--param PATH=VALUES`: the swept field and its values, counted before they are built so a
//! range too long for a sweep is refused without allocating it.

use crate::scenario::limits::MAX_SWEEP_VALUES;

/// Parses `path=1..32`, `path=0.5..2.0:0.25` or `path=a,b,c` into the path and its values.
/// The count is known before anything is collected: a range of more than
/// [`MAX_SWEEP_VALUES`] values is refused without building it.
pub fn parse_param(text: &str) -> Result<(String, Vec<toml_edit::Value>), String> {
    let (path, values) = text
        .split_once('=')
        .ok_or_else(|| format!("--param {text:?}: expected PATH=FROM..TO[:STEP] or PATH=A,B,C"))?;
    let (path, values) = (path.trim(), values.trim());
    if path.is_empty() {
        return Err(format!(
            "--param {text:?}: the field path before '=' is missing"
        ));
    }
    let bad = |why: &str| format!("--param {text:?}: {why}");
    crate::scenario::error::parse_path(path).map_err(|why| bad(&why))?;
    let too_many = |count: f64| {
        bad(&format!(
            "the range has {} values, more than the limit of {MAX_SWEEP_VALUES}; use a larger step",
            if count < 1e15 {
                format!("{count:.0}")
            } else if count.is_finite() {
                format!("about {count:.1e}")
            } else {
                "more than 1e308".to_string()
            }
        ))
    };
    let list: Vec<toml_edit::Value> = if let Some((from, rest)) = values.split_once("..") {
        let (to, step) = match rest.split_once(':') {
            Some((to, step)) => (to, Some(step)),
            None => (rest, None),
        };
        let integers = [from, to]
            .iter()
            .chain(step.iter())
            .all(|s| s.trim().parse::<i64>().is_ok());
        if integers {
            let (from, to) = (
                from.trim().parse::<i64>().unwrap_or(0),
                to.trim().parse::<i64>().unwrap_or(0),
            );
            let step = step
                .map_or(Ok(1), |s| s.trim().parse::<i64>())
                .map_err(|_| bad("the step is not a number"))?;
            if step <= 0 || to < from {
                return Err(bad("the range must run upwards with a positive step"));
            }
            let count = (i128::from(to) - i128::from(from)) / i128::from(step) + 1;
            if count > MAX_SWEEP_VALUES as i128 {
                return Err(too_many(count as f64));
            }
            (from..=to)
                .step_by(step as usize)
                .map(toml_edit::Value::from)
                .collect()
        } else {
            let number = |s: &str| {
                s.trim()
                    .parse::<f64>()
                    .map_err(|_| bad(&format!("{s:?} is not a number")))
            };
            let (from, to) = (number(from)?, number(to)?);
            let step = match step {
                Some(step) => number(step)?,
                None => (to - from) / 10.0,
            };
            if !(from.is_finite() && to.is_finite()) {
                return Err(bad("the range's ends must be finite numbers"));
            }
            if !(step > 0.0 && to >= from) {
                return Err(bad("the range must run upwards with a positive step"));
            }
            let count = ((to - from) / step + 1e-9).floor() + 1.0;
            if count > MAX_SWEEP_VALUES as f64 {
                return Err(too_many(count));
            }
            (0..count as usize)
                .map(|i| toml_edit::Value::from(from + step * i as f64))
                .collect()
        }
    } else {
        let items: Vec<&str> = values.split(',').map(str::trim).collect();
        if let Some(empty) = items.iter().position(|item| item.is_empty()) {
            return Err(bad(&format!(
                "item {} of the list is empty (two commas, or a comma at an end); write each value",
                empty + 1
            )));
        }
        if items.len() > MAX_SWEEP_VALUES {
            return Err(bad(&format!(
                "{} values, more than the limit of {MAX_SWEEP_VALUES}",
                items.len()
            )));
        }
        items
            .into_iter()
            .map(|v| {
                v.parse::<toml_edit::Value>()
                    .unwrap_or_else(|_| toml_edit::Value::from(v))
            })
            .collect()
    };
    if list.is_empty() {
        return Err(bad("no values"));
    }
    Ok((path.to_string(), list))
}

pub fn display_value(value: &toml_edit::Value) -> String {
    match value {
        toml_edit::Value::String(s) => s.value().clone(),
        other => other.to_string().trim().to_string(),
    }
}

/// Where a value sits on the chart's x axis: the number itself, or its position for a value
/// that is not a number (`reject`, `block`).
pub fn x_of(index: usize, value: &toml_edit::Value) -> f64 {
    value
        .as_integer()
        .map(|n| n as f64)
        .or(value.as_float())
        .unwrap_or(index as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn param_ranges_lists_and_steps_parse() {
        let (path, values) = parse_param("pool.workers=1..4").unwrap();
        assert_eq!(path, "pool.workers");
        assert_eq!(
            values.iter().map(display_value).collect::<Vec<_>>(),
            ["1", "2", "3", "4"]
        );
        let (_, values) = parse_param("pool.workers=2..10:4").unwrap();
        assert_eq!(
            values.iter().map(display_value).collect::<Vec<_>>(),
            ["2", "6", "10"]
        );
        let (_, values) = parse_param("arrivals.rate=1.0..2.0:0.5").unwrap();
        assert_eq!(values.len(), 3);
        let (_, values) = parse_param("queue.on_full=reject,block").unwrap();
        assert_eq!(
            values.iter().map(display_value).collect::<Vec<_>>(),
            ["reject", "block"]
        );
    }

    #[test]
    fn bad_params_are_explained() {
        for bad in [
            "pool.workers",
            "=1..3",
            "pool.workers=5..1",
            "pool.workers=1..x",
            "a=1..5:0",
            "pool.workers=1,,3",
            "pool.workers=1,3,",
            "pool..workers=1,2",
            "a=1e-300..1e300:1e-300",
            "a=0..9223372036854775807",
            "a=-9223372036854775808..9223372036854775807",
            "a=0..inf",
        ] {
            assert!(parse_param(bad).unwrap_err().contains("--param"), "{bad}");
        }
    }

    #[test]
    fn too_many_values_and_empty_items_say_why() {
        let error = parse_param("a=1e-300..1e300:1e-300").unwrap_err();
        assert!(error.contains("more than 1e308 values"), "{error}");
        let error = parse_param("a=0..1e300:1").unwrap_err();
        assert!(error.contains("about 1.0e300 values"), "{error}");
        let error = parse_param("a=0..5000").unwrap_err();
        assert!(
            error.contains("5001 values, more than the limit of 1000"),
            "{error}"
        );
        let error = parse_param("pool.workers=1,,3").unwrap_err();
        assert!(error.contains("item 2 of the list is empty"), "{error}");
        assert_eq!(parse_param("a=0..999").unwrap().1.len(), 1000);
    }
}
