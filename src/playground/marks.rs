//! Error marks for the code editor: where each problem of a file sits (line, column and how
//! many characters to underline) and what to say beside that line. Worked out here, without the
//! DOM, from the positions validation already gives ([`ScenarioError`]'s `line`, `column` and
//! `byte_range()`), so the editor never guesses and the rule is tested natively.

use crate::scenario::{ScenarioError, ScenarioErrors};

/// One problem as the editor shows it. `line` and `column` are 1-based; `line == 0` means the
/// problem has no place in the text (it is listed under the editor only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mark {
    pub line: usize,
    pub column: usize,
    /// Characters to underline from `column`, at least 1, never past the line's end.
    pub length: usize,
    /// `field.path: message`, or the message alone for a syntax error.
    pub message: String,
}

impl Mark {
    /// Where the mark is, as people read it: `line 12, column 5`.
    pub fn place(&self) -> String {
        if self.line == 0 {
            "no line".to_string()
        } else {
            format!("line {}, column {}", self.line, self.column)
        }
    }

    /// A problem with no place in the text.
    pub fn unplaced(message: impl Into<String>) -> Mark {
        Mark {
            line: 0,
            column: 0,
            length: 0,
            message: message.into(),
        }
    }
}

/// A mark per error, in the errors' order. `text` is the file the errors were found in; an
/// error's byte range, where it lies on the error's own line, sets how much is underlined.
pub fn marks(errors: &ScenarioErrors, text: &str) -> Vec<Mark> {
    errors.0.iter().map(|error| mark(error, text)).collect()
}

/// The mark of one error.
pub fn mark(error: &ScenarioError, text: &str) -> Mark {
    let message = if error.path.is_empty() {
        error.message.clone()
    } else {
        format!("{}: {}", error.path, error.message)
    };
    let Some(line_text) = error
        .line
        .checked_sub(1)
        .and_then(|index| text.lines().nth(index))
    else {
        return Mark::unplaced(message);
    };
    let chars = line_text.chars().count();
    let column = error.column.clamp(1, chars.max(1));
    let length = error
        .byte_range()
        .filter(|_| error.within.is_none())
        .and_then(|range| text.get(range))
        .map(|value| value.lines().next().unwrap_or("").chars().count())
        .unwrap_or(1)
        .clamp(1, (chars + 1).saturating_sub(column).max(1));
    Mark {
        line: error.line,
        column,
        length,
        message,
    }
}

/// The 0-based character offset of `line`:`column` (1-based) in `text`, clamped into it: where
/// the editor puts the cursor when a mark is chosen from the list.
pub fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let mut offset = 0;
    for (index, line_text) in text.split('\n').enumerate() {
        let chars = line_text.chars().count();
        if index + 1 == line {
            return offset + column.saturating_sub(1).min(chars);
        }
        offset += chars + 1;
    }
    text.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_value_is_underlined_where_it_is() {
        let text = "[run]\nseed = 1\n[pool]\nworkers = \"many\"\n";
        let errors = crate::scenario::parse(text, "x.toml").unwrap_err();
        let marks = marks(&errors, text);
        let mark = marks
            .iter()
            .find(|m| m.message.contains("workers"))
            .unwrap_or_else(|| panic!("{marks:?}"));
        assert_eq!((mark.line, mark.column), (4, 11), "{mark:?}");
        assert_eq!(mark.length, "\"many\"".len(), "{mark:?}");
        assert_eq!(mark.place(), "line 4, column 11");
    }

    #[test]
    fn a_syntax_error_is_marked_at_its_line() {
        let text = "[run]\nseed = = 1\n";
        let errors = crate::scenario::parse(text, "x.toml").unwrap_err();
        let mark = &marks(&errors, text)[0];
        assert_eq!(mark.line, 2, "{mark:?}");
        assert!(mark.length >= 1);
    }

    #[test]
    fn an_error_without_a_place_is_unplaced_and_marks_stay_inside_their_line() {
        let error = ScenarioError::at_path("pool.workers", "is required");
        assert_eq!(mark(&error, "a = 1").line, 0);
        let mut far = ScenarioError::at_path("a", "bad");
        (far.line, far.column) = (1, 99);
        far.set_byte_range(Some(0..5));
        let mark = mark(&far, "a = 1\nb = 2");
        assert_eq!((mark.column, mark.length), (5, 1));
    }

    #[test]
    fn offsets_count_characters_and_clamp() {
        let text = "ab\nçd\n";
        assert_eq!(offset_of(text, 1, 1), 0);
        assert_eq!(offset_of(text, 2, 2), 4);
        assert_eq!(offset_of(text, 2, 50), 5);
        assert_eq!(offset_of(text, 9, 1), 6);
    }
}
