//! Errors that say where and what: `file:line:col: field.path: message`.
//!
//! Validation works on parsed values, which have no positions; errors carry the dotted field path
//! (`queue.capacity`, `classes[1].weight`) and [`locate`] finds that path's position in the source
//! text afterwards. This keeps validation code free of span plumbing.

use std::fmt;

/// What kind of problem an error is, for code that reacts to errors (an editor marking fields,
/// a test asserting the right refusal) without reading messages. The message stays the
/// explanation for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Not valid TOML.
    Syntax,
    /// A field the format does not have.
    UnknownField,
    /// A required field is missing.
    Missing,
    /// A value of the wrong type or form (`"5 parsecs"` for a duration, a string for a count).
    Malformed,
    /// A number outside its range.
    OutOfRange,
    /// A name that is not one of the allowed ones (`on_full = "drop"`, a stage that does not
    /// exist).
    UnknownChoice,
    /// Past one of the size limits (`limits.rs`): a file, a list, a number of overrides.
    TooLarge,
    /// A policy script that does not compile or breaks a sandbox rule.
    Script,
    /// A `--set`/`--param` override that cannot be applied.
    Override,
    /// Fields that contradict each other, or a value that cannot work here.
    Invalid,
    /// The line saying more problems were found than are listed.
    MoreProblems,
}

/// One problem in a scenario or exercise file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioError {
    pub kind: ErrorKind,
    /// Byte range in the file of the value (or field) at fault, once positioned; `None` for an
    /// override, or when the path could not be found (files are at most 1 MiB, so `u32` holds
    /// it and the error stays small). [`ScenarioError::byte_range`] gives it as `usize`.
    pub span: Option<std::ops::Range<u32>>,
    /// File name (or `--set` for a command-line override); empty when unknown.
    pub origin: String,
    /// 1-based line and column, 0 when unknown.
    pub line: usize,
    pub column: usize,
    /// Dotted path of the field, e.g. `queue.capacity`; empty for syntax errors.
    pub path: String,
    pub message: String,
    /// For a problem inside a multi-line text field (a script's `code`): its 1-based line and
    /// column within the text, which positioning turns into the file's line and column.
    pub within: Option<(u32, u32)>,
}

impl ScenarioError {
    /// A problem with the field at `path`, of kind [`ErrorKind::Invalid`] — or
    /// [`ErrorKind::Missing`] when the message starts "is required", as every message about a
    /// missing field does.
    pub fn at_path(path: impl Into<String>, message: impl Into<String>) -> Self {
        let message = message.into();
        let kind = if message.starts_with("is required") {
            ErrorKind::Missing
        } else {
            ErrorKind::Invalid
        };
        ScenarioError {
            kind,
            span: None,
            within: None,
            origin: String::new(),
            line: 0,
            column: 0,
            path: path.into(),
            message,
        }
    }

    /// Where the faulty value is in the file's text, once positioned.
    pub fn byte_range(&self) -> Option<std::ops::Range<usize>> {
        self.span
            .as_ref()
            .map(|span| span.start as usize..span.end as usize)
    }

    /// Records the faulty value's place in the file's text.
    pub fn set_byte_range(&mut self, range: Option<std::ops::Range<usize>>) {
        self.span = range.map(|range| {
            let clamp = |at: usize| u32::try_from(at).unwrap_or(u32::MAX);
            clamp(range.start)..clamp(range.end)
        });
    }

    /// The same error, of another kind.
    pub fn of_kind(mut self, kind: ErrorKind) -> Self {
        self.kind = kind;
        self
    }

    /// A problem outside any file (`origin`: `--set`, a file name), with no position.
    pub fn unplaced(
        kind: ErrorKind,
        origin: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        ScenarioError {
            kind,
            origin: origin.into(),
            ..ScenarioError::at_path("", message)
        }
    }
}

/// The kind of a TOML reader's error, from its message: serde words an unknown field
/// "unknown field", a missing one "missing field", and a wrong type "invalid type".
pub fn toml_error_kind(message: &str) -> ErrorKind {
    if message.contains("unknown field") {
        ErrorKind::UnknownField
    } else if message.contains("missing field") {
        ErrorKind::Missing
    } else if message.contains("invalid type")
        || message.contains("invalid value")
        || message.contains("unknown variant")
    {
        ErrorKind::Malformed
    } else {
        ErrorKind::Syntax
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.origin.is_empty() {
            write!(f, "{}:", self.origin)?;
        }
        if self.line > 0 {
            write!(f, "{}:{}:", self.line, self.column)?;
        }
        if !self.origin.is_empty() || self.line > 0 {
            f.write_str(" ")?;
        }
        if !self.path.is_empty() {
            write!(f, "{}: ", self.path)?;
        }
        f.write_str(&self.message)
    }
}

/// Every problem found in one file, in file order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioErrors(pub Vec<ScenarioError>);

impl fmt::Display for ScenarioErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioErrors {}
impl std::error::Error for ScenarioError {}

mod place;
pub use place::*;

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "[run]\nseed = 7\n\n[queue]\ncapacity = -1\n\n[[classes]]\nname = \"a\"\n[[classes]]\nname = \"b\"\nservice = { mean = \"5\" }\n";

    fn position(path: &str) -> (usize, usize) {
        line_col(TEXT, locate(TEXT, path).unwrap().start)
    }

    #[test]
    fn locate_finds_values_in_tables_and_arrays_of_tables() {
        assert_eq!(position("queue.capacity"), (5, 12));
        assert_eq!(position("classes[1].name"), (10, 8));
        assert_eq!(position("classes[1].service.mean"), (11, 20));
    }

    #[test]
    fn path_at_names_the_value_under_an_offset() {
        let at = |needle: &str| path_at(TEXT, TEXT.find(needle).unwrap());
        assert_eq!(at("-1").as_deref(), Some("queue.capacity"));
        assert_eq!(at("\"b\"").as_deref(), Some("classes[1].name"));
        assert_eq!(at("\"5\"").as_deref(), Some("classes[1].service.mean"));
        assert_eq!(at("seed"), None, "a key is not a value");
    }

    #[test]
    fn locate_falls_back_to_the_enclosing_table_for_missing_fields() {
        assert_eq!(position("queue.on_full").0, 4);
        assert_eq!(position("run.duration").0, 1);
    }

    #[test]
    fn path_steps_survive_malformed_brackets() {
        assert_eq!(
            path_steps("a[1].b"),
            [PathStep::Key("a"), PathStep::Index(1), PathStep::Key("b")]
        );
        for weird in ["]", "a]]", "a[1]]", "[[", "a[x]", "]["] {
            let _ = path_steps(weird);
        }
    }

    #[test]
    fn parse_path_refuses_what_path_steps_would_skip() {
        assert_eq!(
            parse_path("classes[1].service.mean").unwrap(),
            [
                PathStep::Key("classes"),
                PathStep::Index(1),
                PathStep::Key("service"),
                PathStep::Key("mean")
            ]
        );
        assert_eq!(
            parse_path("a[0][1]").unwrap(),
            [PathStep::Key("a"), PathStep::Index(0), PathStep::Index(1)]
        );
        for (bad, why) in [
            ("pool..workers", "empty field name at segment 2"),
            (".pool", "empty field name at segment 1"),
            ("pool.", "empty field name at segment 2"),
            ("", "empty"),
            ("a[x]", "expected an index"),
            ("a[1", "expected an index"),
            ("a[1]b", "expected an index"),
            ("a]", "not a field name"),
        ] {
            let error = parse_path(bad).unwrap_err();
            assert!(error.contains(why), "{bad}: {error}");
        }
        let deep = vec!["a"; 10_000].join(".");
        assert!(parse_path(&deep).unwrap_err().contains("characters"));
        let deep = vec!["a"; 33].join(".");
        assert!(parse_path(&deep)
            .unwrap_err()
            .contains("more than 32 steps"));
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        assert_eq!(line_col("a = \"µµ\"\nb", 9), (1, 8));
        assert_eq!(line_col("a\nbc", 3), (2, 2));
    }

    #[test]
    fn display_reads_file_line_col_path_message() {
        let error = ScenarioError {
            origin: "mmc.toml".into(),
            line: 3,
            column: 12,
            ..ScenarioError::at_path("pool.workers", "must be at least 1")
        };
        assert_eq!(
            error.to_string(),
            "mmc.toml:3:12: pool.workers: must be at least 1"
        );
    }
}
