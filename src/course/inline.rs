//! An instructor's own exercise written inside a course file, as a `[[chapters.exercises]]` table
//! with the exercise file's fields (its `[scenario]` written `[chapters.exercises.scenario]`).
//!
//! The exercise parser reads a whole file, and an exercise keeps its text (knob values are
//! applied to it), so the table is cut out of the course as an exercise file of its own. It is
//! cut out twice: once *in place* — every byte outside the table blanked (newlines kept) and each
//! header's `chapters.exercises.` prefix overwritten with spaces — so the parser's `line:col`
//! are the course file's, with no mapping to get wrong; and once *compact* — only the table's
//! lines, headers shortened — which is the text the exercise keeps, shares and downloads.
//!
//! Header positions come from `toml_edit`'s spans, never from scanning lines, so a line of
//! Markdown starting with `[` inside a multi-line string is never taken for a header.

use std::ops::Range;

/// The two texts of one inline exercise.
pub struct Carved {
    /// As long as the course text, the exercise's bytes where they were, the rest blanked.
    pub in_place: String,
    /// The exercise alone, as a file of its own.
    pub compact: String,
}

/// A table header in the course: its span (`[…]` or `[[…]]`) and, for one inside the exercise,
/// its path below the exercise's table.
struct Header {
    span: Range<usize>,
    array: bool,
    relative: Option<Vec<String>>,
}

/// Cuts the table `table` (the `entry`-th of `chapters[chapter].exercises`) out of `text`.
/// `None` when the table has no header of its own (an inline `{ … }` table).
pub fn carve(
    text: &str,
    document: &toml_edit::Document<&str>,
    table: &toml_edit::Table,
) -> Option<Carved> {
    let own = table.span()?;
    let mut headers = Vec::new();
    collect(
        document.as_table(),
        &mut Vec::new(),
        false,
        false,
        &mut headers,
        false,
    );
    let mut mine = Vec::new();
    collect(table, &mut Vec::new(), true, true, &mut mine, true);
    if mine.first().map(|header| header.span.clone()) != Some(own) {
        return None;
    }
    headers.sort_by_key(|header| header.span.start);
    // Each header of the exercise owns the text from its line to the next header of the file.
    let mut kept: Vec<Range<usize>> = Vec::new();
    for header in &mine {
        let start = line_start(text, header.span.start);
        let end = headers
            .iter()
            .map(|other| line_start(text, other.span.start))
            .find(|&at| at > start)
            .unwrap_or(text.len());
        kept.push(start..end);
    }
    let mut in_place: Vec<u8> = text
        .bytes()
        .map(|byte| if byte == b'\n' { b'\n' } else { b' ' })
        .collect();
    for range in &kept {
        in_place[range.clone()].copy_from_slice(&text.as_bytes()[range.clone()]);
    }
    for header in &mine {
        let replacement = match &header.relative {
            // The exercise's own header: the file's top level, so no header at all.
            None => String::new(),
            Some(keys) => {
                let keys = keys
                    .iter()
                    .map(|key| bare_or_quoted(key))
                    .collect::<Vec<_>>()
                    .join(".");
                if header.array {
                    format!("[[{keys}]]")
                } else {
                    format!("[{keys}]")
                }
            }
        };
        let width = header.span.len();
        let padded = format!("{replacement:width$}");
        if padded.len() == width {
            in_place[header.span.clone()].copy_from_slice(padded.as_bytes());
        }
    }
    let in_place = String::from_utf8(in_place).ok()?;
    let first = kept.iter().map(|range| range.start).min().unwrap_or(0);
    let last = kept.iter().map(|range| range.end).max().unwrap_or(0);
    let compact = in_place[first..last]
        .lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim_matches('\n')
        .to_string()
        + "\n";
    Some(Carved { in_place, compact })
}

/// An exercise written as an inline `{ … }` table (one without a header to cut along), as a file
/// of its own; `None` if the entry is no inline table.
pub fn inline_table_text(
    document: &toml_edit::Document<&str>,
    chapter: usize,
    entry: usize,
) -> Option<String> {
    let array = document
        .get("chapters")?
        .as_array_of_tables()?
        .get(chapter)?
        .get("exercises")?
        .as_array()?;
    let table = array.get(entry)?.as_inline_table()?.clone().into_table();
    Some(toml_edit::DocumentMut::from(table).to_string())
}

fn line_start(text: &str, at: usize) -> usize {
    text[..at.min(text.len())]
        .rfind('\n')
        .map_or(0, |newline| newline + 1)
}

fn bare_or_quoted(key: &str) -> String {
    if !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        key.to_string()
    } else {
        toml_edit::Key::new(key).to_string()
    }
}

/// Every header under `table` (itself when `include_self`), in tree order; with `relative`, each
/// with its path below `table` (none for `table`'s own header).
fn collect(
    table: &toml_edit::Table,
    path: &mut Vec<String>,
    include_self: bool,
    array: bool,
    out: &mut Vec<Header>,
    relative: bool,
) {
    if include_self {
        if let Some(span) = table.span().filter(|_| !table.is_implicit()) {
            out.push(Header {
                span,
                array,
                relative: (relative && !path.is_empty()).then(|| path.clone()),
            });
        }
    }
    for (key, item) in table.iter() {
        path.push(key.to_string());
        match item {
            toml_edit::Item::Table(child) => collect(child, path, true, false, out, relative),
            toml_edit::Item::ArrayOfTables(children) => {
                for child in children.iter() {
                    collect(child, path, true, true, out, relative);
                }
            }
            _ => {}
        }
        path.pop();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COURSE: &str = "title = \"c\"\n\n[[chapters]]\ntitle = \"one\"\n\n[[chapters.exercises]]\nid = \"mine\"\ninstructions = \"\"\"\n[not a header]\n\"\"\"\n[chapters.exercises.scenario]\nseed = 1\n[[chapters.exercises.goals]]\nmetric = \"m\"\n\n[[chapters.exercises]]\nbuiltin = \"x\"\n";

    fn carved() -> Carved {
        let document = toml_edit::Document::parse(COURSE).unwrap();
        let chapters = document["chapters"].as_array_of_tables().unwrap();
        let exercises = chapters.get(0).unwrap()["exercises"]
            .as_array_of_tables()
            .unwrap();
        carve(COURSE, &document, exercises.get(0).unwrap()).unwrap()
    }

    #[test]
    fn the_compact_text_is_an_exercise_file_of_its_own() {
        let compact = carved().compact;
        assert_eq!(
            compact,
            "id = \"mine\"\ninstructions = \"\"\"\n[not a header]\n\"\"\"\n[scenario]\nseed = 1\n[[goals]]\nmetric = \"m\"\n"
        );
    }

    #[test]
    fn the_in_place_text_keeps_every_position_of_the_course() {
        let in_place = carved().in_place;
        assert_eq!(in_place.len(), COURSE.len());
        assert_eq!(in_place.lines().count(), COURSE.lines().count());
        let at = COURSE.find("metric").unwrap();
        assert_eq!(&in_place[at..at + 6], "metric");
        assert!(!in_place.contains("builtin"));
        assert!(!in_place.contains("title"));
        let table: toml::Table = toml::from_str(&in_place).unwrap();
        assert_eq!(table["scenario"]["seed"].as_integer(), Some(1));
        assert_eq!(table["goals"][0]["metric"].as_str(), Some("m"));
    }
}
