//! Collects validation errors by field path, with the checks every table needs: durations,
//! counts within a range, rates, fractions and choices among names.

use super::*;
use crate::scenario::error::ErrorKind;

#[derive(Default)]
pub(super) struct Checker {
    errors: Vec<ScenarioError>,
    /// Where the data files a scenario names are read from; `None` where there are none (the
    /// browser, exercises): naming a file is then an error.
    pub(super) files: Option<std::sync::Arc<dyn crate::data::DataFiles>>,
}

impl Checker {
    pub(super) fn is_clean(&self) -> bool {
        self.errors.is_empty()
    }

    pub(super) fn error_count(&self) -> usize {
        self.errors.len()
    }

    pub(super) fn into_errors(self) -> Vec<ScenarioError> {
        self.errors
    }

    pub(super) fn error(&mut self, path: &str, message: impl Into<String>) {
        self.errors.push(ScenarioError::at_path(path, message));
    }

    /// An error of a given kind (see [`ErrorKind`]); [`Checker::error`] picks `Invalid` (or
    /// `Missing` for "is required …").
    pub(super) fn error_of(&mut self, kind: ErrorKind, path: &str, message: impl Into<String>) {
        self.errors
            .push(ScenarioError::at_path(path, message).of_kind(kind));
    }

    /// Records an error built elsewhere (with a place inside a field's text, say).
    pub(super) fn push(&mut self, error: ScenarioError) {
        self.errors.push(error);
    }

    pub(super) fn duration(
        &mut self,
        path: &str,
        raw: &Option<RawDuration>,
    ) -> Option<SimDuration> {
        let raw = raw.as_ref()?;
        match raw.0.parse::<SimDuration>() {
            Ok(duration) => Some(duration),
            Err(err) => {
                self.error_of(ErrorKind::Malformed, path, err.to_string());
                None
            }
        }
    }

    pub(super) fn required_duration(
        &mut self,
        path: &str,
        raw: &Option<RawDuration>,
    ) -> Option<SimDuration> {
        if raw.is_none() {
            self.error(path, "is required (a duration such as \"250ms\")");
        }
        self.duration(path, raw)
    }

    pub(super) fn positive_duration(
        &mut self,
        path: &str,
        raw: &Option<RawDuration>,
    ) -> Option<SimDuration> {
        let duration = self.required_duration(path, raw)?;
        if duration.is_zero() {
            self.error(path, "must be longer than zero");
            return None;
        }
        Some(duration)
    }

    pub(super) fn count(
        &mut self,
        path: &str,
        value: Option<i64>,
        min: i64,
        max: i64,
    ) -> Option<usize> {
        let value = value?;
        if value < min || value > max {
            let hint = if value < min && min == 1 {
                " (a count of zero or less cannot work)"
            } else {
                ""
            };
            let range = if max == i64::MAX {
                format!("must be at least {min}")
            } else {
                format!("must be between {min} and {max}")
            };
            self.error_of(
                ErrorKind::OutOfRange,
                path,
                format!("{range}, got {value}{hint}"),
            );
            return None;
        }
        Some(value as usize)
    }

    pub(super) fn rate(&mut self, path: &str, value: Option<f64>) -> Option<f64> {
        use crate::scenario::limits::{readable, MAX_RATE, MIN_POSITIVE_RATE};
        let value = value?;
        if !value.is_finite() || value < 0.0 {
            self.error_of(
                ErrorKind::OutOfRange,
                path,
                format!("must be a finite rate ≥ 0 (jobs per second), got {value}"),
            );
            return None;
        }
        if value > MAX_RATE {
            self.error_of(
                ErrorKind::OutOfRange,
                path,
                format!("must be at most {MAX_RATE:.0e} per second (a gap of 100 ns: the clock counts whole nanoseconds, so faster arrivals would pile up at the same instants), got {}", readable(value)),
            );
            return None;
        }
        if value > 0.0 && value < MIN_POSITIVE_RATE {
            self.error_of(
                ErrorKind::OutOfRange,
                path,
                format!("must be 0 or at least {MIN_POSITIVE_RATE:.0e} per second (one in 31.7 years; slower, the next arrival would fall past the end of the simulated clock), got {}", readable(value)),
            );
            return None;
        }
        Some(value)
    }

    pub(super) fn choice<'a>(
        &mut self,
        path: &str,
        value: Option<&str>,
        choices: &[&'a str],
        default: &'a str,
    ) -> Option<&'a str> {
        let Some(value) = value else {
            return Some(default);
        };
        match choices.iter().find(|&&choice| choice == value) {
            Some(&choice) => Some(choice),
            None => {
                self.error_of(
                    ErrorKind::UnknownChoice,
                    path,
                    format!(
                        "unknown value {value:?}; expected one of: {}",
                        choices.join(", ")
                    ),
                );
                None
            }
        }
    }

    pub(super) fn fraction(&mut self, path: &str, value: Option<f64>, default: f64) -> f64 {
        match value {
            Some(v) if !(0.0..=1.0).contains(&v) => {
                self.error_of(
                    ErrorKind::OutOfRange,
                    path,
                    format!("must be a fraction between 0 and 1, got {v}"),
                );
                default
            }
            Some(v) => v,
            None => default,
        }
    }
}
