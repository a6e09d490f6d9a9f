//! Where an error is: a byte offset as line and column, a dotted field path (`classes[1].weight`)
//! parsed into steps and found in the TOML text, and the path of the value at an offset. Kept
//! apart from the error types, which only carry what this finds.

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
    use crate::scenario::limits::{MAX_PATH_CHARS, MAX_PATH_STEPS};
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
