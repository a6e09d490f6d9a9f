//! Scenario files: what to simulate, as TOML, parsed in two stages.
//!
//! 1. [`raw`]: serde structs mirroring the file, unknown keys refused (syntax and type errors
//!    come with the TOML parser's position).
//! 2. [`validate`]: domain checks into a [`Config`] that cannot be invalid, every problem reported
//!    with its field path, which [`error::locate`] turns into `file:line:col`.
//!
//! Overrides (`--set pool.workers=8`, an exercise's knobs) edit the TOML document *before* both
//! stages, so an overridden value is checked exactly like a written one.
//!
//! ```
//! let text = "[run]\ncustomers = 1000\n[arrivals]\nprocess = \"poisson\"\nrate = 3\n\
//!             [service]\ndistribution = \"exponential\"\nmean = \"1s\"\n[pool]\nworkers = 0\n";
//! let errors = queuelab::scenario::parse(text, "mm.toml").unwrap_err();
//! assert_eq!(errors.to_string(), "mm.toml:10:11: pool.workers: must be between 1 and 100000, got 0 (a count of zero or less cannot work)");
//! let fixed = queuelab::scenario::parse_with_overrides(text, "mm.toml", &["pool.workers=4".parse().unwrap()]).unwrap();
//! assert_eq!(fixed.workers, 4);
//! ```

mod arrivals_config;
mod autoscaler_config;
pub mod config;
pub mod error;
mod limiter_config;
pub mod limits;
pub mod network;
mod operations_config;
mod queue_config;
pub mod raw;
pub mod validate;

pub use config::*;
pub use error::{ErrorKind, ScenarioError, ScenarioErrors};

use std::str::FromStr;

/// One `path=value` edit of a scenario, e.g. `queue.on_full=block` or `classes[0].weight=3`.
#[derive(Debug, Clone)]
pub struct Override {
    pub path: String,
    pub value: toml_edit::Value,
}

impl Override {
    pub fn new(path: impl Into<String>, value: toml_edit::Value) -> Self {
        Override {
            path: path.into(),
            value,
        }
    }
}

impl FromStr for Override {
    type Err = ScenarioError;

    /// `path=value`; the value is read as TOML (`8`, `0.5`, `true`, `"x"`) and otherwise taken as
    /// a bare string, so `queue.on_full=block` needs no quotes.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let Some((path, value)) = text.split_once('=') else {
            return Err(ScenarioError::unplaced(
                ErrorKind::Override,
                "--set",
                format!("{text:?} is not of the form path=value (e.g. pool.workers=8)"),
            ));
        };
        let (path, value) = (path.trim(), value.trim());
        if path.is_empty() {
            return Err(ScenarioError::unplaced(
                ErrorKind::Override,
                "--set",
                format!("{text:?} has no field path before '='"),
            ));
        }
        if let Err(why) = error::parse_path(path) {
            return Err(ScenarioError::unplaced(ErrorKind::Override, "--set", why));
        }
        let value = value
            .parse::<toml_edit::Value>()
            .unwrap_or_else(|_| toml_edit::Value::from(value));
        Ok(Override::new(path, value))
    }
}

/// Parses and validates a scenario file. `origin` names it in error messages.
pub fn parse(text: &str, origin: &str) -> Result<Config, ScenarioErrors> {
    parse_with_overrides(text, origin, &[])
}

/// Parses a scenario after applying overrides.
pub fn parse_with_overrides(
    text: &str,
    origin: &str,
    overrides: &[Override],
) -> Result<Config, ScenarioErrors> {
    parse_with_files(text, origin, overrides, None)
}

/// Parses a scenario after applying overrides, reading the data files it names from `files`
/// (the CLI resolves them next to the scenario file; without, naming a file is an error).
pub fn parse_with_files(
    text: &str,
    origin: &str,
    overrides: &[Override],
    files: Option<std::sync::Arc<dyn crate::data::DataFiles>>,
) -> Result<Config, ScenarioErrors> {
    check_input_size(text, origin)?;
    let edited = apply_overrides(text, "", overrides).map_err(|e| ScenarioErrors(vec![e]))?;
    let raw: raw::RawScenario = toml::from_str(&edited).map_err(|e| {
        let error = culprit_override::<raw::RawScenario>(text, "", overrides)
            .unwrap_or_else(|| syntax_error(&e, &edited, origin));
        ScenarioErrors(vec![error])
    })?;
    validate::validate_with_files(&raw, files)
        .map_err(|errors| ScenarioErrors(position_errors(errors, &edited, origin, "", overrides)))
}

/// Refuses a text past [`limits::MAX_INPUT_BYTES`] before it is parsed.
pub fn check_input_size(text: &str, origin: &str) -> Result<(), ScenarioErrors> {
    match limits::input_too_large(text.len()) {
        None => Ok(()),
        Some(message) => Err(ScenarioErrors(vec![ScenarioError::unplaced(
            ErrorKind::TooLarge,
            origin,
            format!("the text {message}"),
        )])),
    }
}

/// Applies overrides to the table at `prefix` (empty for the document root) of a TOML text.
pub fn apply_overrides(
    text: &str,
    prefix: &str,
    overrides: &[Override],
) -> Result<String, ScenarioError> {
    if overrides.is_empty() {
        return Ok(text.to_string());
    }
    if overrides.len() > limits::MAX_OVERRIDES {
        return Err(ScenarioError::unplaced(
            ErrorKind::TooLarge,
            "--set",
            limits::too_many(overrides.len(), limits::MAX_OVERRIDES, "overrides"),
        ));
    }
    let mut document: toml_edit::DocumentMut =
        text.parse().map_err(|e: toml_edit::TomlError| {
            let (line, column) = e
                .span()
                .map_or((0, 0), |span| error::line_col(text, span.start));
            ScenarioError {
                line,
                column,
                ..ScenarioError::unplaced(ErrorKind::Syntax, "", e.message())
            }
        })?;
    for edit in overrides {
        let full_path = if prefix.is_empty() {
            edit.path.clone()
        } else {
            format!("{prefix}.{}", edit.path)
        };
        set_path(document.as_item_mut(), &full_path, edit.value.clone()).map_err(|message| {
            ScenarioError {
                path: edit.path.clone(),
                ..ScenarioError::unplaced(ErrorKind::Override, "--set", message)
            }
        })?;
    }
    Ok(document.to_string())
}

fn set_path(root: &mut toml_edit::Item, path: &str, value: toml_edit::Value) -> Result<(), String> {
    // parse_path caps the depth, which bounds the recursion below.
    set_in_item(root, &error::parse_path(path)?, value)
}

fn set_in_item(
    item: &mut toml_edit::Item,
    steps: &[error::PathStep<'_>],
    value: toml_edit::Value,
) -> Result<(), String> {
    use error::PathStep;
    match steps.first() {
        None => Err("empty path".into()),
        Some(PathStep::Key(key)) => {
            if item.is_none() {
                *item = toml_edit::Item::Table(toml_edit::Table::new());
            }
            let table = item
                .as_table_like_mut()
                .ok_or(format!("cannot set {key:?}: its parent is not a table"))?;
            set_in_table(table, steps, value)
        }
        Some(&PathStep::Index(index)) => {
            let out_of_range = |count: usize| {
                format!("index [{index}] is out of range: there are {count} entries")
            };
            match item {
                toml_edit::Item::ArrayOfTables(tables) => {
                    let count = tables.len();
                    let table = tables.get_mut(index).ok_or_else(|| out_of_range(count))?;
                    if steps.len() == 1 {
                        return Err("cannot replace a whole table; set one of its fields".into());
                    }
                    set_in_table(table, &steps[1..], value)
                }
                toml_edit::Item::Value(toml_edit::Value::Array(array)) => {
                    if index >= array.len() {
                        return Err(out_of_range(array.len()));
                    }
                    if steps.len() > 1 {
                        return Err("only whole values inside inline arrays can be set".into());
                    }
                    array.replace(index, value);
                    Ok(())
                }
                _ => Err(format!("[{index}] applies only to arrays")),
            }
        }
    }
}

fn set_in_table(
    table: &mut dyn toml_edit::TableLike,
    steps: &[error::PathStep<'_>],
    value: toml_edit::Value,
) -> Result<(), String> {
    let Some(error::PathStep::Key(key)) = steps.first() else {
        return Err("expected a field name".into());
    };
    if steps.len() == 1 {
        table.insert(key, toml_edit::Item::Value(value));
        return Ok(());
    }
    if table.get(key).is_none() {
        table.insert(key, toml_edit::Item::Table(toml_edit::Table::new()));
    }
    let child = table.get_mut(key).ok_or("field vanished")?;
    set_in_item(child, &steps[1..], value)
}

/// Converts a TOML/serde error into a positioned error.
/// The first override that makes a file which reads well on its own unreadable (a value of the
/// wrong type), as an error that names that `--set`.
/// `T` is the file's shape and `prefix` the table the overrides apply to (`scenario` in an
/// exercise file); the error names the override with that prefix, as validation errors do.
pub fn culprit_override<T: serde::de::DeserializeOwned>(
    text: &str,
    prefix: &str,
    overrides: &[Override],
) -> Option<ScenarioError> {
    toml::from_str::<T>(text).ok()?;
    (1..=overrides.len()).find_map(|applied| {
        let edited = apply_overrides(text, prefix, &overrides[..applied]).ok()?;
        let error = toml::from_str::<T>(&edited).err()?;
        let edit = &overrides[applied - 1];
        let path = if prefix.is_empty() {
            edit.path.clone()
        } else {
            format!("{prefix}.{}", edit.path)
        };
        Some(ScenarioError {
            path: path.clone(),
            ..ScenarioError::unplaced(
                error::toml_error_kind(error.message()),
                format!("--set {path}={}", edit.value.to_string().trim()),
                in_toml_terms(error.message()),
            )
        })
    })
}

/// serde names Rust types; a scenario author thinks in TOML's.
fn in_toml_terms(message: &str) -> String {
    message
        .trim()
        .replace("expected i64", "expected a whole number")
        .replace("expected u64", "expected a whole number")
        .replace("expected f64", "expected a number")
}

pub fn syntax_error(error: &toml::de::Error, text: &str, origin: &str) -> ScenarioError {
    let (line, column) = error
        .span()
        .map_or((0, 0), |span| error::line_col(text, span.start));
    let path = error
        .span()
        .and_then(|span| error::path_at(text, span.start))
        .unwrap_or_default();
    let mut positioned = ScenarioError {
        line,
        column,
        path,
        ..ScenarioError::unplaced(
            error::toml_error_kind(error.message()),
            origin,
            in_toml_terms(error.message()),
        )
    };
    positioned.set_byte_range(error.span());
    positioned
}

/// Gives validation errors their file position; errors on overridden fields point at `--set`.
pub fn position_errors(
    errors: Vec<ScenarioError>,
    text: &str,
    origin: &str,
    prefix: &str,
    overrides: &[Override],
) -> Vec<ScenarioError> {
    let total = errors.len();
    // Parsed once for every error, not once per error.
    let document = toml_edit::Document::parse(text).ok();
    let mut positioned: Vec<ScenarioError> = errors
        .into_iter()
        .take(limits::MAX_REPORTED_ERRORS)
        .map(|mut error| {
            if let Some(edit) = overrides.iter().find(|edit| {
                error.path == edit.path || error.path.starts_with(&format!("{}.", edit.path))
            }) {
                match error.within {
                    // A script's code is too long to quote: its place in the code says where.
                    Some((line, column)) => {
                        error.origin = format!("--set {}", edit.path);
                        (error.line, error.column) = (line as usize, column as usize);
                    }
                    None => {
                        error.origin =
                            format!("--set {}={}", edit.path, edit.value.to_string().trim());
                    }
                }
                return error;
            }
            let full_path = if prefix.is_empty() {
                error.path.clone()
            } else {
                format!("{prefix}.{}", error.path)
            };
            if let Some(span) = document
                .as_ref()
                .and_then(|document| error::locate_in(document, &full_path))
            {
                let within = error.within.map(|(line, column)| {
                    let within = (line as usize, column as usize);
                    (within, error::line_col_within(text, span.clone(), within))
                });
                (error.line, error.column) = match within {
                    Some((_, Some(place))) => place,
                    Some(((line, column), None)) => {
                        error.message = format!(
                            "{} (line {line}, column {column} of the code)",
                            error.message
                        );
                        error::line_col(text, span.start)
                    }
                    None => error::line_col(text, span.start),
                };
                error.set_byte_range(Some(span));
            }
            error.origin = origin.to_string();
            error
        })
        .collect();
    if total > positioned.len() {
        positioned.push(ScenarioError::unplaced(
            ErrorKind::MoreProblems,
            origin,
            format!(
                "and {} more problems (only the first {} are listed)",
                total - positioned.len(),
                limits::MAX_REPORTED_ERRORS
            ),
        ));
    }
    positioned
}
