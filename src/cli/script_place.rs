//! Where a policy script's runtime fault is in the user's own files. The engine knows only the
//! line and column within the code it ran; the command line knows where that code came from — a
//! `code_file` next to the scenario, or a `code = """..."""` block at some line of the scenario —
//! and says `file:line:col` like a compiler, so an editor can jump there.

use crate::report::summary::ScriptErrorSummary;
use std::path::{Path, PathBuf};

/// The scenario as read, to place script faults in it.
pub(crate) struct ScriptSources {
    text: String,
    scenario: PathBuf,
    /// Paths set by `--set`: code given there has no place in a file.
    overridden: Vec<String>,
}

impl ScriptSources {
    pub(crate) fn new(text: String, scenario: &Path, overridden: Vec<String>) -> Self {
        ScriptSources {
            text,
            scenario: scenario.to_path_buf(),
            overridden,
        }
    }

    /// `file:line:col` of the fault, when it lies in the code and the code is in a file.
    pub(crate) fn place(&self, fault: &ScriptErrorSummary) -> Option<String> {
        if fault.line == 0 {
            return None;
        }
        let table = match fault.hook.as_str() {
            "overflow" => "queue",
            hook => hook,
        };
        // An exercise file holds its scenario under `[scenario]`.
        let table = match crate::exercise::is_exercise(&self.text) {
            true => format!("scenario.{table}"),
            false => table.to_string(),
        };
        // Only an override of where the code comes from moves it out of the files.
        let set_on_command_line = self.overridden.iter().any(|path| {
            let path = path.strip_prefix("scenario.").unwrap_or(path);
            let table = table.strip_prefix("scenario.").unwrap_or(&table);
            path == table
                || ["code", "code_file", "kind", "on_full"]
                    .iter()
                    .any(|field| path == format!("{table}.{field}"))
        });
        if set_on_command_line {
            return None;
        }
        let (line, column) = (fault.line as usize, fault.column as usize);
        let document = toml_edit::Document::parse(self.text.as_str()).ok()?;
        let code_file = crate::scenario::error::locate_in(&document, &format!("{table}.code_file"))
            .and_then(|span| self.text.get(span))
            .and_then(|value| value.parse::<toml_edit::Value>().ok())
            .and_then(|value| value.as_str().map(str::to_string));
        if let Some(name) = code_file {
            let base = self.scenario.parent().unwrap_or(Path::new(""));
            return Some(format!("{}:{line}:{column}", base.join(name).display()));
        }
        let span = crate::scenario::error::locate_in(&document, &format!("{table}.code"))?;
        let (line, column) =
            crate::scenario::error::line_col_within(&self.text, span, (line, column))?;
        Some(format!("{}:{line}:{column}", self.scenario.display()))
    }

    /// The fault as the command line says it: its place first, when it has one.
    pub(crate) fn describe(&self, fault: &ScriptErrorSummary) -> String {
        match self.place(fault) {
            Some(place) => format!("{place}: {fault}; the run stops there"),
            None => format!("{fault}; the run stops there"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(hook: &str, line: u64, column: u64) -> ScriptErrorSummary {
        ScriptErrorSummary {
            hook: hook.into(),
            line,
            column,
            at_seconds: 1.5,
            message: "boom".into(),
        }
    }

    const SCENARIO: &str = "[run]\nseed = 1\n\n[autoscaler]\nkind = \"script\"\ncode = \"\"\"\nlet a = 1;\nfn desired_workers(pool) {\n    pool.nope\n}\n\"\"\"\n\n[queue]\non_full = \"script\"\ncode_file = \"full.rhai\"\n";

    #[test]
    fn a_fault_in_inline_code_is_placed_in_the_scenario() {
        let sources = ScriptSources::new(SCENARIO.into(), Path::new("dir/s.toml"), vec![]);
        assert_eq!(
            sources.place(&fault("autoscaler", 3, 5)).as_deref(),
            Some("dir/s.toml:9:5")
        );
        assert!(sources
            .describe(&fault("autoscaler", 3, 5))
            .starts_with("dir/s.toml:9:5: the autoscaler script failed at t = 1.500 s"));
    }

    #[test]
    fn a_fault_in_a_code_file_is_placed_in_that_file() {
        let sources = ScriptSources::new(SCENARIO.into(), Path::new("dir/s.toml"), vec![]);
        assert_eq!(
            sources.place(&fault("overflow", 2, 7)).as_deref(),
            Some("dir/full.rhai:2:7")
        );
    }

    #[test]
    fn no_place_for_a_returned_value_or_code_set_on_the_command_line() {
        let sources = ScriptSources::new(
            SCENARIO.into(),
            Path::new("s.toml"),
            vec!["autoscaler.code".into()],
        );
        assert_eq!(sources.place(&fault("autoscaler", 3, 5)), None);
        let other_field = ScriptSources::new(
            SCENARIO.into(),
            Path::new("s.toml"),
            vec!["autoscaler.max_workers".into()],
        );
        assert_eq!(
            other_field.place(&fault("autoscaler", 3, 5)).as_deref(),
            Some("s.toml:9:5"),
            "another field set on the command line leaves the code where it is"
        );
        assert_eq!(sources.place(&fault("overflow", 0, 0)), None);
        assert_eq!(
            sources.place(&fault("limiter", 1, 1)),
            None,
            "no such table"
        );
    }
}
