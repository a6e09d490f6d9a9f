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

/// 1-based (line, column) of a byte offset; columns count characters.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// The file's (line, column) of a place given as (line, column) inside the string value at
/// byte range `value`: a multi-line string (`"""` or `'''`) trims the newline right after its
/// opening quotes, so its first line is the file's next one. `None` when the value is a basic
/// string with escapes (`\n`, `\t`, a line-ending `\`): the decoded text's places are not the
/// file's, so the caller names the place in the code instead.
pub fn line_col_within(
    text: &str,
    value: std::ops::Range<usize>,
    within: (usize, usize),
) -> Option<(usize, usize)> {
    let (value_line, value_column) = line_col(text, value.start);
    let raw = text.get(value.clone()).unwrap_or("");
    if raw.starts_with('"') && raw.contains('\\') {
        return None;
    }
    let quotes = ["\"\"\"", "\'\'\'", "\"", "\'"]
        .into_iter()
        .find(|quote| raw.starts_with(quote))
        .map_or(0, str::len);
    let after_quotes = &raw[quotes..];
    let trimmed_newline =
        quotes == 3 && (after_quotes.starts_with('\n') || after_quotes.starts_with("\r\n"));
    let (line, column) = within;
    Some(match (line, trimmed_newline) {
        (0, _) => (value_line, value_column),
        (1, false) => (value_line, value_column + quotes + column.saturating_sub(1)),
        (line, false) => (value_line + line - 1, column),
        (line, true) => (value_line + line, column),
    })
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Splits `classes[1].service.mean` into `["classes", "[1]", "service", "mean"]`-like steps.
pub fn path_steps(path: &str) -> Vec<PathStep<'_>> {
    let mut steps = Vec::new();
    for part in path.split('.') {
        let (name, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !name.is_empty() {
            steps.push(PathStep::Key(name));
        }
        while let (Some(inner), Some(end)) = (rest.strip_prefix('['), rest.find(']')) {
            if let Ok(index) = inner[..end - 1].parse() {
                steps.push(PathStep::Index(index));
            }
            rest = &rest[end + 1..];
        }
    }
    steps
}

/// Splits a field path a person wrote (`--set`, `--param`, a knob) into steps, refusing what
/// [`path_steps`] would quietly skip: empty segments (`pool..workers`), brackets without a whole
/// number (`classes[x]`), and paths longer than [`MAX_PATH_STEPS`](super::limits::MAX_PATH_STEPS)
/// steps or [`MAX_PATH_CHARS`](super::limits::MAX_PATH_CHARS) characters. Iterative: a path of any
/// length costs one pass and no stack.
pub fn parse_path(path: &str) -> Result<Vec<PathStep<'_>>, String> {
    use super::limits::{MAX_PATH_CHARS, MAX_PATH_STEPS};
    let chars = path.chars().count();
    if chars > MAX_PATH_CHARS {
        return Err(format!(
            "the field path has {chars} characters, more than the limit of {MAX_PATH_CHARS}"
        ));
    }
    if path.trim().is_empty() {
        return Err("the field path is empty".into());
    }
    let mut steps = Vec::new();
    for (i, part) in path.split('.').enumerate() {
        let (name, mut rest) = match part.find('[') {
            Some(at) => (&part[..at], &part[at..]),
            None => (part, ""),
        };
        if name.is_empty() && (i > 0 || rest.is_empty()) {
            return Err(format!(
                "{path:?} has an empty field name at segment {} (two dots, or a dot at an end)",
                i + 1
            ));
        }
        if name.contains(']') || name.trim() != name {
            return Err(format!("{path:?}: {name:?} is not a field name"));
        }
        if !name.is_empty() {
            steps.push(PathStep::Key(name));
        }
        while !rest.is_empty() {
            let index = rest
                .strip_prefix('[')
                .and_then(|inner| inner.split_once(']'))
                .and_then(|(number, after)| Some((number.parse::<usize>().ok()?, after)));
            let Some((index, after)) = index else {
                return Err(format!(
                    "{path:?}: expected an index such as [0] after {name:?}, found {rest:?}"
                ));
            };
            steps.push(PathStep::Index(index));
            rest = after;
        }
        if steps.len() > MAX_PATH_STEPS {
            return Err(format!(
                "the field path has more than {MAX_PATH_STEPS} steps, the limit (a scenario's deepest field has 6)"
            ));
        }
    }
    Ok(steps)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PathStep<'a> {
    Key(&'a str),
    Index(usize),
}

/// Finds the byte span of the deepest existing item along `path` in a TOML document: the value if
/// the field exists, else the table it should be in (so a missing field points at its table).
pub fn locate(text: &str, path: &str) -> Option<std::ops::Range<usize>> {
    locate_in(&toml_edit::Document::parse(text).ok()?, path)
}

/// [`locate`] in a document parsed once, for many paths.
pub fn locate_in<S>(
    document: &toml_edit::Document<S>,
    path: &str,
) -> Option<std::ops::Range<usize>> {
    let mut best = None;
    let mut current = Node::Item(document.as_item());
    for step in path_steps(path) {
        let next = match (current, step) {
            (Node::Item(item), PathStep::Key(key)) => match item {
                toml_edit::Item::Table(table) => table.get(key).map(Node::Item),
                toml_edit::Item::Value(value) => value_key(value, key),
                _ => None,
            },
            (Node::Item(item), PathStep::Index(index)) => match item {
                toml_edit::Item::ArrayOfTables(tables) => tables.get(index).map(Node::Table),
                toml_edit::Item::Value(toml_edit::Value::Array(array)) => {
                    array.get(index).map(Node::Value)
                }
                _ => None,
            },
            (Node::Table(table), PathStep::Key(key)) => table.get(key).map(Node::Item),
            (Node::Table(_), PathStep::Index(_)) => None,
            (Node::Value(value), PathStep::Key(key)) => value_key(value, key),
            (Node::Value(toml_edit::Value::Array(array)), PathStep::Index(index)) => {
                array.get(index).map(Node::Value)
            }
            (Node::Value(_), PathStep::Index(_)) => None,
        };
        match next {
            Some(node) => {
                if let Some(span) = node.span() {
                    best = Some(span);
                }
                current = node;
            }
            None => break,
        }
    }
    best
}

/// The dotted path of the value at byte `offset` of a TOML document (`downstream.max_in_flight`,
/// `classes[1].service.mean`): the inverse of [`locate`], for errors that come with a position
/// but no field (serde's type errors).
pub fn path_at(text: &str, offset: usize) -> Option<String> {
    let document = toml_edit::Document::parse(text).ok()?;
    let mut path = String::new();
    table_path(document.as_table(), offset, &mut path).then_some(path)
}

fn table_path(table: &toml_edit::Table, offset: usize, path: &mut String) -> bool {
    let before = path.len();
    let found = table.iter().any(|(key, item)| {
        path.truncate(before);
        push_key(path, key);
        match item {
            toml_edit::Item::Table(table) => table_path(table, offset, path),
            toml_edit::Item::ArrayOfTables(tables) => {
                let key_end = path.len();
                tables.iter().enumerate().any(|(i, table)| {
                    path.truncate(key_end);
                    path.push_str(&format!("[{i}]"));
                    table_path(table, offset, path)
                })
            }
            toml_edit::Item::Value(value) => value_path(value, offset, path),
            toml_edit::Item::None => false,
        }
    });
    if !found {
        path.truncate(before);
    }
    found
}

/// True when `value` holds `offset`; `path` then ends at the innermost value holding it.
fn value_path(value: &toml_edit::Value, offset: usize, path: &mut String) -> bool {
    if !value.span().is_some_and(|span| span.contains(&offset)) {
        return false;
    }
    let before = path.len();
    let deeper = match value {
        toml_edit::Value::InlineTable(table) => table.iter().any(|(key, value)| {
            path.truncate(before);
            push_key(path, key);
            value_path(value, offset, path)
        }),
        toml_edit::Value::Array(array) => array.iter().enumerate().any(|(i, value)| {
            path.truncate(before);
            path.push_str(&format!("[{i}]"));
            value_path(value, offset, path)
        }),
        _ => false,
    };
    if !deeper {
        path.truncate(before);
    }
    true
}

fn push_key(path: &mut String, key: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(key);
}

fn value_key<'a>(value: &'a toml_edit::Value, key: &str) -> Option<Node<'a>> {
    match value {
        toml_edit::Value::InlineTable(table) => table.get(key).map(Node::Value),
        _ => None,
    }
}

#[derive(Clone, Copy)]
enum Node<'a> {
    Item(&'a toml_edit::Item),
    Table(&'a toml_edit::Table),
    Value(&'a toml_edit::Value),
}

impl Node<'_> {
    fn span(&self) -> Option<std::ops::Range<usize>> {
        match self {
            Node::Item(item) => item.span(),
            Node::Table(table) => table.span(),
            Node::Value(value) => value.span(),
        }
    }
}

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
