//! Knobs: the settings a learner may change, with their kinds, ranges and values.
//!
//! A knob's kind follows from how the instructor wrote it: `choices` make a select; integer
//! `min`/`max` an integer slider; floats a float slider; duration strings (`"10ms"`..`"2s"`) a
//! duration slider. Every value a learner (or a URL) supplies is checked here, so nothing out of
//! range ever reaches the engine.

use crate::scenario::Override;
use crate::time::SimDuration;
use std::fmt;

/// A knob value.
#[derive(Debug, Clone, PartialEq)]
pub enum KnobValue {
    Integer(i64),
    Float(f64),
    Duration(SimDuration),
    Text(String),
    Bool(bool),
}

impl KnobValue {
    /// Reads a TOML value as written in an exercise file.
    pub fn from_toml(value: &toml::Value) -> Option<KnobValue> {
        match value {
            toml::Value::Integer(n) => Some(KnobValue::Integer(*n)),
            toml::Value::Float(x) => Some(KnobValue::Float(*x)),
            toml::Value::Boolean(b) => Some(KnobValue::Bool(*b)),
            toml::Value::String(s) => Some(match s.parse::<SimDuration>() {
                Ok(d) => KnobValue::Duration(d),
                _ => KnobValue::Text(s.clone()),
            }),
            _ => None,
        }
    }

    /// The scenario edit that applies this value at `path`.
    pub fn to_override(&self, path: &str) -> Override {
        let value = match self {
            KnobValue::Integer(n) => toml_edit::Value::from(*n),
            KnobValue::Float(x) => toml_edit::Value::from(*x),
            KnobValue::Duration(d) => toml_edit::Value::from(d.to_string()),
            KnobValue::Text(s) => toml_edit::Value::from(s.as_str()),
            KnobValue::Bool(b) => toml_edit::Value::from(*b),
        };
        Override::new(path, value)
    }

    /// A number for ordering (par) and sliders; text has none.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            KnobValue::Integer(n) => Some(*n as f64),
            KnobValue::Float(x) => Some(*x),
            KnobValue::Duration(d) => Some(d.as_secs_f64()),
            KnobValue::Text(_) | KnobValue::Bool(_) => None,
        }
    }
}

impl fmt::Display for KnobValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KnobValue::Integer(n) => write!(f, "{n}"),
            KnobValue::Float(x) => write!(f, "{x}"),
            KnobValue::Duration(d) => write!(f, "{d}"),
            KnobValue::Text(s) => f.write_str(s),
            KnobValue::Bool(b) => write!(f, "{b}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum KnobKind {
    Integer {
        min: i64,
        max: i64,
        step: i64,
    },
    Float {
        min: f64,
        max: f64,
        step: f64,
    },
    Duration {
        min: SimDuration,
        max: SimDuration,
        step: SimDuration,
    },
    Choice(Vec<KnobValue>),
    /// The code of a policy script (`editor = "script"`): any text within the script size cap;
    /// whether it compiles is the scenario's validation to say, at its line and column.
    Script,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Knob {
    /// Dotted path into the scenario, e.g. `pool.workers`.
    pub path: String,
    pub label: String,
    pub kind: KnobKind,
    /// The value in the exercise's scenario: where the learner starts.
    pub start: KnobValue,
    pub unit: Option<String>,
    pub help: Option<String>,
}

impl Knob {
    /// Checks that `value` is allowed; the message says what is.
    pub fn check(&self, value: &KnobValue) -> Result<(), String> {
        match (&self.kind, value) {
            (KnobKind::Integer { min, max, .. }, KnobValue::Integer(n)) if n >= min && n <= max => {
                Ok(())
            }
            (KnobKind::Integer { min, max, .. }, _) => {
                Err(format!("must be a whole number from {min} to {max}"))
            }
            (KnobKind::Float { min, max, .. }, v)
                if v.as_f64().is_some_and(|x| x >= *min && x <= *max)
                    && !matches!(v, KnobValue::Duration(_)) =>
            {
                Ok(())
            }
            (KnobKind::Float { min, max, .. }, _) => {
                Err(format!("must be a number from {min} to {max}"))
            }
            (KnobKind::Duration { min, max, .. }, KnobValue::Duration(d))
                if d >= min && d <= max =>
            {
                Ok(())
            }
            (KnobKind::Duration { min, max, .. }, _) => {
                Err(format!("must be a duration from {min} to {max}"))
            }
            (KnobKind::Script, KnobValue::Text(code))
                if code.chars().count() <= crate::scenario::limits::MAX_SCRIPT_CHARS =>
            {
                Ok(())
            }
            (KnobKind::Script, KnobValue::Text(_)) => Err(format!(
                "the code is longer than the limit of {} characters",
                crate::scenario::limits::MAX_SCRIPT_CHARS
            )),
            (KnobKind::Script, _) => Err("must be the code of a script (a string)".into()),
            (KnobKind::Choice(choices), v) if choices.contains(v) => Ok(()),
            (KnobKind::Choice(choices), _) => Err(format!(
                "must be one of: {}",
                choices
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }

    /// Parses text typed by a learner or found in a URL, then checks it.
    pub fn parse(&self, text: &str) -> Result<KnobValue, String> {
        let code = text;
        let text = text.trim();
        let value = match &self.kind {
            // Code keeps its blank lines and indentation, so line numbers stay right.
            KnobKind::Script => KnobValue::Text(code.to_string()),
            // The range is in every refusal: "99999999999999999999" is a whole number, just
            // not one this knob takes.
            KnobKind::Integer { min, max, .. } => text
                .parse::<i64>()
                .map(KnobValue::Integer)
                .map_err(|_| format!("{text:?} is not a whole number from {min} to {max}"))?,
            KnobKind::Float { min, max, .. } => match text.parse::<f64>() {
                Ok(x) if x.is_finite() => KnobValue::Float(x),
                _ => return Err(format!("{text:?} is not a number from {min} to {max}")),
            },
            KnobKind::Duration { .. } => {
                KnobValue::Duration(text.parse::<SimDuration>().map_err(|e| e.to_string())?)
            }
            KnobKind::Choice(choices) => choices
                .iter()
                .find(|choice| choice.to_string() == text)
                .cloned()
                .unwrap_or_else(|| KnobValue::Text(text.to_string())),
        };
        self.check(&value).map(|()| value)
    }
}
