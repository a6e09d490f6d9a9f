//! The learner's code beside the reference, line by line ("compare with the reference", shown
//! once an exercise is solved): which lines only the learner wrote, which only the reference
//! has, which both share. The diff is `similar`'s (Myers), not a hand-made one.

use similar::{ChangeTag, TextDiff};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Both,
    OnlyYours,
    OnlyReference,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    pub side: Side,
    pub text: String,
}

/// The lines of `yours` and `reference` in one list, in order; trailing whitespace is ignored
/// so a stray space does not make a line differ.
pub fn compare(yours: &str, reference: &str) -> Vec<DiffLine> {
    let trim = |text: &str| {
        text.lines()
            .map(str::trim_end)
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (yours, reference) = (trim(yours), trim(reference));
    let diff = TextDiff::from_lines(&yours, &reference);
    diff.iter_all_changes()
        .map(|change| DiffLine {
            side: match change.tag() {
                ChangeTag::Equal => Side::Both,
                ChangeTag::Delete => Side::OnlyYours,
                ChangeTag::Insert => Side::OnlyReference,
            },
            text: change.value().trim_end_matches('\n').to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_marked_by_who_wrote_them() {
        let lines = compare("fn f(x) {\n    x + 1\n}\n", "fn f(x) {  \n    x * 2\n}");
        let sides: Vec<_> = lines.iter().map(|l| (l.side, l.text.as_str())).collect();
        assert_eq!(
            sides,
            vec![
                (Side::Both, "fn f(x) {"),
                (Side::OnlyYours, "    x + 1"),
                (Side::OnlyReference, "    x * 2"),
                (Side::Both, "}"),
            ]
        );
    }

    #[test]
    fn the_same_code_is_all_shared() {
        let code = "let a = 1;\na\n";
        assert!(compare(code, code).iter().all(|l| l.side == Side::Both));
        assert!(compare("", "").is_empty());
    }
}
