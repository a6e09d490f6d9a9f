//! Knob validation: a knob's kind from how it is written, its starting value from the scenario,
//! and every value (solution, par) checked against its range.

use super::Problems;
use crate::exercise::knob::{Knob, KnobKind, KnobValue};
use crate::exercise::raw::RawKnob;
use crate::scenario::error::{path_steps, PathStep};
use crate::time::SimDuration;

fn lookup<'a>(table: Option<&'a toml::Value>, path: &str) -> Option<&'a toml::Value> {
    let mut current = table?;
    for step in path_steps(path) {
        current = match step {
            PathStep::Key(key) => current.get(key)?,
            PathStep::Index(index) => current.get(index)?,
        };
    }
    Some(current)
}

pub(super) fn knob(
    p: &mut Problems,
    i: usize,
    raw: &RawKnob,
    scenario: Option<&toml::Value>,
) -> Option<Knob> {
    let here = |field: &str| format!("knobs[{i}].{field}");
    let path = p.required(&here("path"), &raw.path).to_string();
    let label = p.required(&here("label"), &raw.label).to_string();
    if path.is_empty() {
        return None;
    }
    if let Err(why) = crate::scenario::error::parse_path(&path) {
        p.add(here("path"), why);
        return None;
    }
    let kind = match (&raw.choices, &raw.min, &raw.max) {
        _ if raw.editor.is_some() => match raw.editor.as_deref() {
            Some("script") if raw.choices.is_none() && raw.min.is_none() && raw.max.is_none() => {
                KnobKind::Script
            }
            Some("script") => {
                p.add(
                    here("editor"),
                    "a script knob is edited as code: it takes no choices, min or max",
                );
                return None;
            }
            other => {
                p.add(
                    here("editor"),
                    format!("{other:?} is not an editor; the one there is: \"script\""),
                );
                return None;
            }
        },
        (Some(choices), None, None) => {
            let values: Option<Vec<KnobValue>> = choices.iter().map(KnobValue::from_toml).collect();
            match values {
                Some(values) if !values.is_empty() => KnobKind::Choice(values),
                _ => {
                    p.add(
                        here("choices"),
                        "list at least one value (strings, numbers or durations)",
                    );
                    return None;
                }
            }
        }
        (None, Some(min), Some(max)) => match range_kind(min, max, raw.step.as_ref()) {
            Ok(kind) => kind,
            Err((field, message)) => {
                p.add(here(field), message);
                return None;
            }
        },
        _ => {
            p.add(
                here("path"),
                "a knob has either choices = [...] or both min and max",
            );
            return None;
        }
    };
    let Some(start) = lookup(scenario, &path) else {
        p.add(
            here("path"),
            format!(
                "{path:?} is not set in [scenario]; give it the learner's starting value there"
            ),
        );
        return None;
    };
    let knob = Knob {
        path: path.clone(),
        label,
        kind,
        start: KnobValue::Text(String::new()),
        unit: raw.unit.clone(),
        help: raw.help.clone(),
    };
    match knob_value(&knob, start) {
        Ok(start) => Some(Knob { start, ..knob }),
        Err(message) => {
            p.add(
                format!("scenario.{path}"),
                format!("the starting value is outside the knob's range: {message}"),
            );
            None
        }
    }
}

/// A range knob's kind, or the field at fault (`min`, `max`, `step`) and why.
pub(super) fn range_kind(
    min: &toml::Value,
    max: &toml::Value,
    step: Option<&toml::Value>,
) -> Result<KnobKind, (&'static str, String)> {
    use toml::Value::Float;
    for (field, value) in [("min", min), ("max", max), ("step", step.unwrap_or(min))] {
        if let Float(number) = value {
            if !number.is_finite() {
                return Err((field, format!("must be a finite number, got {number}")));
            }
        }
    }
    let field = |error: String| {
        let field = if error.contains("step") {
            "step"
        } else {
            "min"
        };
        (field, error)
    };
    range_kind_of(min, max, step).map_err(field)
}

fn range_kind_of(
    min: &toml::Value,
    max: &toml::Value,
    step: Option<&toml::Value>,
) -> Result<KnobKind, String> {
    use toml::Value::{Float, Integer, String as Text};
    match (min, max) {
        (Integer(min), Integer(max)) if min <= max => {
            let step = match step {
                None => 1,
                Some(Integer(step)) if *step > 0 => *step,
                Some(Float(_)) => {
                    return Err("a decimal step needs decimal bounds: write min and max as 1.0, 8.0 for a decimal slider".into())
                }
                Some(_) => return Err("step must be a positive whole number".into()),
            };
            Ok(KnobKind::Integer {
                min: *min,
                max: *max,
                step,
            })
        }
        (Integer(_) | Float(_), Integer(_) | Float(_)) => {
            let (min, max) = (
                min.as_float().or(min.as_integer().map(|n| n as f64)),
                max.as_float().or(max.as_integer().map(|n| n as f64)),
            );
            let (Some(min), Some(max)) = (min, max) else {
                return Err("min and max must be numbers".into());
            };
            if !(min.is_finite() && max.is_finite() && min <= max) {
                return Err("min must not exceed max".into());
            }
            let step = match step {
                None => (max - min) / 100.0,
                Some(Float(step)) if *step > 0.0 => *step,
                Some(Integer(step)) if *step > 0 => *step as f64,
                Some(_) => return Err("step must be a positive number".into()),
            };
            Ok(KnobKind::Float { min, max, step })
        }
        (Text(min), Text(max)) => {
            let min: SimDuration = min
                .parse()
                .map_err(|e: crate::time::ParseDurationError| e.to_string())?;
            let max: SimDuration = max
                .parse()
                .map_err(|e: crate::time::ParseDurationError| e.to_string())?;
            if min > max {
                return Err("min must not exceed max".into());
            }
            let step = match step {
                None => SimDuration::from_nanos(((max.as_nanos() - min.as_nanos()) / 100).max(1)),
                Some(Text(step)) => match step.parse::<SimDuration>() {
                    Ok(step) if step.is_zero() => {
                        return Err("step must be longer than zero".into())
                    }
                    Ok(step) => step,
                    Err(e) => return Err(format!("step: {e}")),
                },
                Some(_) => return Err("step must be a duration like \"10ms\"".into()),
            };
            Ok(KnobKind::Duration { min, max, step })
        }
        _ => Err(
            "min and max must both be whole numbers, numbers, or durations like \"10ms\"".into(),
        ),
    }
}

/// Reads a TOML value for a knob and checks it against the knob's range.
pub(super) fn knob_value(knob: &Knob, value: &toml::Value) -> Result<KnobValue, String> {
    let value = match (&knob.kind, value) {
        (KnobKind::Float { .. }, toml::Value::Integer(n)) => KnobValue::Float(*n as f64),
        (KnobKind::Duration { .. }, toml::Value::String(s)) => KnobValue::Duration(
            s.parse()
                .map_err(|e: crate::time::ParseDurationError| e.to_string())?,
        ),
        (_, other) => {
            KnobValue::from_toml(other).ok_or("must be a number, a duration or a string")?
        }
    };
    knob.check(&value).map(|()| value)
}
